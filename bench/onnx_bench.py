"""Born on ONNX models against ONNX Runtime and PyTorch, in one run.

  /usr/bin/python3 bench/onnx_bench.py [--build build] [--runs 30]
      [--models resnet18,mobilenet_v2,transformer] [--write-docs]

Each model is exported from PyTorch by tests/onnx/models.py (random weights,
fixed seed, batch 1) into BUILD/onnx-bench, compiled by bornc for the CPU,
and timed on the same input at 1 and 2 threads by:
- Born: the executable's `--bench RUNS --threads N` (one warm-up run, then
  the median of RUNS);
- ONNX Runtime 1.30.0 (npm onnxruntime-node, CPU provider,
  intraOpNumThreads N, all graph optimizations), bench/ort_time.js: five
  warm-up runs, then the median of RUNS;
- PyTorch (Debian python3-torch, torch.set_num_threads(N), no_grad, eval):
  five warm-up runs, then the median of RUNS.
Born's and ONNX Runtime's outputs are checked against PyTorch's first (max
|diff| / max |ref|), so a broken run cannot pass for a fast one.
onnxruntime-node is installed into BUILD/onnx-bench by npm on first use.
Prints every median and the speed ratios peer / Born (above 1: Born is
faster); --write-docs replaces the generated section of docs/performance.md.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "onnx"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import models  # noqa: E402
import torch_time  # noqa: E402

ORT_VERSION = "1.30.0"
LABELS = {"resnet18": "ResNet-18 1x3x224x224",
          "mobilenet_v2": "MobileNetV2 1x3x224x224",
          "squeezenet1_1": "SqueezeNet 1.1 1x3x224x224",
          "efficientnet_b0": "EfficientNet-B0 1x3x224x224",
          "transformer": "Transformer encoder 4x256, seq 128"}


def run(cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          env=env).stdout


def torch_worker(name, threads, runs):
    """Runs in a child process (its own thread settings): prints the median."""
    import torch
    torch.set_num_threads(threads)
    model, x = models.build_model(name)
    print(f"{torch_time.median_ms(model, x, runs):.4f}")


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--models", default="resnet18,mobilenet_v2,transformer")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--torch-worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torch_worker:
        name, threads, runs = args.torch_worker
        return torch_worker(name, int(threads), int(runs))

    bornc = os.path.join(args.build, "bin", "bornc")
    work = os.path.join(args.build, "onnx-bench")
    os.makedirs(work, exist_ok=True)
    ort_dir = work
    if not os.path.isdir(os.path.join(ort_dir, "node_modules",
                                      "onnxruntime-node")):
        print(f"installing onnxruntime-node@{ORT_VERSION} into {ort_dir}",
              flush=True)
        # The CPU provider is bundled; skip the optional CUDA download.
        run(["npm", "install", "--no-save", "--no-package-lock", "--prefix",
             ort_dir, f"onnxruntime-node@{ORT_VERSION}"],
            env=dict(os.environ, ONNXRUNTIME_NODE_INSTALL="skip"))

    compile_rows, rows = [], []
    names = args.models.split(",")
    for name in names:
        onnx_path = models.export(name, work)
        inp = os.path.join(work, name + "_input.npy")
        ref = np.load(os.path.join(work, name + "_ref.npy"))
        exe = os.path.join(work, name)
        t0 = time.perf_counter()
        run([bornc, "-q", onnx_path, "--target=cpu", "-o", exe])
        compile_s = time.perf_counter() - t0
        size_mb = os.path.getsize(exe) / 2**20
        onnx_mb = os.path.getsize(onnx_path) / 2**20
        compile_rows.append((name, compile_s, size_mb, onnx_mb))
        print(f"{LABELS[name]}: bornc {compile_s:.1f} s, executable "
              f"{size_mb:.1f} MiB (ONNX file {onnx_mb:.1f} MiB)", flush=True)
        # Correctness first.
        out_dir = os.path.join(work, name + "_out")
        run([exe, inp, "--out", out_dir])
        got = np.load(os.path.join(out_dir, "output_0.npy"))
        born_err = models.relative_error(got, ref)
        ort_err = None
        for threads in map(int, args.threads.split(",")):
            born_out = run([exe, inp, "--bench", str(args.runs), "--threads",
                            str(threads)])
            born_ms = float(re.search(r"median latency: ([0-9.]+) ms",
                                      born_out).group(1))
            ort_out = run(["node", os.path.join(ROOT, "bench", "ort_time.js"),
                           ort_dir, onnx_path, inp, str(threads),
                           str(args.runs),
                           os.path.join(work, name + "_ref.npy")])
            ort_ms = float(re.search(r"median_ms ([0-9.]+)", ort_out).group(1))
            ort_err = float(re.search(r"max_rel_err (\S+)", ort_out).group(1))
            env = dict(os.environ, OMP_NUM_THREADS=str(threads),
                       OPENBLAS_NUM_THREADS=str(threads))
            torch_ms = float(run([sys.executable, os.path.abspath(__file__),
                                  "--torch-worker", name, str(threads),
                                  str(args.runs)], env=env))
            rows.append((name, threads, born_ms, ort_ms, torch_ms))
            print(f"  {threads} thr: Born {born_ms:8.2f} ms   ONNX Runtime "
                  f"{ort_ms:8.2f} ms ({ort_ms / born_ms:4.2f}x)   PyTorch "
                  f"{torch_ms:8.2f} ms ({torch_ms / born_ms:4.2f}x)",
                  flush=True)
        print(f"  error vs PyTorch: Born {born_err:.1e}, ONNX Runtime "
              f"{ort_err:.1e}", flush=True)
    if args.write_docs:
        write_docs(compile_rows, rows, args)


def write_docs(compile_rows, rows, args):
    path = os.path.join(ROOT, "docs", "performance.md")
    text = open(path).read()
    begin, end = "<!-- onnx_bench.py begin -->", "<!-- onnx_bench.py end -->"
    command = ["/usr/bin/python3", "bench/onnx_bench.py", "--runs",
               str(args.runs), "--write-docs"]
    lines = [begin,
             f"Measured {datetime.date.today()} on {cpu_name()} "
             f"({os.cpu_count()} cores), `{' '.join(command)}`; ONNX Runtime "
             f"{ORT_VERSION} (npm onnxruntime-node, CPU provider), PyTorch "
             f"{torch_version()} (Debian). Batch 1; median latencies.",
             "",
             "| model | threads | Born (ms) | ONNX Runtime (ms) | ratio ORT / Born "
             "| PyTorch (ms) | ratio PyTorch / Born |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, threads, born, ort, torch_ms in rows:
        lines.append(f"| {LABELS[name]} | {threads} | {born:.2f} | {ort:.2f} | "
                     f"{ort / born:.2f}x | {torch_ms:.2f} | "
                     f"{torch_ms / born:.2f}x |")
    lines += ["",
              "| model | bornc time, `--target=cpu` (s) | executable (MiB) "
              "| ONNX file (MiB) |",
              "|---|---:|---:|---:|"]
    for name, compile_s, size_mb, onnx_mb in compile_rows:
        lines.append(f"| {LABELS[name]} | {compile_s:.1f} | {size_mb:.1f} | "
                     f"{onnx_mb:.1f} |")
    lines.append(end)
    block = "\n".join(lines)
    if begin in text:
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + block + text[stop:]
    else:
        text += "\n" + block + "\n"
    open(path, "w").write(text)
    print(f"wrote {path}")


def torch_version():
    import torch
    return torch.__version__


if __name__ == "__main__":
    main()
