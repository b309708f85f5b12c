"""Born executables against Python's onnxruntime and PyTorch, on a machine
that has those packages but no npm (the device machine of this workplace).

  python3 bench/onnx_bench_pyort.py DIR MODEL...      (MODEL: resnet18,
                                                     mobilenet_v2, transformer)

DIR holds Born executables named MODEL, compiled elsewhere from the ONNX files
bench/onnx_bench.py exports (`bornc MODEL.onnx --target-cpu=x86-64-v4 -o
DIR/MODEL`). Here each model is rebuilt from tests/onnx/models.py (same seed,
so the same weights), exported to ONNX for onnxruntime, and its input and
PyTorch's output are computed. Born's output is checked against PyTorch's,
then each is timed at 1 and 2 threads on the same input: Born's `--bench 30`
median, and the median of 30 onnxruntime (all graph optimizations,
intra_op_num_threads) and PyTorch runs after 5 warm-ups.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "onnx"))
import models  # noqa: E402


def median_ms(fn, runs=30, warmup=5):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return float(np.median(times))


def main():
    import onnxruntime as ort
    import torch

    exe_dir, names = sys.argv[1], sys.argv[2:]
    cpu = next(l for l in open("/proc/cpuinfo") if l.startswith("model name"))
    print(f"{cpu.split(':', 1)[1].strip()}, {os.cpu_count()} cores; "
          f"onnxruntime {ort.__version__}, torch {torch.__version__}")
    work = tempfile.mkdtemp()
    for name in names:
        model, x = models.build_model(name)
        with torch.no_grad():
            ref = model(x).numpy()
        path = os.path.join(work, name + ".onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kwargs = dict(opset_version=17, input_names=["input"],
                          output_names=["output"])
            try:
                torch.onnx.export(model, x, path, dynamo=False, **kwargs)
            except TypeError:  # a torch without the dynamo exporter
                torch.onnx.export(model, x, path, **kwargs)
        inp = os.path.join(work, name + "_input.npy")
        np.save(inp, x.numpy())
        exe = os.path.join(exe_dir, name)
        out = os.path.join(work, name + "_out")
        subprocess.run([exe, inp, "--out", out], check=True,
                       capture_output=True)
        got = np.load(os.path.join(out, "output_0.npy"))
        print(f"{name}: Born vs PyTorch max rel err "
              f"{models.relative_error(got, ref):.1e}")
        for threads in (1, 2):
            text = subprocess.run([exe, inp, "--bench", "30", "--threads",
                                   str(threads)], check=True,
                                  capture_output=True, text=True).stdout
            born = float(re.search(r"median latency: ([0-9.]+) ms",
                                   text).group(1))
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = \
                ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(
                path, options, providers=["CPUExecutionProvider"])
            feed = {"input": x.numpy()}
            ort_ms = median_ms(lambda: session.run(None, feed))
            torch.set_num_threads(threads)
            with torch.no_grad():
                torch_ms = median_ms(lambda: model(x))
            print(f"  {threads} thr: Born {born:8.2f} ms  ONNX Runtime "
                  f"{ort_ms:8.2f} ms ({ort_ms / born:.2f}x)  PyTorch "
                  f"{torch_ms:8.2f} ms ({torch_ms / born:.2f}x)", flush=True)


if __name__ == "__main__":
    main()
