"""Writes weights, inputs and PyTorch reference outputs for the e2e tests.

Usage: /usr/bin/python3 reference.py OUTDIR
Models are initialised by torch with a fixed seed; weights are written as
SafeTensors (by hand: torch 1.13 has no safetensors module).
"""
import json
import os
import struct
import sys

import numpy as np
import torch


def save_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, value in tensors.items():
        data = np.ascontiguousarray(value, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def state(model, names):
    return {names[k.split(".")[0]] + "." + k.split(".")[1]: v.detach().numpy()
            for k, v in model.state_dict().items()}


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10))
    x = torch.randn(64, 784)
    save_safetensors(f"{out}/mlp.safetensors",
                     state(mlp, {"0": "fc1", "2": "fc2", "4": "fc3"}))
    np.save(f"{out}/mlp_input.npy", x.numpy())
    np.save(f"{out}/mlp_ref.npy", mlp(x).detach().numpy())

    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(784, 10))
    images = torch.randn(8, 1, 28, 28)
    save_safetensors(f"{out}/cnn.safetensors",
                     state(cnn, {"0": "conv1", "3": "conv2", "7": "fc"}))
    np.save(f"{out}/cnn_input.npy", images.numpy())
    np.save(f"{out}/cnn_ref.npy", cnn(images).detach().numpy())

    # Plain matmuls on weights (tests/e2e/matmul.mlir), in float64.
    rng = np.random.default_rng(0)
    a = rng.standard_normal((40, 96), dtype=np.float32)
    b = rng.standard_normal((96, 64), dtype=np.float32)
    w = rng.standard_normal((48, 64), dtype=np.float32)
    save_safetensors(f"{out}/matmul.safetensors", {"b": b, "w": w})
    np.save(f"{out}/matmul_input.npy", a)
    ref = (a.astype(np.float64) @ b @ w.T.astype(np.float64))
    np.save(f"{out}/matmul_ref.npy", ref.astype(np.float32))


if __name__ == "__main__":
    main(sys.argv[1])
