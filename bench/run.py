"""Run every bench script in bench/ (make bench): each *.py here but this one and _private ones.

Each script writes bench/results/<script>.json; this one gathers them into
bench/results.json, rewrites the README's bench table from it (bench/_table.py), and exits
non-zero when a script failed or a target was missed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench._table import RESULTS, refresh_readme  # noqa: E402
from bench._timing import RESULTS_DIR  # noqa: E402


def scripts() -> list[Path]:
    """Bench scripts in name order; a new bench needs no registration, only a file."""
    return sorted(
        p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_")
    )


def main(run: bool = True) -> int:
    """Run the scripts (or, with --gather-only, take the results they last wrote), write
    bench/results.json and the README table; 1 when a script failed or missed a target."""
    failed = []
    for script in scripts() if run else []:
        print(f"== {script.relative_to(ROOT)}", flush=True)
        started = time.perf_counter()
        (RESULTS_DIR / f"{script.stem}.json").unlink(missing_ok=True)
        code = subprocess.call([sys.executable, str(script)], cwd=ROOT)
        print(f"== {script.name}: exit {code} after {time.perf_counter() - started:.0f} s\n")
        if code:
            failed.append(script.name)
    gathered = []
    for script in scripts():
        out = RESULTS_DIR / f"{script.stem}.json"
        if out.exists():
            rows = json.loads(out.read_text(encoding="utf-8"))
            gathered += [{"script": script.stem, **r} for r in rows]
            if any(r["ok"] is False for r in rows) and script.name not in failed:
                failed.append(script.name)  # also with --gather-only
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()}, {_cpus()} CPUs, "
                f"Python {platform.python_version()}",
                "results": gathered,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    refresh_readme()
    print(f"wrote {RESULTS.relative_to(ROOT)} and the README's bench table")
    if failed:
        print(f"failed or missed a target: {', '.join(failed)}")
    return 1 if failed else 0


def _cpus() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main(run="--gather-only" not in sys.argv[1:]))
