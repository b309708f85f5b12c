"""Born against its peers, in one run on one machine.

  /usr/bin/python3 bench/bench.py [--build build] [--runs 50] [--write-docs]

- f32 matmul 1024x1024x1024, one thread: Born vs OpenBLAS sgemm;
- MLP 784-512-256-10 (batch 64) and a small CNN (batch 8) vs PyTorch CPU
  (Debian python3-torch on OpenBLAS), at 1 and 2 threads.
Prints each median latency and Born's speed ratio (peer time / Born time:
above 1 means Born is faster). --write-docs replaces the generated section
of docs/performance.md.
"""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import reference  # noqa: E402


def run(cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          env=env).stdout


def born_median(exe, inputs, threads, runs):
    out = run([exe, *inputs, "--bench", str(runs), "--threads", str(threads)])
    return float(re.search(r"median latency: ([0-9.]+) ms", out).group(1))


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    bornc = os.path.join(args.build, "bin", "bornc")
    work = tempfile.mkdtemp(prefix="born-bench-")
    rows = []

    def report(what, born_ms, peer, peer_ms):
        ratio = peer_ms / born_ms
        rows.append((what, born_ms, peer, peer_ms, ratio))
        print(f"{what:34s} Born {born_ms:9.3f} ms   {peer} {peer_ms:9.3f} ms"
              f"   speed ratio {ratio:5.2f}x", flush=True)

    # Matmul vs OpenBLAS, one thread.
    rng = np.random.default_rng(0)
    a = rng.standard_normal((1024, 1024), dtype=np.float32)
    b = rng.standard_normal((1024, 1024), dtype=np.float32)
    np.save(f"{work}/a.npy", a)
    reference.save_safetensors(f"{work}/matmul.safetensors", {"b": b})
    run([bornc, "-q", f"{ROOT}/bench/matmul.mlir", "--weights",
         f"{work}/matmul.safetensors", "-o", f"{work}/matmul"])
    run(["cc", "-O2", "-o", f"{work}/sgemm", f"{ROOT}/bench/sgemm.c",
         f"-L{OPENBLAS}", f"-Wl,-rpath,{OPENBLAS}", "-lopenblas"])
    blas_env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    blas_ms = float(run([f"{work}/sgemm", "1024", str(max(args.runs // 5, 5))],
                        env=blas_env))
    born_ms = born_median(f"{work}/matmul", [f"{work}/a.npy"], 1,
                          max(args.runs // 5, 5))
    report("matmul 1024^3 f32, 1 thread", born_ms, "OpenBLAS", blas_ms)

    # MLP and CNN vs PyTorch at 1 and 2 threads.
    reference.main(work)
    for model in ("mlp", "cnn"):
        run([bornc, "-q", f"{ROOT}/tests/e2e/{model}.mlir", "--weights",
             f"{work}/{model}.safetensors", "-o", f"{work}/{model}"])
    for threads in (1, 2):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads),
                   OMP_NUM_THREADS=str(threads),
                   LD_LIBRARY_PATH=OPENBLAS + ":" +
                   os.environ.get("LD_LIBRARY_PATH", ""))
        torch_ms = {}
        for line in run(["/usr/bin/python3", f"{ROOT}/bench/torch_time.py",
                         str(threads), str(args.runs)], env=env).splitlines():
            name, _, ms = line.split()
            torch_ms[name] = float(ms)
        for model, label in (("mlp", "MLP 784-512-256-10, batch 64"),
                             ("cnn", "CNN 2 conv + linear, batch 8")):
            born = born_median(f"{work}/{model}",
                               [f"{work}/{model}_input.npy"], threads,
                               args.runs)
            report(f"{label}, {threads} thr", born, "PyTorch",
                   torch_ms[model])

    if args.write_docs:
        write_docs(rows, args)


def write_docs(rows, args):
    path = os.path.join(ROOT, "docs", "performance.md")
    text = open(path).read()
    begin, end = "<!-- bench.py begin -->", "<!-- bench.py end -->"
    table = [begin,
             f"Measured {datetime.date.today()} on {cpu_name()} "
             f"({os.cpu_count()} cores), `{' '.join(['/usr/bin/python3', 'bench/bench.py', '--runs', str(args.runs), '--write-docs'])}`:",
             "",
             "| workload | Born (ms) | peer | peer (ms) | speed ratio (peer / Born) |",
             "|---|---:|---|---:|---:|"]
    for what, born_ms, peer, peer_ms, ratio in rows:
        table.append(f"| {what} | {born_ms:.3f} | {peer} | {peer_ms:.3f} | "
                     f"{ratio:.2f}x |")
    table.append(end)
    start, stop = text.index(begin), text.index(end) + len(end)
    open(path, "w").write(text[:start] + "\n".join(table) + text[stop:])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
