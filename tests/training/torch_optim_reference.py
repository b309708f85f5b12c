#!/usr/bin/env python3
"""Checks Born's optimizer steps against torch.optim.

  torch_optim_reference.py START.safetensors END.safetensors OPTIMIZER \
      MOMENTUM WEIGHT_DECAY LR1,LR2,...

START holds the model's initial params (fc.weight [out, in], fc.bias [out])
and the batch (input, target); END is Born's checkpoint after one step per
learning rate. The same steps run here with torch.nn.functional.linear,
cross_entropy and torch.optim; params and optimizer state must agree.
The SafeTensors files are parsed with json + numpy, no safetensors package:
this also checks that Born's checkpoints are readable by other tools.
"""
import json
import struct
import sys

import numpy as np
import torch

DTYPES = {"F32": np.float32, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = data[8 + n + begin:8 + n + end]
        tensors[name] = np.frombuffer(raw, DTYPES[info["dtype"]]).reshape(
            info["shape"])
    return tensors, meta


def main():
    start, _ = read_safetensors(sys.argv[1])
    end, meta = read_safetensors(sys.argv[2])
    kind, momentum, wd = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    lrs = [float(x) for x in sys.argv[6].split(",")]
    assert meta.get("optimizer") == kind, meta
    assert int(end["step"]) == len(lrs), end["step"]

    torch.manual_seed(0)
    w = torch.tensor(start["fc.weight"].copy(), requires_grad=True)
    b = torch.tensor(start["fc.bias"].copy(), requires_grad=True)
    x = torch.tensor(start["input"].copy())
    y = torch.tensor(start["target"].copy())
    if kind == "sgd":
        opt = torch.optim.SGD([w, b], lr=lrs[0], momentum=momentum,
                              weight_decay=wd)
    elif kind == "adam":
        opt = torch.optim.Adam([w, b], lr=lrs[0], weight_decay=wd)
    else:
        opt = torch.optim.AdamW([w, b], lr=lrs[0], weight_decay=wd)
    for lr in lrs:
        for group in opt.param_groups:
            group["lr"] = lr
        opt.zero_grad()
        h = torch.tanh(torch.nn.functional.linear(x, w, b))
        loss = torch.nn.functional.cross_entropy(h * 3.0, y)
        loss.backward()
        opt.step()

    worst = 0.0
    for name, p in (("fc.weight", w), ("fc.bias", b)):
        pairs = [(name, p.detach().numpy())]
        for key, value in opt.state[p].items():
            if key != "step":
                pairs.append((name + "." + key, value.numpy()))
        for key, ref in pairs:
            got = end[key]
            # float32 tolerance: Adam divides by sqrt(v), which magnifies
            # rounding where gradients are small.
            err = float(np.max(np.abs(got - ref) - 1e-4 * np.abs(ref)))
            worst = max(worst, err)
            print(f"{key}: max |born - torch| - 1e-4 |torch| = {err:.2e}")
            if err > 1e-5:
                print(f"FAIL {key}\nborn:  {got.ravel()[:6]}\ntorch: "
                      f"{ref.ravel()[:6]}")
                return 1
    print(f"ok: {kind}, {len(lrs)} steps, worst excess error {worst:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
