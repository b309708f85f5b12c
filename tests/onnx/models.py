#!/usr/bin/env python3
"""Real models through the ONNX importer: exports PyTorch models with random
weights (fixed seed) to ONNX, compiles each with bornc for CPU and Vulkan,
runs the executable on both devices and compares with PyTorch.

  models.py --bornc build/bin/bornc --work DIR [--models resnet18,...]
            [--devices cpu,vulkan] [--tol 1e-4]

Error measure: max |born - torch| / max |torch| over the whole output (a
relative error against the output's scale, so that outputs near zero do not
dominate it); the test fails above --tol.

Models are generated into --work at each run (nothing is committed): batch
1, 3x224x224 for the CNNs, and a 4-layer nn.TransformerEncoder (d_model 256,
4 heads, sequence 128, batch first) for the transformer. Everything is in
eval mode; batch-norm statistics are calibrated on one random batch (rather
than left at mean 0, variance 1) and the encoder's layers get distinct
weights, so that the exported graphs compute something non-trivial.

Also usable by bench/onnx_bench.py: export(name, dir) writes NAME.onnx,
NAME_input.npy and NAME_ref.npy.
"""
import argparse
import os
import subprocess
import sys
import time
import warnings

import numpy as np

MODELS = ["resnet18", "mobilenet_v2", "squeezenet1_1", "efficientnet_b0",
          "transformer"]
SEED = 0


def build_model(name):
    """The PyTorch module (eval mode, random weights) and its input."""
    import torch
    import torchvision

    torch.manual_seed(SEED)
    if name == "transformer":
        layer = torch.nn.TransformerEncoderLayer(256, 4, batch_first=True)
        model = torch.nn.TransformerEncoder(layer, 4,
                                            enable_nested_tensor=False)
        # TransformerEncoder deep-copies one layer: give each its own weights,
        # and the zero biases and unit LayerNorm scales random values.
        with torch.no_grad():
            for pname, p in model.named_parameters():
                if p.dim() > 1:
                    torch.nn.init.xavier_uniform_(p)
                elif ".norm" in pname and pname.endswith(".weight"):
                    p.copy_(1 + 0.1 * torch.randn_like(p))
                else:
                    p.copy_(0.1 * torch.randn_like(p))
        x = torch.randn(1, 128, 256)
    else:
        model = getattr(torchvision.models, name)()
        x = torch.randn(1, 3, 224, 224)
        # Batch-norm statistics of a random batch (cumulative average over
        # one batch = that batch's statistics), like a trained network's.
        bns = [m for m in model.modules()
               if isinstance(m, torch.nn.BatchNorm2d)]
        if bns:
            with torch.no_grad():
                for m in bns:
                    m.momentum = None
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)
                model.train()
                model(torch.randn(4, 3, 224, 224))
    model.eval()
    return model, x


def export(name, directory, opset=17):
    """Writes NAME.onnx, NAME_input.npy and NAME_ref.npy into directory."""
    import torch

    model, x = build_model(name)
    with torch.no_grad():
        ref = model(x)
    path = os.path.join(directory, name + ".onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, path, opset_version=opset,
                          input_names=["input"], output_names=["output"])
    np.save(os.path.join(directory, name + "_input.npy"), x.numpy())
    np.save(os.path.join(directory, name + "_ref.npy"), ref.numpy())
    return path


def relative_error(actual, expected):
    scale = np.abs(expected).max()
    return float(np.abs(actual.astype(np.float64) - expected).max() /
                 (scale if scale > 0 else 1.0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bornc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--devices", default="cpu,vulkan")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=0,
                    help="CPU threads of the runs (0: all)")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    devices = args.devices.split(",")
    failures = []
    start = time.time()
    for name in args.models.split(","):
        if name not in MODELS:
            sys.exit(f"unknown model '{name}' (known: {', '.join(MODELS)})")
        t0 = time.time()
        onnx_path = export(name, args.work)
        t_export = time.time() - t0
        exe = os.path.join(args.work, name)
        t0 = time.time()
        p = subprocess.run([args.bornc, onnx_path, "-q",
                            "--target=" + ",".join(devices), "-o", exe],
                           capture_output=True, text=True)
        t_compile = time.time() - t0
        if p.returncode != 0:
            print(f"FAIL {name}: bornc: {p.stderr.strip()}", flush=True)
            failures.append(name)
            continue
        ref = np.load(os.path.join(args.work, name + "_ref.npy"))
        for device in devices:
            out = os.path.join(args.work, f"{name}_out_{device}")
            t0 = time.time()
            p = subprocess.run([exe, os.path.join(args.work, name + "_input.npy"),
                                "--out", out, "--device", device,
                                "--threads", str(args.threads)],
                               capture_output=True, text=True)
            t_run = time.time() - t0
            what = f"{name} on {device}"
            if p.returncode != 0:
                print(f"FAIL {what}: {(p.stderr or p.stdout).strip()}",
                      flush=True)
                failures.append(what)
                continue
            got = np.load(os.path.join(out, "output_0.npy"))
            if got.shape != ref.shape:
                print(f"FAIL {what}: shape {got.shape}, expected {ref.shape}",
                      flush=True)
                failures.append(what)
                continue
            err = relative_error(got, ref)
            ok = err <= args.tol
            print(f"{'ok  ' if ok else 'FAIL'} {what}: max|diff|/max|ref| = "
                  f"{err:.2e} (export {t_export:.1f} s, compile "
                  f"{t_compile:.1f} s, run {t_run:.1f} s)", flush=True)
            if not ok:
                failures.append(what)
    print(f"{len(failures)} failure(s) in {time.time() - start:.0f} s"
          + (": " + ", ".join(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
