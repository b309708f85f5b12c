#!/usr/bin/env python3
"""Checks a training step compiled by `bornc --train` against torch.optim.

  train_step.py BORNC MODEL.mlir WORK_DIR

MODEL.mlir is tests/e2e/train_mlp.mlir (Linear 64->32, ReLU, Linear 32->10
at batch 16, torch nn.Linear layouts). For each optimizer below, bornc
compiles the model's training step into an executable; three steps run
through it, each step's updated params and state fed back as the next
step's inputs, and the same three steps run in PyTorch. Losses, params and
optimizer state must agree.
"""
import os
import re
import subprocess
import sys

import numpy as np
import torch

OPTIMIZERS = [
    # bornc flags, torch optimizer factory, state names (torch's)
    (["--train=adam"], lambda p: torch.optim.Adam(p, lr=0.01),
     ["exp_avg", "exp_avg_sq"]),
    (["--train=sgd", "--momentum=0.9", "--weight-decay=0.01"],
     lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, weight_decay=0.01),
     ["momentum_buffer"]),
    (["--train=adamw", "--loss=cross-entropy"],
     lambda p: torch.optim.AdamW(p, lr=0.01), ["exp_avg", "exp_avg_sq"]),
]
STEPS = 3


def signature(exe):
    """(inputs, outputs) of the executable, from its --help: names in order."""
    text = subprocess.run([exe, "--help"], capture_output=True, text=True).stdout
    inputs, outputs, section = [], [], None
    for line in text.splitlines():
        if line.startswith("inputs"):
            section = inputs
        elif line.startswith("outputs"):
            section = outputs
        elif not line.startswith("  "):
            section = None
        elif section is not None:
            m = re.match(r"\s+\d+\s+(\S+)\s", line)
            if m:
                section.append(m.group(1))
    return inputs, outputs


def main():
    bornc, model, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 64)).astype(np.float32)
    labels = rng.integers(0, 10, size=16).astype(np.int64)
    torch.manual_seed(0)
    init = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                               torch.nn.Linear(32, 10))
    names = {"0.weight": "fc1.weight", "0.bias": "fc1.bias",
             "2.weight": "fc2.weight", "2.bias": "fc2.bias"}
    start = {names[k]: v.detach().numpy().copy()
             for k, v in init.state_dict().items()}
    failures = 0
    for flags, make_optimizer, state_names in OPTIMIZERS:
        exe = os.path.join(work, "step_" + flags[0].split("=")[1])
        subprocess.run([bornc, "-q", model, *flags, "-o", exe], check=True)
        inputs, outputs = signature(exe)

        # Born: STEPS runs, each step's outputs the next step's inputs.
        values = dict(start)
        values.update({"x": x, "target": labels})
        for p in start:
            for s in state_names:
                values[p + "." + s] = np.zeros_like(start[p])
        born_losses = []
        for step in range(1, STEPS + 1):
            values["lr"] = np.array(0.01, np.float32)
            values["step"] = np.array(step, np.float32)
            files = []
            for name in inputs:
                path = os.path.join(work, name + ".npy")
                np.save(path, values[name])
                files.append(path)
            out = os.path.join(work, "out")
            subprocess.run([exe, *files, "--out", out], check=True)
            results = {name: np.load(os.path.join(out, f"output_{i}.npy"))
                       for i, name in enumerate(outputs)}
            born_losses.append(float(results["loss"]))
            for name, value in results.items():
                if name.startswith("updated."):
                    values[name[len("updated."):]] = value

        # PyTorch: the same steps.
        net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                                  torch.nn.Linear(32, 10))
        net.load_state_dict({k: torch.from_numpy(start[names[k]])
                             for k in names})
        optimizer = make_optimizer(net.parameters())
        torch_losses = []
        for _ in range(STEPS):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(
                net(torch.from_numpy(x)), torch.from_numpy(labels))
            loss.backward()
            optimizer.step()
            torch_losses.append(loss.item())

        label = " ".join(flags)
        if not np.allclose(born_losses, torch_losses, rtol=1e-5, atol=1e-6):
            print(f"{label}: losses {born_losses} != torch {torch_losses}")
            failures += 1
        for key, param in zip(names, net.parameters()):
            checks = [(names[key], param.detach().numpy())]
            state = optimizer.state[param]
            checks += [(names[key] + "." + s, state[s].numpy())
                       for s in state_names]
            for name, expected in checks:
                got = values[name]
                if not np.allclose(got, expected, rtol=1e-4, atol=1e-5):
                    err = np.max(np.abs(got - expected))
                    print(f"{label}: {name} differs from torch by {err:g}")
                    failures += 1
        print(f"{label}: losses {['%.6f' % l for l in born_losses]} "
              f"(torch {['%.6f' % l for l in torch_losses]})")
    if failures:
        sys.exit(1)
    print(f"training steps match torch.optim ({STEPS} steps each)")


if __name__ == "__main__":
    main()
