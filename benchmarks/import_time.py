"""Wall time of `import minikeras` in a fresh interpreter, against `import numpy` alone.

Measured as a user meets it after the first import: Python's bytecode cache written (a
warm-up import writes it even where PYTHONDONTWRITEBYTECODE is set in the environment).
"""

import os
import subprocess
import sys

SNIPPET = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"


def _import_seconds(module, runs=7):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for _ in range(runs + 1):  # the first run writes the bytecode cache and is not counted
        out = subprocess.run([sys.executable, "-c", SNIPPET.format(module)],
                             capture_output=True, text=True, check=True, env=env)
        times.append(float(out.stdout))
    times = times[1:]
    return sorted(times)[len(times) // 2]  # the median of fresh processes


def run():
    package = _import_seconds("minikeras")
    numpy = _import_seconds("numpy")
    return [
        ("import minikeras (fresh process, median of 7)", package * 1e3, "ms",
         f"numpy alone: {numpy * 1e3:.0f} ms; target < 300 ms"),
    ]
