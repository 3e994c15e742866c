"""The README's bench table, rewritten from bench/results.json (never edited by hand).

python bench/_table.py      # after make bench, or to redraw the table alone
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE.parent / "README.md"
RESULTS = HERE / "results.json"
BEGIN = "<!-- bench table: written by bench/_table.py from bench/results.json -->"
END = "<!-- end of bench table -->"


def _time(seconds: dict | None) -> str:
    if not seconds:
        return "–"
    median = seconds["median"]
    text = f"{median:.2f} s" if median >= 1 else f"{median * 1e3:.1f} ms"
    spread = f"{seconds['min'] * 1e3:.1f}–{seconds['max'] * 1e3:.1f} ms"
    if median >= 1:
        spread = f"{seconds['min']:.2f}–{seconds['max']:.2f} s"
    return f"{text} ({spread})"


def table(results: dict) -> str:
    """Markdown: one row per measure, median (min–max), its floor, ratio, target, verdict."""
    lines = [
        f"Measured {results['measured_at']} on {results['machine']}; median (min–max) per call.",
        "",
        "| measure | time | floor | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["results"]:
        floor = f"{r['floor']}: {_time(r['floor_seconds'])}" if r["floor"] else "–"
        ratio = f"{r['ratio']:.1f}×" if r["ratio"] is not None else "–"
        verdict = {True: "ok", False: "**missed**", None: ""}[r["ok"]]
        lines.append(
            f"| {r['name']} | {_time(r['seconds'])} | {floor} | {ratio} | {r['target']} | {verdict} |"
        )
    return "\n".join(lines)


def refresh_readme() -> None:
    """Replace the table between the markers of README.md with one drawn from results.json."""
    text = README.read_text(encoding="utf-8")
    head, begin, rest = text.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"README.md lacks the markers {BEGIN!r} … {END!r}")
    body = table(json.loads(RESULTS.read_text(encoding="utf-8")))
    README.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    refresh_readme()
    sys.exit(0)
