"""`make bench`: run every bench_*.py here (or the ones named) and print their tables."""

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                           if m.name.startswith("bench_"))
    for name in names:
        print(f"\n== {name} ==", flush=True)
        module = importlib.import_module(f"bench.{name}")
        # modules with their own options get none here: each runs on its defaults
        module.main([]) if inspect.signature(module.main).parameters else module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
