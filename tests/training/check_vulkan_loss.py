#!/usr/bin/env python3
"""Trains the MLP example on a subset of Fashion-MNIST on the CPU and on
Vulkan (lavapipe in CI) and checks that the two loss curves agree within
float tolerance, step by step, and that the loss went down.

  check_vulkan_loss.py TRAIN_MLP DATA_DIR WORK_DIR
"""
import os
import subprocess
import sys


def losses(exe, data_dir, work, device):
    log = os.path.join(work, f"loss-{device}.txt")
    subprocess.run([exe, "--data", data_dir, "--device", device, "--epochs",
                    "1", "--limit", "640", "--test-limit", "500",
                    "--loss-log", log], check=True)
    with open(log) as f:
        return [float(line) for line in f]


def main():
    exe, data_dir, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    cpu = losses(exe, data_dir, work, "cpu")
    vulkan = losses(exe, data_dir, work, "vulkan")
    if len(cpu) != len(vulkan) or not cpu:
        print(f"FAIL: {len(cpu)} CPU steps, {len(vulkan)} Vulkan steps")
        return 1
    for step, (c, v) in enumerate(zip(cpu, vulkan)):
        print(f"step {step + 1}: cpu {c:.6f} vulkan {v:.6f}")
        if abs(c - v) > 1e-3 * max(abs(c), 1.0):
            print(f"FAIL: step {step + 1}: the losses differ beyond tolerance")
            return 1
    if not cpu[-1] < cpu[0]:
        print("FAIL: the loss did not decrease")
        return 1
    print(f"ok: {len(cpu)} steps agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
