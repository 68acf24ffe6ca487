"""Run every benchmark in turn: ``python -m bench [name ...]``."""

from __future__ import annotations

import importlib
import sys

BENCHES = (
    "bench.engine_dialog",
    "bench.documents",
    "bench.telegram",
    "bench.memory",
    "bench.burst",
)


def main() -> None:
    """Run the named benchmarks (all by default)."""
    wanted = sys.argv[1:] or [b.rsplit(".", 1)[1] for b in BENCHES]
    for name in BENCHES:
        if name.rsplit(".", 1)[1] in wanted:
            importlib.import_module(name).main()


if __name__ == "__main__":
    main()
