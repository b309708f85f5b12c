"""Compares .npy outputs with references: max|a-b| / max|b| < tolerance.

Usage: compare.py OUT.npy REF.npy [OUT.npy REF.npy ...] [--tol 1e-4]
"""
import sys

import numpy as np

args = sys.argv[1:]
tol = 1e-4
if "--tol" in args:
    i = args.index("--tol")
    tol = float(args[i + 1])
    del args[i:i + 2]
failed = False
for out_path, ref_path in zip(args[0::2], args[1::2]):
    out, ref = np.load(out_path), np.load(ref_path)
    if out.shape != ref.shape or out.dtype != ref.dtype:
        print(f"{out_path}: {out.dtype}{out.shape} vs reference "
              f"{ref.dtype}{ref.shape}")
        failed = True
        continue
    err = float(np.abs(out - ref).max() / max(np.abs(ref).max(), 1e-30))
    print(f"{out_path}: relative error {err:.3g} (tolerance {tol:g})")
    failed |= not err < tol
sys.exit(1 if failed else 0)
