"""Timing helpers shared by the benchmark scripts."""

import time


def best_of(fn, repeat=5, number=None, min_time=0.2):
    """Seconds per call of `fn`: the best of `repeat` rounds of `number` calls each.

    When `number` is None it is chosen so that one round takes about `min_time` seconds. The
    best round is the one least disturbed by the rest of the machine.
    """
    fn()  # warm up caches, lazy imports and BLAS threads
    if number is None:
        number = 1
        while True:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            if time.perf_counter() - start >= min_time / 4 or number >= 1 << 20:
                break
            number *= 4
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best
