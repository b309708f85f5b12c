"""Times the PyTorch MLP and CNN of tests/e2e/reference.py (same seed, same
shapes) in one process: prints 'MODEL THREADS MEDIAN_MS' lines.
Usage: torch_time.py THREADS RUNS"""
import statistics
import sys
import time


def median_ms(model, x, runs, warmup=5):
    """Median latency of model(x) in ms, after `warmup` untimed calls."""
    import torch
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    import torch
    threads, runs = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(784, 10))
    inputs = {"mlp": (mlp, torch.randn(64, 784)),
              "cnn": (cnn, torch.randn(8, 1, 28, 28))}
    for name, (model, x) in inputs.items():
        print(name, threads, f"{median_ms(model, x, runs):.4f}")


if __name__ == "__main__":
    main()
