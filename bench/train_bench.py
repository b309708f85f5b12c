"""Training speed: Born's training examples against PyTorch CPU, one epoch
of Fashion-MNIST each, in one run on one machine.

  /usr/bin/python3 bench/train_bench.py [--threads 1,2] [--limit N] [--repeat R]
      [--build build] [--data DIR] [--write-docs]

- MLP 784-256-128-10 (build/examples/train-mlp, Adam lr 1e-3) and the CNN of
  train-cnn (conv 3x3 1->16, relu, max-pool 2, conv 3x3 16->32, relu,
  max-pool 2, linear 1568->10; Adam lr 2e-3), batch 64, cross-entropy, the
  pixels standardized inside the model, constant learning rate;
- PyTorch: the same model, optimizer (torch.optim.Adam, betas 0.9/0.999,
  eps 1e-8), batch size, learning rate, data and thread count
  (torch.set_num_threads), in a fresh process per thread count.

Only the training loop is timed on both sides: shuffled batches gathered
from the images already in memory, forward, loss, backward, Adam, and the
loss read back to the host. Born reports it itself on stderr
("train-loop: epoch E images N seconds T"), after compilation and data
loading; evaluation is outside it. Prints seconds per epoch and Born's speed
ratio (PyTorch time / Born time: above 1 Born is faster). --write-docs
replaces the generated Training section of docs/performance.md.
"""
import argparse
import datetime
import gzip
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
BATCH = 64
# model: (example, learning rate, label for the table)
MODELS = {
    "mlp": ("train-mlp", 1e-3, "MLP 784-256-128-10"),
    "cnn": ("train-cnn", 2e-3, "CNN conv16-conv32-linear"),
}


def read_idx(path):
    """An IDX file of unsigned bytes (gzipped), as a numpy array."""
    import numpy as np
    import struct
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[:3] != b"\0\0\x08":
        sys.exit(f"error: {path}: not an IDX file of unsigned bytes")
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data[4 + 4 * rank:], np.uint8).reshape(dims)


def torch_model(name):
    import torch
    from torch import nn

    class Standardize(nn.Module):
        # The examples standardize inside their graph; so does this.
        def forward(self, x):
            return (x - 0.2860) / 0.3530

    if name == "mlp":
        return nn.Sequential(Standardize(), nn.Linear(784, 256), nn.ReLU(),
                             nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    return nn.Sequential(Standardize(),
                         nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(32 * 7 * 7, 10))


def torch_worker(name, threads, limit, data, epochs):
    """Trains `epochs` epochs in PyTorch; prints 'images N seconds T' for
    each."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    images = read_idx(os.path.join(data, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data, "train-labels-idx1-ubyte.gz"))
    count = min(limit, len(images)) if limit else len(images)
    shape = (-1, 784) if name == "mlp" else (-1, 1, 28, 28)
    x = torch.from_numpy(images[:count].astype("float32") / 255).reshape(shape)
    y = torch.from_numpy(labels[:count].astype("int64"))
    model = torch_model(name)
    optimizer = torch.optim.Adam(model.parameters(), lr=MODELS[name][1],
                                 betas=(0.9, 0.999), eps=1e-8)
    steps = count // BATCH  # like Born: the last partial batch is dropped
    for _ in range(epochs):
        order = torch.randperm(count)  # Born shuffles before its clock starts
        start = time.perf_counter()
        loss_sum = 0.0
        for s in range(steps):
            index = order[s * BATCH:(s + 1) * BATCH]
            loss = torch.nn.functional.cross_entropy(model(x[index]), y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()  # Born reads each step's loss too
        seconds = time.perf_counter() - start
        print(f"images {steps * BATCH} seconds {seconds:.6f} "
              f"loss {loss_sum / steps:.4f}", flush=True)


def run(cmd, env=None):
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} exited with {result.returncode}:\n"
                 f"{result.stderr[-2000:]}")
    return result


def born_epoch(args, name, threads):
    example, lr, _ = MODELS[name]
    exe = os.path.join(args.build, "examples", example)
    if not os.path.exists(exe):
        sys.exit(f"error: {exe} not found; build Born first (scripts/setup.sh)")
    cmd = [exe, "--data", args.data, "--epochs", str(args.repeat), "--batch", str(BATCH),
           "--lr", str(lr), "--schedule", "constant", "--optimizer", "adam",
           "--threads", str(threads), "--test-limit", "500"]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    err = run(cmd).stderr
    epochs = re.findall(r"^train-loop: epoch \d+ images (\d+) seconds ([0-9.]+)$",
                        err, re.M)
    if len(epochs) != args.repeat:
        sys.exit(f"error: expected {args.repeat} 'train-loop:' lines from "
                 f"{example}:\n{err[-2000:]}")
    return fastest(epochs)


def fastest(epochs):
    """(images, seconds) of the fastest epoch: the least disturbed by other
    load on a shared machine."""
    return min(((int(n), float(t)) for n, t in epochs), key=lambda e: e[1])


def torch_epoch(args, name, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads),
               LD_LIBRARY_PATH=OPENBLAS + ":" +
               os.environ.get("LD_LIBRARY_PATH", ""))
    out = run(["/usr/bin/python3", os.path.abspath(__file__), "--torch-worker",
               name, "--threads", str(threads), "--limit", str(args.limit),
               "--repeat", str(args.repeat), "--data", args.data],
              env=env).stdout
    return fastest(re.findall(r"images (\d+) seconds ([0-9.]+)", out))


def lscpu():
    """(model name, CPU count) as lscpu prints them."""
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines()
                  if ":" in line)
    return (fields.get("Model name", "?").strip(),
            fields.get("CPU(s)", "?").strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1",
                    help="thread counts, comma-separated (default 1)")
    ap.add_argument("--limit", type=int, default=0,
                    help="train on the first N images (default: all 60000)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="train R epochs on each side and keep the fastest "
                    "(default 1)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--torch-worker", choices=sorted(MODELS),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    try:
        thread_counts = [int(t) for t in args.threads.split(",")]
        if any(t < 1 for t in thread_counts):
            raise ValueError
    except ValueError:
        sys.exit(f"error: --threads: expected positive integers separated "
                 f"by commas, got '{args.threads}'")
    if args.limit < 0 or 0 < args.limit < BATCH:
        sys.exit(f"error: --limit: expected 0 (all) or at least {BATCH}, "
                 f"got {args.limit}")
    if args.repeat < 1:
        sys.exit(f"error: --repeat: expected at least 1, got {args.repeat}")
    if args.torch_worker:
        torch_worker(args.torch_worker, thread_counts[0], args.limit,
                     args.data, args.repeat)
        return
    for f in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        if not os.path.exists(os.path.join(args.data, f)):
            sys.exit(f"error: {os.path.join(args.data, f)} not found "
                     "(apt-get install dataset-fashion-mnist)")

    load = os.getloadavg()[0]
    rows = []
    for threads in thread_counts:
        for name in MODELS:
            images, born_s = born_epoch(args, name, threads)
            torch_images, torch_s = torch_epoch(args, name, threads)
            assert images == torch_images, (images, torch_images)
            rows.append((name, threads, images, born_s, torch_s))
            print(f"{MODELS[name][2]:26s} {threads} thr  {images} images  "
                  f"Born {born_s:8.2f} s  PyTorch {torch_s:8.2f} s  "
                  f"speed ratio {torch_s / born_s:5.2f}x", flush=True)
    if args.write_docs:
        write_docs(rows, args, load)


def write_docs(rows, args, load):
    import torch
    path = os.path.join(ROOT, "docs", "performance.md")
    text = open(path).read()
    # One block per --limit, so a quick run and a full epoch can both stay.
    tag = f"limit {args.limit}" if args.limit else "full epoch"
    begin = f"<!-- train_bench.py {tag} begin -->"
    end = f"<!-- train_bench.py {tag} end -->"
    command = ["/usr/bin/python3", "bench/train_bench.py"]
    if args.limit:
        command += ["--limit", str(args.limit)]
    if args.repeat > 1:
        command += ["--repeat", str(args.repeat)]
    command += ["--threads", args.threads, "--write-docs"]
    model, cpus = lscpu()
    lines = [begin,
             f"Measured {datetime.date.today()} on {model} ({cpus} cores), "
             f"`{' '.join(command)}`; PyTorch {torch.__version__} (Debian); "
             f"load average {load:.2f} at the start. Seconds of the "
             f"training loop for one epoch of the images shown, batch "
             f"{BATCH}, Adam" + (f"; the fastest of {args.repeat} epochs "
                                 "on each side" if args.repeat > 1 else "")
             + ".",
             "",
             "| model | threads | images | Born (s/epoch) | PyTorch (s/epoch) "
             "| Born (images/s) | speed ratio (PyTorch / Born) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, threads, images, born_s, torch_s in rows:
        lines.append(f"| {MODELS[name][2]} | {threads} | {images} | "
                     f"{born_s:.2f} | {torch_s:.2f} | {images / born_s:.0f} | "
                     f"{torch_s / born_s:.2f}x |")
    lines.append(end)
    block = "\n".join(lines)
    if begin in text:
        start, stop = text.index(begin), text.index(end) + len(end)
        text = text[:start] + block + text[stop:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    open(path, "w").write(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
