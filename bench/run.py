"""Run every bench script in bench/ (make bench): each *.py here but this one and _private ones."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def scripts() -> list[Path]:
    """Bench scripts in name order; a new bench needs no registration, only a file."""
    return sorted(
        p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_")
    )


def main() -> int:
    failed = []
    for script in scripts():
        print(f"== {script.relative_to(ROOT)}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=ROOT)
        print(f"== {script.name}: exit {code} after {time.perf_counter() - started:.0f} s\n")
        if code:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
