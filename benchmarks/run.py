"""Run the benchmarks and print one table.

    python benchmarks/run.py            # all of them
    python benchmarks/run.py dense      # only the named ones

Each module in this folder with a `run()` function returns rows of
(what was measured, value, unit, note). Run on an idle machine: figures are wall-clock times.
"""

import importlib
import os
import platform
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

ORDER = ["dispatch", "dense", "conv", "pooling", "mnist_mlp", "mnist_cnn", "lstm_seq",
         "import_time"]


def main(names):
    names = names or ORDER
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        sys.exit(f"Unknown benchmark(s): {', '.join(unknown)}. Choose from: {', '.join(ORDER)}.")
    print(f"minikeras benchmarks | Python {platform.python_version()} | numpy {np.__version__} "
          f"| {os.cpu_count()} CPUs")
    rows = []
    for name in names:
        rows.extend(importlib.import_module(name).run())
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'value':>10}  unit  note")
    print("-" * (width + 40))
    for what, value, unit, note in rows:
        print(f"{what:<{width}}  {value:>10.2f}  {unit:<4}  {note}")


if __name__ == "__main__":
    main(sys.argv[1:])
