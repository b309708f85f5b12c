"""Compiles f16.mlir, runs it on random f16 inputs and compares with PyTorch
computed in f32 and rounded to f16 (tolerance: f16's ~1e-3 precision).
On Vulkan it also validates the kernels with spirv-val.

Usage: f16.py BORNC WORK_DIR [cpu|vulkan]"""
import os
import subprocess
import sys

import numpy as np
import torch

bornc, work = sys.argv[1:3]
device = sys.argv[3] if len(sys.argv) > 3 else "cpu"
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(0)
x = (rng.standard_normal((4, 32)) * 0.3).astype(np.float16)
y = (rng.standard_normal((32, 16)) * 0.3).astype(np.float16)
np.save(f"{work}/x.npy", x)
np.save(f"{work}/y.npy", y)
m = torch.from_numpy(x).float() @ torch.from_numpy(y).float()
want = [torch.softmax(torch.nn.functional.gelu(m), 1).numpy().astype(np.float16),
        np.exp(x.astype(np.float32))]
subprocess.run([bornc, "-q", f"{here}/f16.mlir", f"--target={device}", "-o",
                f"{work}/f16"], check=True)
subprocess.run([f"{work}/f16", f"{work}/x.npy", f"{work}/y.npy", "--out",
                f"{work}/out", "--device", device], check=True)
if device == "vulkan":
    subprocess.run([bornc, "-q", f"{here}/f16.mlir", "--target=vulkan",
                    "--emit=spirv", "-o", f"{work}/spirv"], check=True)
    kernels = [k for k in os.listdir(f"{work}/spirv") if k.endswith(".spv")]
    for kernel in kernels:
        subprocess.run(["spirv-val", "--target-env", "vulkan1.2",
                        f"{work}/spirv/{kernel}"], check=True)
    print(f"{len(kernels)} kernels pass spirv-val")
ok = True
for i, ref in enumerate(want):
    got = np.load(f"{work}/out/output_{i}.npy")
    err = np.abs(got.astype(np.float64) - ref).max() / np.abs(ref).max()
    print(f"output {i}: {got.dtype}{got.shape}, relative error {err:.3g}")
    ok &= got.dtype == ref.dtype and got.shape == ref.shape and err < 2e-3
sys.exit(0 if ok else 1)
