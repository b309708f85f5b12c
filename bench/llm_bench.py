"""GGUF language models: Born's compiled executable against llama.cpp.

  /usr/bin/python3 bench/llm_bench.py [--build build] [--threads 1,2]
      [--models smollm2,tinyllama] [--types q8_0,q4_0,q4_K] [--write-docs]

Writes synthetic GGUF files with real model shapes and random weights
(tests/llm/gguf_variant --synthetic, stories260K's tokenizer extended to the
vocabulary size; cached in --work), compiles each with bornc, and runs
llama-bench's two tests on both sides in one run, same file, same threads:
pp512 (a 512-token prompt) and tg128 (128 tokens one at a time), mean
tokens/s of 3 runs after a warm-up (Born: `--bench`; llama.cpp: its prebuilt
libllama, driven by tests/llm/llama_reference --bench, default context
settings). It also measures the machine's memory bandwidth (one thread
copying 512 MiB with numpy, and the threads' best) and reports decode speed
as a fraction of the bandwidth bound: weight bytes read per token (every
matrix but the token embedding, of which one row is read) over bandwidth.
"""
import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STORIES = os.path.join(ROOT, "..", "shared", "testdata", "gguf",
                       "stories260K.gguf")
MODELS = {
    "smollm2": ("SmolLM2-135M",
                "vocab=49152,dim=576,layers=30,heads=9,kv=3,ffn=1536,tied=1"),
    "tinyllama": ("TinyLlama-1.1B",
                  "vocab=32000,dim=2048,layers=22,heads=32,kv=4,ffn=5632"),
}
# Bytes per value of each format (block bytes / block size), and the format
# a K-quant falls back to for rows that are not whole blocks of 256, as
# llama.cpp's quantizer (and gguf_variant) does.
BYTES_PER_VALUE = {"q8_0": 34 / 32, "q4_0": 18 / 32, "q5_0": 22 / 32,
                   "q4_K": 144 / 256, "q6_K": 210 / 256, "f16": 2.0,
                   "bf16": 2.0, "f32": 4.0}
FALLBACK = {"q4_K": "q5_0", "q6_K": "q8_0"}


def run(cmd, **kwargs):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)
    if result.returncode != 0:
        sys.exit("FAILED: %s\n%s%s" % (" ".join(cmd), result.stdout,
                                       result.stderr))
    return result.stdout


def parse_bench(text):
    """{'pp512': tokens/s, 'tg128': tokens/s} from `| pp512 | ... |` lines."""
    found = {}
    for m in re.finditer(r"\|\s*(pp|tg)(\d+)\s*\|[^|]*\|\s*([\d.]+) tokens/s",
                         text):
        found[m.group(1) + m.group(2)] = float(m.group(3))
    return found


def weight_bytes_per_token(spec, qtype):
    """Bytes of the matrices a decode step reads: all but the embedding
    (the head reads it whole when tied)."""
    s = dict(item.split("=") for item in spec.split(","))
    vocab, d, layers = int(s["vocab"]), int(s["dim"]), int(s["layers"])
    kv = d // int(s["heads"]) * int(s["kv"])
    ffn = int(s["ffn"])

    def matrix_bytes(rows, cols):
        t = qtype
        if t.endswith("_K") and cols % 256:
            t = FALLBACK[t]
        return rows * cols * BYTES_PER_VALUE[t if cols % 32 == 0 else "f32"]
    total = layers * (matrix_bytes(d, d) * 2 + matrix_bytes(kv, d) * 2 +
                      matrix_bytes(ffn, d) * 2 + matrix_bytes(d, ffn))
    return total + matrix_bytes(vocab, d)


def memory_bandwidth(threads):
    """GB/s of a large copy (bytes read + written); numpy copies on one
    thread, so more threads run one copy each in separate processes."""
    code = ("import numpy as np, time\n"
            "a = np.ones(64 << 20); b = np.empty_like(a)\n"
            "best = 1e9\n"
            "for _ in range(5):\n"
            "    t = time.perf_counter(); np.copyto(b, a)\n"
            "    best = min(best, time.perf_counter() - t)\n"
            "print(2 * a.nbytes / best / 1e9)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code],
                              stdout=subprocess.PIPE, text=True)
             for _ in range(threads)]
    return sum(float(p.communicate()[0]) for p in procs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--work", default="/tmp/born-llm-bench")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--models", default="smollm2,tinyllama")
    parser.add_argument("--types", default="q8_0,q4_0,q4_K")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    os.makedirs(args.work, exist_ok=True)
    bornc = os.path.join(args.build, "bin", "bornc")
    variant = os.path.join(args.build, "tests", "llm", "gguf_variant")
    reference = os.path.join(args.build, "tests", "llm", "llama_reference")
    lib_dir = os.path.join(args.build, "llama-cpp", "node_modules",
                           "@node-llama-cpp", "linux-x64", "bins", "linux-x64")

    bandwidth = {t: memory_bandwidth(t) for t in threads}
    for t in threads:
        print("memory bandwidth, %d thread(s): %.1f GB/s" % (t, bandwidth[t]))
    rows = []
    for key in args.models.split(","):
        name, spec = MODELS[key]
        for qtype in args.types.split(","):
            model = os.path.join(args.work, "%s-%s.gguf" % (key, qtype))
            if not os.path.exists(model):
                run([variant, STORIES, model, "--synthetic", spec, "--type",
                     qtype])
            exe = os.path.join(args.work, "%s-%s" % (key, qtype))
            start = time.perf_counter()
            run([bornc, model, "-o", exe, "--ctx-size", "1024"])
            compile_s = time.perf_counter() - start
            weight_bytes = weight_bytes_per_token(spec, qtype)
            for t in threads:
                born = parse_bench(run([exe, "--bench", "-t", str(t)]))
                llama = parse_bench(run([reference, lib_dir, model, "--bench",
                                         str(t)]))
                bound = bandwidth[t] * 1e9 / weight_bytes
                row = dict(model=name, type=qtype, threads=t,
                           compile_s=compile_s, bound=bound,
                           born_pp=born["pp512"], llama_pp=llama["pp512"],
                           born_tg=born["tg128"], llama_tg=llama["tg128"])
                rows.append(row)
                print("%-15s %-5s %d thr | pp512 born %8.1f llama.cpp %8.1f "
                      "(%.2fx) | tg128 born %7.2f llama.cpp %7.2f (%.2fx) | "
                      "bound %.1f tok/s: born %.0f%%, llama.cpp %.0f%% | "
                      "compile %.0f s" %
                      (name, qtype, t, row["born_pp"], row["llama_pp"],
                       row["born_pp"] / row["llama_pp"], row["born_tg"],
                       row["llama_tg"], row["born_tg"] / row["llama_tg"],
                       bound, 100 * row["born_tg"] / bound,
                       100 * row["llama_tg"] / bound, compile_s), flush=True)
    if args.write_docs:
        write_docs(rows, bandwidth, " ".join(sys.argv[1:]))


def write_docs(rows, bandwidth, argv):
    cpu = "unknown CPU"
    try:
        for line in run(["lscpu"]).splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except SystemExit:
        pass
    lines = [
        "<!-- llm_bench.py begin -->",
        "Measured %s on %s (%d cores), command `/usr/bin/python3 "
        "bench/llm_bench.py %s`. Memory bandwidth (numpy copy): %s." %
        (datetime.date.today().isoformat(), cpu, os.cpu_count(), argv,
         ", ".join("%.1f GB/s at %d thread(s)" % (bandwidth[t], t)
                   for t in sorted(bandwidth))),
        "",
        "| model | weights | threads | pp512 Born | pp512 llama.cpp | ratio "
        "| tg128 Born | tg128 llama.cpp | ratio | tg bound | Born of bound "
        "| llama.cpp of bound | compile s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            "| %s | %s | %d | %.1f | %.1f | %.2fx | %.2f | %.2f | %.2fx | "
            "%.1f | %.0f%% | %.0f%% | %.0f |" %
            (r["model"], r["type"], r["threads"], r["born_pp"], r["llama_pp"],
             r["born_pp"] / r["llama_pp"], r["born_tg"], r["llama_tg"],
             r["born_tg"] / r["llama_tg"], r["bound"],
             100 * r["born_tg"] / r["bound"], 100 * r["llama_tg"] / r["bound"],
             r["compile_s"]))
    lines.append("<!-- llm_bench.py end -->")
    path = os.path.join(ROOT, "docs", "performance.md")
    text = open(path).read()
    block = "\n".join(lines)
    if "<!-- llm_bench.py begin -->" in text:
        text = re.sub(r"<!-- llm_bench.py begin -->.*<!-- llm_bench.py end -->",
                      lambda _: block, text, flags=re.S)
    else:
        text += ("\n## GGUF language models (bench/llm_bench.py)\n\n" +
                 block + "\n")
    open(path, "w").write(text)


if __name__ == "__main__":
    main()
