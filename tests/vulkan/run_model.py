"""End-to-end check of one model on both targets.

Compiles MODEL.mlir with --target=cpu,vulkan, runs the executable with
--device cpu and --device vulkan, and compares both against numpy (or
PyTorch, for the op families that mirror torch.nn.functional).
Usage (Debian's /usr/bin/python3, which has numpy and torch):
  run_model.py BORNC MODEL_NAME SOURCE_DIR WORK_DIR
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np

SAFETENSORS_DTYPES = {np.float32: "F32", np.float64: "F64", np.int32: "I32",
                      np.int64: "I64", np.int16: "I16", np.int8: "I8",
                      np.bool_: "BOOL"}


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


def torch_ref(function, *arrays):
    """Runs a torch function on float64 copies of the inputs, rounding the
    results to the inputs' dtype: the exact result, not torch's f32 one."""
    import torch
    tensors = [torch.from_numpy(a.astype(np.float64)) for a in arrays]
    results = function(*tensors)
    if isinstance(results, torch.Tensor):
        results = [results]
    return [r.numpy().astype(arrays[0].dtype) if r.is_floating_point()
            else r.numpy() for r in results]


def elementwise(rng):
    import torch.nn.functional as F
    import torch
    x = (rng.standard_normal((3, 50)) * 3).astype(np.float32)
    r = rng.standard_normal(50).astype(np.float32)
    return [x, r], {}, torch_ref(lambda x, r: [
        F.gelu(x), F.gelu(x, approximate="tanh"), torch.erf(x), torch.tanh(x),
        torch.sigmoid(x), torch.exp(x), x * r - r], x, r)


def softmax(rng):
    import torch
    x = (rng.standard_normal((4, 37)) * 4).astype(np.float32)
    return [x], {}, torch_ref(lambda x: [
        torch.softmax(x, 1), torch.softmax(x, 0), torch.log_softmax(x, 1)], x)


def layer_norm(rng):
    import torch.nn.functional as F
    import torch
    x = (rng.standard_normal((2, 5, 24)) * 2 + 1).astype(np.float32)
    g = rng.standard_normal(24).astype(np.float32)
    b = rng.standard_normal(24).astype(np.float32)

    def rms_norm(x, g):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-6) * g
    return [x], {"ln.weight": g, "ln.bias": b}, torch_ref(
        lambda x, g, b: [F.layer_norm(x, (24,), g, b, 1e-5), rms_norm(x, g)],
        x, g, b)


def pool(rng):
    import torch.nn.functional as F
    x = rng.standard_normal((2, 3, 9, 9)).astype(np.float32)
    return [x], {}, torch_ref(lambda x: [
        F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
        F.avg_pool2d(x, 3, 2, 1, count_include_pad=True),
        F.max_pool2d(x, 3, 2, 1)], x)


def gather(rng):
    ids = rng.integers(-10, 10, (2, 3)).astype(np.int64)
    cols = np.array([3, -1, 9, -10], dtype=np.int32)
    table = rng.standard_normal((10, 16)).astype(np.float32)
    return [ids, cols], {"embedding": table}, [
        table[ids], table.T[:10, :10][:, cols]]


def concat(rng):
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    b = rng.standard_normal((2, 5, 4)).astype(np.float32)
    k = np.arange(1, 9, dtype=np.float32).reshape(2, 1, 4)
    return [a, b], {}, [np.concatenate([a, b, k], 1), np.concatenate([a, a])]


def slice(rng):
    x = rng.standard_normal((6, 7, 8)).astype(np.float32)
    return [x], {}, [x[1:6:2, 0:6:3], x[2:4], x.reshape(6, 56)]


def select(rng):
    x = rng.standard_normal((3, 7)).astype(np.float32)
    y = rng.standard_normal(7).astype(np.float32)
    keep = rng.standard_normal((3, 7)) > 0
    gt = x > y
    odd = np.arange(7) % 2 == 0
    return [x, y, keep], {}, [np.where(gt, x, y) * keep, gt.astype(np.int32),
                              gt != odd]


def argmax(rng):
    x = rng.standard_normal((5, 33)).astype(np.float32)
    x[2, 7] = x[2, 20] = 9.0  # a tie: the first index wins
    return [x], {}, [x.argmax(1), x.argmax(0)[None]]


def math(rng):
    x = (rng.standard_normal((3, 40)) * 3).astype(np.float32)
    x[0, :4] = [0.0, -0.0, 2.5, -2.5]
    u = rng.uniform(-0.95, 0.95, (3, 40)).astype(np.float32)
    u[2, :4] = [1, -1, 0.99999, -0.99999]
    g = (1 + np.abs(rng.standard_normal((3, 40))) * 3).astype(np.float32)
    h = (np.arange(-20, 20) / 2).astype(np.float32)  # halves round to even
    h[h == 0] = 0.75  # no remainder by zero
    i = rng.integers(-1000, 1000, 50).astype(np.int32)
    j = rng.integers(1, 30, 50).astype(np.int32) * rng.choice([-1, 1], 50)
    j = j.astype(np.int32)
    p = rng.standard_normal(50) > 0
    q = rng.standard_normal(50) > 0
    f64 = [v.astype(np.float64) for v in (x, u, g, h)]
    xd, ud, gd, hd = f64
    with np.errstate(divide="ignore"):  # atanh(+-1) = +-inf
        atanh = np.arctanh(ud)
    floats = [np.sin(xd), np.cos(xd), np.tan(ud), np.arcsin(ud), np.arccos(ud),
              np.arctan(xd), np.sinh(ud), np.cosh(ud), np.arcsinh(xd),
              np.arccosh(gd), atanh, np.floor(xd), np.ceil(xd),
              np.broadcast_to(np.round(hd), (3, 40)), np.trunc(xd),
              np.sign(xd), np.fmod(xd, hd)]
    ints = [np.fmod(i, j), np.sign(i), i & j, i | j, i ^ j, ~i]
    return [x, u, g, h, i, j, p, q], {}, (
        [f.astype(np.float32) for f in floats] +
        [v.astype(np.int32) for v in ints] + [p & q, p | q, p ^ q, ~p])


def dtypes(rng):
    a = rng.integers(-2**15, 2**15, (4, 33)).astype(np.int16)
    b = rng.integers(-128, 128, 33).astype(np.int8)
    # |x| < 128: wider floats to i8 are undefined.
    x = np.clip(rng.standard_normal((4, 33)) * 40, -127.9, 127.9)
    x[0, :6] = [0.5, 1.5, 2.5, -0.5, -2.5, -127.9]
    k = rng.integers(1, 300, 33).astype(np.int16) * rng.choice([-1, 1], 33)
    k = k.astype(np.int16)
    return [a, b, x], {"k": k}, [
        a * k, np.fmod(a, k), ~b, np.sin(x), np.round(x),
        np.trunc(x).astype(np.int8), a.astype(np.float32), x.sum(1),
        a > b.astype(np.int16)]


def f64_i16(rng):
    x = rng.standard_normal((4, 33)) * 3
    y = rng.standard_normal(33)
    a = rng.integers(-2**15, 2**15, (4, 33)).astype(np.int16)
    k = (rng.integers(1, 300, 33) * rng.choice([-1, 1], 33)).astype(np.int16)
    return [x, y, a], {"k": k}, [
        x + y, x * x, (x * x).sum(1), (x + y).astype(np.float32), a * k,
        a > k, a.astype(np.float64) + np.sqrt(np.abs(x))]


def to_bf16(values):
    """bfloat16 bits (uint16, how Born's .npy files hold bf16) of float64
    values, rounded to nearest even."""
    bits = np.asarray(values, np.float32).view(np.uint32).astype(np.int64)
    return ((bits + 0x7fff + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def from_bf16(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def bf16(rng):
    x = to_bf16(rng.standard_normal((4, 33)) * 2)
    f = rng.standard_normal((4, 33)).astype(np.float32)
    d = rng.standard_normal(33) * 100
    d[:3] = [1 + 2**-8, 1 + 2**-8 + 2**-40, -(1 + 3 * 2**-8)]  # ties, near ties
    xf, fb = from_bf16(x), to_bf16(f)
    # f64 -> bf16 must round once: not through f32 (d[1] would tie there).
    # Exactly: the nearest of the candidates around the f32 path's result.
    from fractions import Fraction
    exact = []
    for v in d:
        c = int(to_bf16(np.float32(v)))
        exact.append(min((c - 1, c, c + 1), key=lambda b: (
            abs(Fraction(float(from_bf16(np.array([b], np.uint16))[0])) -
                Fraction(float(v))), b & 1)))
    return [x, f, d], {}, [
        to_bf16(np.exp(xf.astype(np.float64))), xf, fb,
        to_bf16(xf.astype(np.float64) * from_bf16(fb)),
        np.array(exact, np.uint16)]


def i8(rng):
    a = rng.integers(-128, 128, (4, 33)).astype(np.int8)
    b = rng.integers(1, 128, 33).astype(np.int8) * rng.choice([-1, 1], 33)
    b = b.astype(np.int8)
    with np.errstate(over="ignore"):
        return [a, b], {}, [a + b, a * b, a < b, a.astype(np.int32),
                            np.fmod(a, b).astype(np.int8), ~b, a]


def gather_slice(rng):
    x = rng.standard_normal((1, 2, 5, 7)).astype(np.float32)
    t = rng.standard_normal((6, 9)).astype(np.float32)
    ids = np.array([0, 0, 1, -2], dtype=np.int64)
    return [x, t], {}, [x[:, :, :, 1:7][:, :, [0, 0, 1, 2], :],
                        t[1:5, 2:8].reshape(4, 2, 3)[:, :, [2, 0]],
                        t[1:5, 2:8][ids]]


def empty(rng):
    x = np.zeros((3, 0, 5), np.int64)
    f = np.zeros((2, 0, 4), np.float32)
    return [x, f], {}, [x + x, f.sum(1), np.exp(f)]


# bf16 outputs (model, index) compared within one rounding, not exactly.
BF16_APPROXIMATE = {("bf16", 0)}

# Models the Vulkan target does not take (f64 sin, bf16, zero-size tensors).
CPU_ONLY = {"dtypes", "bf16", "empty"}

MODELS = {"mlp2": mlp2, "ints": ints, "reduce": reduce,
          "elementwise": elementwise, "softmax": softmax,
          "layer_norm": layer_norm, "pool": pool, "gather": gather,
          "concat": concat, "slice": slice, "argmax": argmax,
          "select": select, "math": math,
          "dtypes": dtypes, "f64_i16": f64_i16, "gather_slice": gather_slice,
          "bf16": bf16, "empty": empty, "i8": i8}


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
    devices = ["cpu"] if name in CPU_ONLY else ["cpu", "vulkan"]
    subprocess.run([bornc, "-q", os.path.join(source_dir, name + ".mlir"),
                    "--target=" + ",".join(devices), *weights_args, "-o", exe],
                   check=True)
    results = {}
    for device in devices:
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
            elif want.dtype == np.uint16:  # bf16 bits
                # Exact, but transcendentals (f32 libm, then rounded) may be
                # one rounding apart.
                g, w = from_bf16(got), from_bf16(want)
                rtol = 2**-7 if (name, i) in BF16_APPROXIMATE else 0
                if not np.allclose(g, w, rtol=rtol, atol=0):
                    print(f"{name} output {i} on {device}: max error "
                          f"{np.abs(g - w).max()} (bf16)")
                    ok = False
            elif not np.allclose(got, want, rtol=1e-5, atol=1e-5):
                print(f"{name} output {i} on {device}: max error "
                      f"{np.abs(got.astype(np.float64) - want).max()}")
                ok = False
        if len(results) == 2 and want.dtype.kind in "iub" and \
                not np.array_equal(results["cpu"][i], results["vulkan"][i]):
            print(f"{name} output {i}: cpu and vulkan differ")
            ok = False
    print(f"{name}: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
