"""Tiny helpers shared by the benchmarks: medians and a printed table."""

import statistics
import time


def measure(fn, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return samples


def measure_pair(first, second, runs: int, warmup: int = 2) -> tuple[list[float], list[float]]:
    """Samples of two functions taken in turn, so a busy machine slows both alike."""
    for _ in range(warmup):
        first()
        second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, out in zip((first, second), samples):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return samples


def ms(samples) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def table(rows: list[tuple], headers: tuple) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line.format(*row))
