#!/usr/bin/env python3
"""ONNX backend test suite runner: compiles every case with bornc, runs the
executable on each target, and compares its outputs with the expected
output_*.pb (rtol 1e-3, atol 1e-7, as ONNX's own runner does).

  conformance.py --bornc build/bin/bornc --cases DIR [--target cpu,vulkan]
                 [--filter REGEX] [--doc docs/onnx-support.md] [--min-node-pass-rate 0.5]

Inputs that determine shapes (a Reshape target, an Expand shape) cannot be
graph inputs of a static-shape compiler: when bornc says so, the runner binds
that input to its test value at compile time (--bind-input) and retries; the
document marks such cases.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

SUITES = ["node", "simple", "pytorch-converted", "pytorch-operator"]
BIND_RE = re.compile(r"--bind-input (\S+)=FILE")


# Directories stripped from messages, so reports do not name this machine's
# paths (set in main: the cases and the work directory).
ROOTS = []


def first_line(text, limit=160):
    for root in ROOTS:
        text = text.replace(root.rstrip("/") + "/", "")
    for line in text.splitlines():
        line = line.strip()
        if line:
            line = re.sub(r"^bornc: error: \S+?: ", "", line)
            return line[:limit]
    return "(no message)"


def read_pb(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def compare(actual, expected, rtol=1e-3, atol=1e-7):
    if actual.shape != expected.shape:
        return "shape %s, expected %s" % (actual.shape, expected.shape)
    if expected.dtype == np.bool_ or actual.dtype == np.bool_:
        if actual.dtype != expected.dtype:
            return "dtype %s, expected %s" % (actual.dtype, expected.dtype)
        bad = actual != expected
    else:
        if actual.dtype != expected.dtype:
            return "dtype %s, expected %s" % (actual.dtype, expected.dtype)
        a = actual.astype(np.float64)
        e = expected.astype(np.float64)
        both_nan = np.isnan(a) & np.isnan(e)
        same_inf = np.isinf(e) & (a == e)
        close = np.abs(a - e) <= atol + rtol * np.abs(e)
        bad = ~(close | both_nan | same_inf)
    if bad.any():
        idx = np.argwhere(bad)[0]
        i = tuple(int(x) for x in idx)
        return "%d of %d values differ, e.g. at %s: %r, expected %r" % (
            int(bad.sum()), bad.size, list(i), actual[i].item(), expected[i].item())
    return None


class Case:
    def __init__(self, suite, name, path):
        self.suite, self.name, self.path = suite, name, path
        self.op = None
        self.inputs = []  # graph input names that are not initializers
        self.tensor_io = True
        self.results = {}  # target -> (status, detail)
        self.bound = []
        self.output_types = []  # onnx.TensorProto element types

    def load(self):
        model = onnx.load(os.path.join(self.path, "model.onnx"),
                          load_external_data=False)
        inits = {t.name for t in model.graph.initializer}
        self.inputs = [i.name for i in model.graph.input if i.name not in inits]
        for v in list(model.graph.input) + list(model.graph.output):
            if v.name not in inits and not v.type.HasField("tensor_type"):
                self.tensor_io = False
        self.output_types = [v.type.tensor_type.elem_type
                             for v in model.graph.output]
        ops = [n.op_type for n in model.graph.node]
        key = self.name[len("test_"):].replace("_", "").lower()
        best = ""
        for op in ops:
            if key.startswith(op.lower()) and len(op) > len(best):
                best = op
        self.op = best or (ops[0] if ops else "(empty graph)")
        if self.name.endswith("_expanded") or "_expanded_" in self.name:
            self.op += " (expanded)"


def run_case(case, target, bornc, work, timeout):
    data_sets = sorted(d for d in os.listdir(case.path)
                       if d.startswith("test_data_set_"))
    if not data_sets:
        return ("skip", "no test data")
    if not case.tensor_io:
        return ("skip", "sequence or optional inputs/outputs")
    out_dir = os.path.join(work, case.suite, case.name, target)
    os.makedirs(out_dir, exist_ok=True)
    exe = os.path.join(out_dir, "model")
    data0 = os.path.join(case.path, data_sets[0])
    bound = {}
    for _ in range(len(case.inputs) + 1):
        cmd = [bornc, os.path.join(case.path, "model.onnx"), "-q",
               "--target=" + target, "-o", exe]
        for name, path in bound.items():
            cmd.append("--bind-input=%s=%s" % (name, path))
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return ("fail", "compile: timed out")
        if p.returncode == 0:
            break
        m = BIND_RE.search(p.stderr)
        if m and m.group(1) in case.inputs and m.group(1) not in bound:
            bound[m.group(1)] = os.path.join(
                data0, "input_%d.pb" % case.inputs.index(m.group(1)))
            continue
        if p.returncode < 0 or p.returncode > 128:
            return ("fail", "compile: crashed (%s)" % first_line(p.stderr or "signal %d" % p.returncode))
        return ("fail", "compile: " + first_line(p.stderr))
    else:
        return ("fail", "compile: too many bound inputs")
    case.bound = sorted(bound)
    for data_set in data_sets:
        ds = os.path.join(case.path, data_set)
        inputs = [os.path.join(ds, "input_%d.pb" % i)
                  for i, name in enumerate(case.inputs) if name not in bound]
        res_dir = os.path.join(out_dir, data_set)
        shutil.rmtree(res_dir, ignore_errors=True)
        cmd = [exe] + inputs + ["--out", res_dir, "--device", target, "--threads", "1"]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return ("fail", "run: timed out")
        if p.returncode != 0:
            what = "crashed" if p.returncode < 0 or p.returncode > 128 else "failed"
            return ("fail", "run %s: %s" % (what, first_line(p.stderr + p.stdout)))
        i = 0
        while os.path.exists(os.path.join(ds, "output_%d.pb" % i)):
            expected = read_pb(os.path.join(ds, "output_%d.pb" % i))
            got_path = os.path.join(res_dir, "output_%d.npy" % i)
            if not os.path.exists(got_path):
                return ("fail", "output %d missing" % i)
            got = np.load(got_path)
            if (i < len(case.output_types) and got.dtype == np.uint16 and
                    case.output_types[i] == onnx.TensorProto.BFLOAT16):
                # Born writes bfloat16 as its bits ('<u2'); onnx reads it as
                # float32.
                got = (got.astype(np.uint32) << 16).view(np.float32)
            problem = compare(got, expected)
            if problem:
                return ("fail", "output %d: %s" % (i, problem))
            i += 1
    shutil.rmtree(out_dir, ignore_errors=True)  # keep failures only
    return ("pass", "bound: " + ", ".join(case.bound) if case.bound else "")


def write_doc(path, cases, targets, totals, elapsed):
    lines = ["# ONNX support", "",
             "Generated by `tests/onnx/conformance.py` from the ONNX backend test suite",
             "(`../shared/testdata/onnx-backend-tests.tar.xz`); do not edit by hand.",
             "Regenerate with `ninja -C build onnx-support-doc`.", "",
             "Each case is compiled by `bornc`, run, and its outputs compared with the",
             "expected ones (rtol 1e-3, atol 1e-7). Born compiles static shapes: an input",
             "that determines a shape is bound to its test value at compile time",
             "(`--bind-input`), and the case counts as passed when its outputs match. Vulkan runs on the",
             "machine's Vulkan device (lavapipe in CI).", "",
             "## Summary", "",
             "| suite | cases | " + " | ".join("%s passed" % t for t in targets) + " |",
             "|---|---|" + "---|" * len(targets)]
    for suite in SUITES:
        n = sum(1 for c in cases if c.suite == suite)
        if not n:
            continue
        cells = []
        for t in targets:
            p = totals[(suite, t)]["pass"]
            cells.append("%d (%.1f%%)" % (p, 100.0 * p / n))
        lines.append("| %s | %d | %s |" % (suite, n, " | ".join(cells)))
    lines += ["", "## By op (node cases)", "",
              "| op | cases | " + " | ".join(targets) + " | failing (first reason) |",
              "|---|---|" + "---|" * len(targets) + "---|"]
    by_op = {}
    for c in cases:
        if c.suite == "node":
            by_op.setdefault(c.op, []).append(c)
    for op in sorted(by_op, key=str.lower):
        group = by_op[op]
        cells = []
        for t in targets:
            p = sum(1 for c in group if c.results.get(t, ("",))[0] == "pass")
            cells.append("%d/%d" % (p, len(group)))
        failing = []
        for c in group:
            bad = [(t, c.results[t][1]) for t in targets if c.results.get(t, ("",))[0] != "pass"]
            if bad:
                t, why = bad[0]
                failing.append("`%s` (%s: %s)" % (c.name[5:], t, why.replace("|", "/")[:100]))
        shown = "; ".join(failing[:3]) + ("; +%d more" % (len(failing) - 3) if len(failing) > 3 else "")
        lines.append("| %s | %d | %s | %s |" % (op, len(group), " | ".join(cells), shown))
    lines += ["", "## Other suites", ""]
    for suite in SUITES[1:]:
        group = [c for c in cases if c.suite == suite]
        if not group:
            continue
        lines.append("### %s" % suite)
        lines.append("")
        for c in group:
            res = ", ".join("%s %s%s" % (t, c.results[t][0],
                                         (": " + c.results[t][1][:100].replace("|", "/")) if c.results[t][1] else "")
                            for t in targets)
            lines.append("- `%s`: %s" % (c.name, res))
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bornc", required=True)
    ap.add_argument("--cases", required=True, help="extracted onnx-backend-tests")
    ap.add_argument("--target", default="cpu")
    ap.add_argument("--filter", default="")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", default="")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--doc", default="")
    ap.add_argument("--min-node-pass-rate", type=float, default=0.0,
                    help="fail when the CPU node pass rate is below this")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    targets = args.target.split(",")
    work = args.work or os.path.join(os.getcwd(), "onnx-conformance")
    os.makedirs(work, exist_ok=True)
    ROOTS.extend([os.path.abspath(args.cases), args.cases,
                  os.path.abspath(work), work])
    rx = re.compile(args.filter)
    cases = []
    for suite in SUITES:
        root = os.path.join(args.cases, suite)
        if not os.path.isdir(root):
            continue
        for name in sorted(os.listdir(root)):
            if rx.search(suite + "/" + name):
                c = Case(suite, name, os.path.join(root, name))
                try:
                    c.load()
                except Exception as e:  # an unreadable model is a failure
                    c.op = "(unreadable)"
                    for t in targets:
                        c.results[t] = ("fail", "model.onnx: %s" % e)
                cases.append(c)
    start = time.time()
    jobs = [(c, t) for c in cases for t in targets if t not in c.results]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_case, c, t, args.bornc, work, args.timeout): (c, t)
                   for c, t in jobs}
        for f in concurrent.futures.as_completed(futures):
            c, t = futures[f]
            c.results[t] = f.result()
            if args.verbose:
                print("%-6s %-4s %s/%s %s" % (t, c.results[t][0], c.suite, c.name,
                                              c.results[t][1]), flush=True)
    elapsed = time.time() - start
    totals = {}
    for suite in SUITES:
        for t in targets:
            cnt = {"pass": 0, "fail": 0, "skip": 0}
            for c in cases:
                if c.suite == suite:
                    cnt[c.results[t][0]] += 1
            totals[(suite, t)] = cnt
    for t in targets:
        for suite in SUITES:
            cnt = totals[(suite, t)]
            n = sum(cnt.values())
            if n:
                print("%s %s: %d passed, %d failed, %d skipped (%.1f%% of %d)" % (
                    t, suite, cnt["pass"], cnt["fail"], cnt["skip"],
                    100.0 * cnt["pass"] / n, n))
    print("%.0f s" % elapsed)
    if args.doc:
        write_doc(args.doc, cases, targets, totals, elapsed)
    node = [c for c in cases if c.suite == "node"]
    if node and "cpu" in targets:
        rate = sum(1 for c in node if c.results["cpu"][0] == "pass") / len(node)
        if rate < args.min_node_pass_rate:
            print("FAIL: CPU node pass rate %.1f%% is below the floor %.1f%%" % (
                100 * rate, 100 * args.min_node_pass_rate))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
