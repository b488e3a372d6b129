"""`make bench`: run every bench_*.py here (or the ones named) and print their tables."""

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    # `python -m bench bench_report --only district`: what follows the names is the options of
    # the one named
    names = argv[:next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))]
    options = argv[len(names):]
    names = names or sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                            if m.name.startswith("bench_"))
    if options and len(names) != 1:
        raise SystemExit("options go with one benchmark: python -m bench bench_report --only district")
    for name in names:
        print(f"\n== {name} ==", flush=True)
        module = importlib.import_module(f"bench.{name}")
        # modules with their own options get none here unless named alone with them
        module.main(options) if inspect.signature(module.main).parameters else module.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
