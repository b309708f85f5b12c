#!/usr/bin/env python3
"""Trains the MLP example for one epoch on Fashion-MNIST and checks:
- the epoch line reports a test accuracy well above chance (> 80%);
- stderr has the machine-readable 'train-loop: epoch 1 images N seconds T'
  line that bench/train_bench.py reads;
- the trained params, read from Born's SafeTensors with json + numpy, give
  the same logits in PyTorch as Born's inference executable compiled from
  them, and that executable classifies test images correctly.

  check_train_mlp.py TRAIN_MLP DATA_DIR WORK_DIR
"""
import gzip
import json
import os
import re
import struct
import subprocess
import sys

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    return {name: np.frombuffer(data[8 + n + info["data_offsets"][0]:
                                     8 + n + info["data_offsets"][1]],
                                np.float32).reshape(info["shape"])
            for name, info in header.items()}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data[4 + 4 * rank:], np.uint8).reshape(dims)


def main():
    exe, data_dir, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    weights = os.path.join(work, "mlp.safetensors")
    model = os.path.join(work, "mlp-infer")
    run = subprocess.run(
        [exe, "--data", data_dir, "--epochs", "1", "--save-weights", weights,
         "--emit-exe", model],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(run.stderr[-2000:])
    print(run.stdout, end="")
    if run.returncode != 0:
        print(f"FAIL: train-mlp exited with {run.returncode}")
        return 1
    match = re.search(r"^epoch 1: test accuracy ([0-9.]+)%$", run.stdout, re.M)
    if not match:
        print("FAIL: no 'epoch 1: test accuracy X%' line")
        return 1
    accuracy = float(match.group(1))
    if accuracy <= 80:
        print(f"FAIL: test accuracy {accuracy}% after one epoch, expected > 80%")
        return 1
    if "images/s" not in run.stderr:
        print("FAIL: no progress bar with throughput on stderr")
        return 1
    # bench/train_bench.py reads the training loop's time from this line.
    loop = re.search(r"^train-loop: epoch 1 images (\d+) seconds ([0-9.]+)$",
                     run.stderr, re.M)
    if not loop or int(loop.group(1)) != 60000 // 64 * 64 or \
            float(loop.group(2)) <= 0:
        print("FAIL: no 'train-loop: epoch 1 images 59968 seconds T' line "
              "on stderr")
        return 1

    p = {k: torch.tensor(v.copy()) for k, v in read_safetensors(weights).items()}
    images = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz"))
    correct = 0
    count = 20
    for i in range(count):
        x = images[i].reshape(1, 784).astype(np.float32) / 255
        np.save(os.path.join(work, "image.npy"), x)
        subprocess.run([model, os.path.join(work, "image.npy"), "--out", work],
                       check=True, stdout=subprocess.DEVNULL)
        got = np.load(os.path.join(work, "output_0.npy"))
        # train-mlp standardizes the pixels inside its graph.
        t = (torch.tensor(x) - 0.2860) / 0.3530
        h = torch.relu(torch.nn.functional.linear(t, p["fc1.weight"], p["fc1.bias"]))
        h = torch.relu(torch.nn.functional.linear(h, p["fc2.weight"], p["fc2.bias"]))
        ref = torch.nn.functional.linear(h, p["fc3.weight"], p["fc3.bias"]).numpy()
        err = np.max(np.abs(got - ref)) / (np.max(np.abs(ref)) + 1e-6)
        if err > 1e-4:
            print(f"FAIL: image {i}: the inference executable's logits differ "
                  f"from PyTorch's on the saved params (relative {err:.2e})")
            return 1
        correct += int(np.argmax(got)) == int(labels[i])
    print(f"ok: accuracy {accuracy}%, inference executable matches PyTorch on "
          f"{count} images ({correct} classified correctly)")
    return 0 if correct >= count * 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())
