#!/usr/bin/env python3
"""Bad ONNX input gets a clear error from bornc, never a crash; external
data, symbolic dims and bound inputs work.

  import_errors.py BORNC WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

bornc, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
failures = []


def model(nodes, inputs, outputs, inits=(), opset=17):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def vi(name, shape, t=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, t, shape)


def compile_model(name, m_or_bytes, *flags):
    path = os.path.join(work, name + ".onnx")
    if isinstance(m_or_bytes, bytes):
        open(path, "wb").write(m_or_bytes)
    elif m_or_bytes is not None:
        onnx.save(m_or_bytes, path)
    out = os.path.join(work, name)
    p = subprocess.run([bornc, path, "-q", "-o", out] + list(flags),
                       capture_output=True, text=True)
    return p, path, out


def expect_error(name, m, *needles, flags=()):
    p, path, _ = compile_model(name, m, *flags)
    text = p.stderr
    if p.returncode != 1:
        failures.append("%s: expected exit code 1, got %d: %s" % (name, p.returncode, text))
        return
    for needle in needles:
        if needle not in text:
            failures.append("%s: error does not mention %r: %s" % (name, needle, text))
    print("ok  %-28s %s" % (name, text.strip().splitlines()[0][:150]))


def expect_run(name, m, inputs, expected, flags=()):
    p, path, exe = compile_model(name, m, *flags)
    if p.returncode != 0:
        failures.append("%s: compile failed: %s" % (name, p.stderr))
        return
    files = []
    for i, x in enumerate(inputs):
        f = os.path.join(work, "%s_in%d.npy" % (name, i))
        np.save(f, x)
        files.append(f)
    outdir = os.path.join(work, name + "_out")
    r = subprocess.run([exe] + files + ["--out", outdir], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append("%s: run failed: %s" % (name, r.stderr))
        return
    got = np.load(os.path.join(outdir, "output_0.npy"))
    if not np.allclose(got, expected, rtol=1e-5, atol=1e-6):
        failures.append("%s: wrong result %s, expected %s" % (name, got, expected))
        return
    print("ok  %-28s runs and matches" % name)


rng = np.random.default_rng(0)
w = rng.standard_normal((64, 32)).astype(np.float32)
x = rng.standard_normal((2, 64)).astype(np.float32)
good = model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
             [vi("x", [2, 64])], [vi("y", [2, 32])],
             [numpy_helper.from_array(w, "w")])
expect_run("good", good, [x], x @ w)

data = good.SerializeToString()
expect_error("truncated", data[: len(data) * 2 // 3], "does not parse")
expect_error("empty", b"", "has no graph")
expect_error("not_onnx", b"\x89PNG\r\n\x1a\n" + bytes(range(200)), "not an ONNX model")
expect_error("missing_file", None, "missing_file.onnx")

missing = model([helper.make_node("MatMul", ["x", "w2"], ["y"], name="mm")],
                [vi("x", [2, 64])], [vi("y", [2, 32])],
                [numpy_helper.from_array(w, "w")])
expect_error("missing_initializer", missing, "'mm'", "'w2'", "not a graph input")

shapes = model([helper.make_node("Add", ["a", "b"], ["y"], name="add1")],
               [vi("a", [2, 3]), vi("b", [4, 5])], [vi("y", [2, 3])])
expect_error("inconsistent_shapes", shapes, "'add1'", "Add", "opset 17")

declared = model([helper.make_node("Relu", ["a"], ["y"], name="r")],
                 [vi("a", [2, 3])], [vi("y", [3, 2])])
expect_error("wrong_output_shape", declared, "output 'y'", "[3x2]")

cycle = model([helper.make_node("Relu", ["b"], ["a"], name="n1"),
               helper.make_node("Relu", ["a"], ["b"], name="n2")],
              [vi("x", [2])], [vi("a", [2])])
expect_error("cycle", cycle, "cycle", "n1")

unknown = model([helper.make_node("FrobnicateV2", ["a"], ["y"], name="f")],
                [vi("a", [2])], [vi("y", [2])])
expect_error("unknown_op", unknown, "'f'", "FrobnicateV2", "opset 17", "not supported")

domain = helper.make_model(
    helper.make_graph([helper.make_node("Gelu", ["a"], ["y"], name="g", domain="com.microsoft")],
                      "g", [vi("a", [2])], [vi("y", [2])]),
    opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
expect_error("other_domain", domain, "com.microsoft", "'g'")

bad_attr = model([helper.make_node("Conv", ["a", "w"], ["y"], name="c", auto_pad="SIDEWAYS")],
                 [vi("a", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])],
                 [numpy_helper.from_array(np.ones((1, 1, 3, 3), np.float32), "w")])
expect_error("bad_attribute", bad_attr, "'c'", "auto_pad", "SIDEWAYS")

raw = numpy_helper.from_array(w, "w")
raw.raw_data = raw.raw_data[:100]
short = model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
              [vi("x", [2, 64])], [vi("y", [2, 32])], [raw])
expect_error("short_raw_data", short, "initializer 'w'", "raw_data")

strings = model([helper.make_node("Identity", ["s"], ["y"], name="i")],
                [vi("s", [2], TensorProto.STRING)], [vi("y", [2], TensorProto.STRING)])
expect_error("string_input", strings, "'s'", "STRING")

symbolic = model([helper.make_node("Relu", ["a"], ["y"], name="r")],
                 [vi("a", ["batch", 3])], [vi("y", ["batch", 3])])
expect_error("symbolic_dim", symbolic, "'batch'", "--input-shape")
a = rng.standard_normal((5, 3)).astype(np.float32)
expect_run("symbolic_dim_given", symbolic, [a], np.maximum(a, 0), flags=["--input-shape", "a=5x3"])
expect_error("symbolic_dim_wrong", symbolic, "dim 1", flags=["--input-shape", "a=5x4"])
expect_error("input_shape_unknown_name", good, "'nope'", flags=["--input-shape", "nope=1x2"])

reshape = model([helper.make_node("Reshape", ["a", "s"], ["y"], name="r")],
                [vi("a", [2, 3]), vi("s", [2], TensorProto.INT64)], [vi("y", [3, 2])])
expect_error("shape_input", reshape, "'s'", "--bind-input")
spath = os.path.join(work, "shape.pb")
open(spath, "wb").write(numpy_helper.from_array(np.array([3, 2], np.int64)).SerializeToString())
b = rng.standard_normal((2, 3)).astype(np.float32)
expect_run("shape_input_bound", reshape, [b], b.reshape(3, 2), flags=["--bind-input", "s=" + spath])

# External data: weights in a side file, read (mapped) at compile time.
ext_dir = os.path.join(work, "external")
os.makedirs(ext_dir, exist_ok=True)
ext = onnx.ModelProto()
ext.CopyFrom(good)
onnx.save_model(ext, os.path.join(ext_dir, "model.onnx"), save_as_external_data=True,
                all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
p = subprocess.run([bornc, os.path.join(ext_dir, "model.onnx"), "-q", "-o",
                    os.path.join(ext_dir, "model")], capture_output=True, text=True)
if p.returncode != 0:
    failures.append("external data: %s" % p.stderr)
else:
    np.save(os.path.join(ext_dir, "x.npy"), x)
    r = subprocess.run([os.path.join(ext_dir, "model"), os.path.join(ext_dir, "x.npy"),
                        "--out", os.path.join(ext_dir, "out")], capture_output=True, text=True)
    got = np.load(os.path.join(ext_dir, "out", "output_0.npy")) if r.returncode == 0 else None
    if got is None or not np.allclose(got, x @ w, rtol=1e-5, atol=1e-6):
        failures.append("external data: wrong result or run failure: %s" % r.stderr)
    else:
        print("ok  %-28s runs and matches" % "external_data")
    os.rename(os.path.join(ext_dir, "weights.bin"), os.path.join(ext_dir, "moved.bin"))
    p = subprocess.run([bornc, os.path.join(ext_dir, "model.onnx"), "-q", "-o",
                        os.path.join(ext_dir, "model2")], capture_output=True, text=True)
    if p.returncode != 1 or "weights.bin" not in p.stderr or "'w'" not in p.stderr:
        failures.append("missing external data: %d %s" % (p.returncode, p.stderr))
    else:
        print("ok  %-28s %s" % ("external_data_missing", p.stderr.strip()[:150]))

if failures:
    print("\n".join(["FAIL " + f for f in failures]))
    sys.exit(1)
print("all import error checks passed")
