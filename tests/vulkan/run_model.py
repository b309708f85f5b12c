"""End-to-end check of one model on both targets.

Compiles MODEL.mlir with --target=cpu,vulkan, runs the executable with
--device cpu and --device vulkan, and compares both against numpy.
Usage (Debian's /usr/bin/python3, which has numpy):
  run_model.py BORNC MODEL_NAME SOURCE_DIR WORK_DIR
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np

SAFETENSORS_DTYPES = {np.float32: "F32", np.int32: "I32", np.int64: "I64"}


def save_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        header[name] = {"dtype": SAFETENSORS_DTYPES[array.dtype.type],
                        "shape": list(array.shape),
                        "data_offsets": [offset, offset + array.nbytes]}
        blobs.append(array.tobytes())
        offset += array.nbytes
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def mlp2(rng):
    x = rng.standard_normal((5, 33)).astype(np.float32)
    w = {"w1": rng.standard_normal((33, 70)).astype(np.float32),
         "b1": rng.standard_normal(70).astype(np.float32),
         "w2": rng.standard_normal((70, 7)).astype(np.float32),
         "b2": rng.standard_normal(7).astype(np.float32)}
    h = np.maximum(x @ w["w1"] + w["b1"], 0)
    return [x], w, [h @ w["w2"] + w["b2"]]


def ints(rng):
    a = rng.integers(-1000, 1000, 100).astype(np.int32)
    b = rng.integers(-2**40, 2**40, (2, 3, 9)).astype(np.int64)
    k = rng.integers(-1000, 1000, 100).astype(np.int32)
    return [a, b], {"k": k}, [a * 3 - k, b + 2**32, a]


def reduce(rng):
    x = rng.standard_normal((6, 37)).astype(np.float32)
    rows = x.sum(axis=1, dtype=np.float32)
    return [x], {}, [rows, np.array(rows.sum(dtype=np.float32))]


MODELS = {"mlp2": mlp2, "ints": ints, "reduce": reduce}


def main():
    bornc, name, source_dir, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    inputs, weights, expected = MODELS[name](np.random.default_rng(0))
    input_paths = []
    for i, array in enumerate(inputs):
        input_paths.append(os.path.join(work, f"input_{i}.npy"))
        np.save(input_paths[-1], array)
    weights_path = os.path.join(work, "weights.safetensors")
    save_safetensors(weights_path, weights)
    exe = os.path.join(work, name)
    weights_args = ["--weights", weights_path] if weights else []
    subprocess.run([bornc, "-q", os.path.join(source_dir, name + ".mlir"),
                    "--target=cpu,vulkan", *weights_args, "-o", exe],
                   check=True)
    results = {}
    for device in ["cpu", "vulkan"]:
        out = os.path.join(work, "out_" + device)
        subprocess.run([exe, *input_paths, "--out", out, "--device", device],
                       check=True)
        results[device] = [np.load(os.path.join(out, f"output_{i}.npy"))
                           for i in range(len(expected))]
    ok = True
    for i, want in enumerate(expected):
        for device, outputs in results.items():
            got = outputs[i]
            if got.dtype != want.dtype or got.shape != want.shape:
                print(f"{name} output {i} on {device}: got {got.dtype}"
                      f"{got.shape}, want {want.dtype}{want.shape}")
                ok = False
            elif not np.allclose(got, want, rtol=1e-5, atol=1e-5):
                print(f"{name} output {i} on {device}: max error "
                      f"{np.abs(got.astype(np.float64) - want).max()}")
                ok = False
        if not np.array_equal(results["cpu"][i], results["vulkan"][i]) and \
                want.dtype.kind in "iu":
            print(f"{name} output {i}: cpu and vulkan differ")
            ok = False
    print(f"{name}: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
