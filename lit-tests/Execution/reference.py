#!/usr/bin/python3
"""Expected values of the execution tests, computed with PyTorch.

    /usr/bin/python3 lit-tests/Execution/reference.py FAMILY

prints, for every value FAMILY.mlir prints (in order), the inputs as MLIR
dense literals and the CHECK lines that match printMemref's output. The
tests' CHECK lines were pasted from this output; run it again after changing
an input. Needs Debian's python3-torch (torch 1.13), hence /usr/bin/python3.
"""
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F


# Float inputs are f32 values held in float64, so that references are the
# exact results rounded once to f32, not PyTorch's own f32 arithmetic (whose
# erf-based gelu, for one, is off by 4e-5 relative at x = -3).
def t(values, dtype=torch.float64):
    x = torch.tensor(values, dtype=dtype)
    return x.float().double() if dtype == torch.float64 else x


def ramp(*shape, scale=1.0, offset=0.0, dtype=torch.float64):
    """Deterministic small inputs: offset + scale * (0, 1, 2, ...)."""
    n = math.prod(shape)
    x = (torch.arange(n, dtype=torch.float64) * scale + offset).reshape(shape)
    return x.float().double() if dtype == torch.float64 else x.to(dtype)


def fmt(v, is_float, rtol):
    """What std::ostream prints for the f32 nearest `v`; with `rtol`, a
    FileCheck regex accepting every f32 within that relative error."""
    if not is_float:
        return str(int(v))
    if math.isnan(v):
        return "{{-?nan}}"
    printed = lambda u: "%g" % np.float32(u)
    if rtol == 0:
        return printed(v)
    lo, hi = sorted([np.float32(v * (1 - rtol)), np.float32(v * (1 + rtol))])
    options, u = set(), lo
    while u <= hi:
        options.add(printed(u))
        u = np.nextafter(u, np.float32(np.inf))
    options = sorted(options, key=float)
    if len(options) == 1:
        return options[0]
    return "{{%s}}" % "|".join(o.replace("+", "\\+") for o in options)


def memref_lines(a, rtol):
    """printMemref's data layout (mlir/ExecutionEngine/RunnerUtils.h)."""
    is_float = a.dtype.kind == "f"
    out = []

    def rec(x, depth):
        rank = a.ndim
        dim = x.ndim
        if dim == 0:
            out.append(fmt(x.item(), is_float, rtol))
            return
        out.append("[")
        rec(x[0], depth + 1)
        if x.shape[0] <= 1:
            out.append("]")
            return
        out.append(", ")
        if dim > 1:
            out.append("\n")
        for i in range(1, x.shape[0] - 1):
            out.append(" " * (rank - dim + 1))
            rec(x[i], depth + 1)
            out.append(", ")
            if dim > 1:
                out.append("\n")
        out.append(" " * (rank - dim + 1))
        rec(x[x.shape[0] - 1], depth + 1)
        out.append("]")

    rec(a, 0)
    return [l.strip() for l in "".join(out).split("\n")]


def literal(v, kind):
    if kind == "b":
        return "true" if v else "false"
    if kind == "i":
        return str(int(v))
    if math.isnan(v):
        return "0x7FC00000"
    return np.format_float_positional(np.float32(v), unique=True, trim="0")


def dense(x):
    a = x.numpy()
    kind = a.dtype.kind
    element = {"f": "f32", "i": "i%d" % (8 * a.itemsize), "b": "i1"}[kind]

    def rec(y):
        if y.ndim == 0:
            return literal(y.item(), kind)
        return "[" + ", ".join(rec(z) for z in y) + "]"

    shape = "".join("%dx" % d for d in a.shape)
    return "dense<%s> : tensor<%s%s>" % (rec(a), shape, element)


def show(label, result, rtol=0.0, **inputs):
    """`rtol` = 0: the exact result rounded to f32 must print; else any value
    within `rtol` may (for transcendental functions and long reductions)."""
    print("// ---- %s%s" % (label, " (rtol %g)" % rtol if rtol else ""))
    for name, x in inputs.items():
        print("//   %%%s = arith.constant %s" % (name, dense(x)))
    a = result.numpy()
    print("// CHECK: sizes = [%s] strides" % ", ".join(str(d) for d in a.shape))
    for line in memref_lines(a, rtol):
        print("// CHECK-NEXT: " + line.replace("[[", "{{\\[\\[}}"))


def elementwise():
    x = t([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]])
    b = t([10.0, 20.0, 30.0])
    c = t([[2.0], [-4.0]])
    r = t([[1.0, 2.0, 0.5]])
    show("add 2x3 + 3", x + b, x=x, b=b)
    show("mul 2x1 * 1x3", c * r, c=c, r=r)
    show("div 2x3 / 2x1", x / c)
    show("sub 3 - 2x1", b - c)
    xp = t([[1.5, 4.0, 2.0], [3.0, 9.0, 0.5]])
    show("pow 2x3 ** 1x3", torch.pow(xp, r), rtol=1e-6, xp=xp)
    show("max 2x3, 1x3", torch.maximum(x, r))
    show("min 2x3, 1x3", torch.minimum(x, r))
    n1 = t([1.0, float("nan"), -1.0])
    n2 = t([float("nan"), 2.0, 0.0])
    show("max with NaN", torch.maximum(n1, n2), n1=n1, n2=n2)
    show("min with NaN", torch.minimum(n1, n2))
    a = t([[-2.0, -1.0, -0.5, 0.0], [0.5, 1.0, 2.0, 3.0]])
    show("neg", -a, a=a)
    show("abs", a.abs())
    show("relu", F.relu(a))
    show("exp", a.exp(), rtol=1e-6)
    show("tanh", a.tanh(), rtol=1e-6)
    show("sigmoid", torch.sigmoid(a), rtol=1e-6)
    show("silu", F.silu(a), rtol=1e-6)
    show("erf", torch.erf(a), rtol=1e-6)
    # 1 + erf(x / sqrt(2)) and 1 + tanh(...) cancel for negative x: one f32
    # ulp of erf/tanh is 1.3e-6 of the result at x = -2 (2.5e-5 at x = -3),
    # in any f32 evaluation of these formulas, PyTorch's included.
    show("gelu exact", F.gelu(a), rtol=5e-6)
    show("gelu tanh", F.gelu(a, approximate="tanh"), rtol=5e-6)
    p = t([[0.25, 1.0, 2.0, 9.0]])
    show("log", p.log(), rtol=1e-6, p=p)
    show("sqrt", p.sqrt())
    show("rsqrt", p.rsqrt(), rtol=1e-6)
    mask = x > r
    show("cmp gt 2x3, 1x3 (as i32)", mask.to(torch.int32))
    show("where(x > r, x, b)", torch.where(mask, x, b))
    show("cmp ne with NaN (as i32)", (n1 != n2).to(torch.int32))
    show("cmp eq with NaN (as i32)", (n1 == n2).to(torch.int32))
    f = t([[-2.7, -0.5, 0.0, 2.5, 3.9, -100.2]])
    show("cast f32 -> i32", f.to(torch.int32), f=f)
    i = t([[-7, 0, 5, 16777217]], dtype=torch.int32)
    show("cast i32 -> f32", i.to(torch.float32), i=i)
    z = t([0.0, -0.0, 0.5, float("nan")])
    show("cast f32 -> i1 (as i32)", (z != 0).to(torch.int32), z=z)
    n = t([-7, 7, -8, 9], dtype=torch.int32)
    d = t([2, -2, 3, 4], dtype=torch.int32)
    show("int div truncates", torch.div(n, d, rounding_mode="trunc"), n=n, d=d)


def contraction():
    a = ramp(2, 3, scale=0.5, offset=-1.0)
    b = ramp(3, 4, scale=0.25)
    show("matmul 2x3 x 3x4", a @ b, a=a, b=b)
    l4 = ramp(2, 1, 2, 3, scale=0.5, offset=-2.0)
    r3 = ramp(3, 3, 2, scale=0.25, offset=-1.0)
    show("matmul 2x1x2x3 x 3x3x2 (batch broadcast)", l4 @ r3, l4=l4, r3=r3)
    l3 = ramp(2, 2, 3, scale=0.5, offset=-1.5)
    r3b = ramp(2, 3, 2, scale=-0.25, offset=1.0)
    show("batch_matmul 2x2x3 x 2x3x2", l3 @ r3b, l3=l3, r3b=r3b)
    show("matmul 2x2x3 x 3x4 (shared rhs)", l3 @ b)
    show("matmul 2x3 x 2x3x2 (shared lhs)", a @ r3b)
    ia = ramp(2, 3, offset=-2.0, dtype=torch.int32)
    ib = ramp(3, 2, scale=3.0, offset=-4.0, dtype=torch.int32)
    show("integer matmul", ia @ ib, ia=ia, ib=ib)


def convolution():
    x = ramp(1, 2, 5, 5, scale=0.25, offset=-3.0)
    w = ramp(3, 2, 3, 3, scale=0.125, offset=-2.0)
    show("conv2d stride 2, pad 1", F.conv2d(x, w, stride=2, padding=1), x=x, w=w)
    # torch pads symmetrically only: pad first for [top=1, left=0, bottom=0,
    # right=2], dilation 2.
    xa = F.pad(x, (0, 2, 1, 0))
    w2 = ramp(2, 2, 2, 2, scale=0.5, offset=-1.0)
    show("conv2d asymmetric pad, dilation 2", F.conv2d(xa, w2, dilation=2), w2=w2)
    xg = ramp(1, 4, 3, 3, scale=0.5, offset=-4.0)
    wg = ramp(4, 2, 2, 2, scale=0.25, offset=-3.0)
    show("conv2d groups 2, pad 1", F.conv2d(xg, wg, padding=1, groups=2),
         xg=xg, wg=wg)
    wd = ramp(4, 1, 3, 3, scale=0.5, offset=-2.0)
    show("depthwise conv2d", F.conv2d(xg, wd, groups=4), wd=wd)
    p = t([[[[1.0, -2.0, 3.0, -4.0], [-5.0, -6.0, -7.0, -8.0],
             [9.0, -10.0, 11.0, -12.0], [-13.0, -14.0, -15.0, -16.0]]]])
    show("max pool 3x3 stride 2 pad 1",
         F.max_pool2d(p, 3, stride=2, padding=1), p=p)
    show("avg pool 3x3 stride 2 pad 1, count_include_pad",
         F.avg_pool2d(p, 3, stride=2, padding=1, count_include_pad=True))
    show("avg pool 3x3 stride 2 pad 1, excluding pad",
         F.avg_pool2d(p, 3, stride=2, padding=1, count_include_pad=False))
    show("avg pool 2x2 stride 2, no pad", F.avg_pool2d(p, 2, stride=2))
    show("max pool 2x2 stride 1, no pad", F.max_pool2d(p, 2, stride=1))


def reduction():
    x = ramp(2, 3, 4, scale=0.5, offset=-2.5)
    show("sum axes [1] keepdims", x.sum(1, keepdim=True), x=x)
    show("mean axes [0, 2] keepdims", x.mean((0, 2), keepdim=True))
    show("max axes [2] keepdims", x.amax(2, keepdim=True))
    show("min axes [0, 1]", x.amin((0, 1)))
    show("sum all keepdims", x.sum((0, 1, 2), keepdim=True))
    show("mean axes [1]", x.mean(1))
    i = ramp(2, 3, offset=-3.0, dtype=torch.int32)
    show("integer max axes [1]", i.amax(1), i=i)
    ties = t([[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 1.0, 5.0], [-1.0, -1.0, -1.0, -1.0]])
    show("argmax axis 1 with ties", ties.argmax(1), ties=ties)
    show("argmax axis 0 keepdims", ties.argmax(0, keepdim=True))
    s = t([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]])
    show("softmax axis 1", F.softmax(s, 1), rtol=1e-6, s=s)
    show("softmax axis 0", F.softmax(s, 0), rtol=1e-6)
    show("log_softmax axis 1", F.log_softmax(s, 1), rtol=1e-6)


def normalization():
    x = ramp(2, 3, 4, scale=0.75, offset=-4.0)
    g = t([1.0, 0.5, -1.0, 2.0])
    b = t([0.0, 0.25, -0.5, 1.0])
    show("layer_norm axis 2", F.layer_norm(x, (4,), g, b, eps=1e-5), rtol=2e-6,
         x=x, g=g, b=b)
    g2 = ramp(3, 4, scale=0.25, offset=-1.0)
    b2 = ramp(3, 4, scale=-0.125, offset=0.5)
    show("layer_norm axis 1", F.layer_norm(x, (3, 4), g2, b2, eps=1e-3), rtol=2e-6,
         g2=g2, b2=b2)
    # torch 1.13 has no rms_norm: x / sqrt(mean(x^2) + eps) * scale.
    y = ramp(2, 4, scale=1.5, offset=-5.0)
    ms = (y * y).mean(1, keepdim=True)
    show("rms_norm axis 1", y * torch.rsqrt(ms + 1e-6) * g, rtol=2e-6, y=y)


def shape():
    x = ramp(2, 3, 4)
    show("reshape 2x3x4 -> 4x6", x.reshape(4, 6), x=x)
    show("reshape 2x3x4 -> 6x4", x.reshape(6, 4))
    show("reshape 2x3x4 -> 2x12 -> 3x2x4", x.reshape(3, 2, 4))
    show("transpose [2, 0, 1]", x.permute(2, 0, 1))
    c = t([[1.0], [2.0], [3.0]])
    show("broadcast 3x1 -> 2x3x4", c.expand(2, 3, 4), c=c)
    a = t([[1.0], [2.0]])
    b = ramp(2, 3, offset=10.0)
    show("concat axis 1", torch.cat([a, b, a], 1), a=a, b=b)
    show("concat axis 0", torch.cat([b, b], 0))
    m = ramp(4, 5)
    show("slice [1:4:2, 0:5:2]", m[1:4:2, 0:5:2], m=m)
    table = ramp(5, 3, scale=1.0, offset=100.0)
    ids = t([[0, -1], [2, -5]], dtype=torch.int64)
    show("gather axis 0 with negative ids", table[ids], table=table, ids=ids)
    # born.gather clamps out-of-range indices (torch would raise): wrap the
    # negative ones, clip, then index.
    ids2 = t([3, -1, 7, -9], dtype=torch.int32)
    wrapped = torch.where(ids2 < 0, ids2 + 3, ids2).clamp(0, 2).long()
    show("gather axis 1, clamped", table[:, wrapped], ids2=ids2)
    show("constant", t([[1.5, -2.0], [0.0, 4.0]]))


FAMILIES = {f.__name__: f for f in
            [elementwise, contraction, convolution, reduction, normalization,
             shape]}

if __name__ == "__main__":
    torch.set_printoptions(precision=8)
    for name in sys.argv[1:] or FAMILIES:
        FAMILIES[name]()
