"""Run every `benchmarks/bench_*.py` module's `main()` in turn, or only the named ones:
`python -m benchmarks latency memory`."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(names: list[str]) -> None:
    folder = Path(__file__).parent
    wanted = {f"bench_{name}" for name in names}
    for module in sorted(m.name for m in pkgutil.iter_modules([str(folder)])):
        if module.startswith("bench_") and (not wanted or module in wanted):
            print(f"== {module}", flush=True)
            importlib.import_module(f"benchmarks.{module}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
