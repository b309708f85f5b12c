"""Quantized GEMV: born.quantized_matmul against the float matmul it replaces.

  /usr/bin/python3 bench/quant_bench.py [--build build] [--runs 20]
                                        [--threads 1] [-k 2048] [-n 5632]
                                        [-m 1]

y[M, N] = x[M, K] @ W^T (M = 1, a GEMV, unless -m says otherwise) with W [N, K] (TinyLlama's FFN up-projection by
default) stored as Q8_0, Q4_0, Q5_0, Q4_K and Q6_K blocks, and as f32 (the
dequantized weight, through born.matmul). Prints each median latency, the
weight bytes read per second (the bound of a GEMV is memory bandwidth) and
the time relative to f32. Random bytes stand in for the quants; each block's
f16 scales are set to ordinary values (no NaN, infinity or subnormals, which
could change the speed of the float math).
"""
import argparse
import json
import os
import re
import struct
import subprocess
import tempfile

import numpy as np

# Block size, bytes per block, and the byte offsets of its f16 scales.
FORMATS = {
    "q8_0": (32, 34, [0]),
    "q4_0": (32, 18, [0]),
    "q5_0": (32, 22, [0]),
    "q4_K": (256, 144, [0, 2]),
    "q6_K": (256, 210, [208]),
}


def save_safetensors(path, name, array):
    dtype = {np.int8: "I8", np.float32: "F32"}[array.dtype.type]
    header = json.dumps({name: {"dtype": dtype, "shape": list(array.shape),
                                "data_offsets": [0, array.nbytes]}}).encode()
    header += b" " * ((8 - len(header) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + array.tobytes())


def model(m, k, n, weight_type, op):
    return (f"func.func @forward(%x: tensor<{m}x{k}xf32>) -> tensor<{m}x{n}xf32> {{\n"
            f"  %w = born.param \"w\" : {weight_type}\n"
            f"  %y = {op} %x, %w : tensor<{m}x{k}xf32>, {weight_type}\n"
            f"  return %y : tensor<{m}x{n}xf32>\n}}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("-k", type=int, default=2048)
    parser.add_argument("-n", type=int, default=5632)
    parser.add_argument("-m", type=int, default=1,
                        help="rows of x (a prompt's tokens)")
    args = parser.parse_args()
    bornc = os.path.join(args.build, "bin", "bornc")
    m, k, n = args.m, args.k, args.n
    rng = np.random.default_rng(0)
    work = tempfile.mkdtemp(prefix="born-quant-bench-")
    x_path = os.path.join(work, "x.npy")
    np.save(x_path, rng.standard_normal((m, k)).astype(np.float32))

    cases = {}
    for name, (block, nbytes, scales) in FORMATS.items():
        if k % block:
            print(f"{name}: skipped, K = {k} is not a whole number of "
                  f"{block}-value blocks")
            continue
        blocks = rng.integers(-128, 128, (n, k // block, nbytes), dtype=np.int8)
        for offset in scales:  # f16 0.0123 (0x224c), little-endian
            blocks[:, :, offset] = 0x4c
            blocks[:, :, offset + 1] = 0x22
        w = blocks.reshape(n, -1)
        cases[name] = (w, f"tensor<{n}x{w.shape[1]}xi8>",
                       f"born.quantized_matmul {name}")
    w = rng.standard_normal((k, n)).astype(np.float32)
    cases["f32"] = (w, f"tensor<{k}x{n}xf32>", "born.matmul")

    results = {}
    for name, (w, weight_type, op) in cases.items():
        base = os.path.join(work, name)
        with open(base + ".mlir", "w") as f:
            f.write(model(m, k, n, weight_type, op))
        save_safetensors(base + ".safetensors", "w", w)
        subprocess.run([bornc, "-q", base + ".mlir", "--weights",
                        base + ".safetensors", "-o", base], check=True)
        out = subprocess.run([base, x_path, "--bench", str(args.runs),
                              "--threads", str(args.threads)], check=True,
                             capture_output=True, text=True).stdout
        ms = float(re.search(r"median latency: ([0-9.]+) ms", out).group(1))
        results[name] = (ms, w.nbytes)

    print(f"[{m}, {k}] x [{n}, {k}]^T, {args.threads} thread(s), "
          f"median of {args.runs}")
    print(f"{'weight':8} {'MB':>8} {'ms':>9} {'GB/s':>7} {'vs f32':>7}")
    f32_ms = results["f32"][0]
    for name, (ms, nbytes) in results.items():
        print(f"{name:8} {nbytes / 1e6:8.2f} {ms:9.3f} "
              f"{nbytes / ms / 1e6:7.2f} {f32_ms / ms:7.2f}x")


if __name__ == "__main__":
    main()
