"""Sentence cases (tests/constructions/*.yaml): how a case becomes a text and its figures a
line each, for the test and for a person writing a new case (python -m tests.constructions_run
"sentence" [year] [region])."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent / "constructions"
FIELDS = ("label", "code", "region", "period", "measure", "value", "unit", "status", "qualifier")


def cases() -> list[tuple[str, dict]]:
    """(file:line id, case) for every case of every file, in order."""
    out = []
    for path in sorted(HERE.glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if line.startswith("- "):
                case = yaml.safe_load(line)[0]
                out.append((f"{path.stem}:{number}", case))
    return out


def text_of(case: dict) -> str:
    """The case's sentence under its context: a title line, a heading, sentences before."""
    parts = [case.get("title"), case.get("heading"), case.get("before"), case["text"]]
    return "\n".join(p for p in parts if p)


def _number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.10f}".rstrip("0").rstrip(".")


def line_of(row: dict) -> str:
    """label code region period measure value unit status qualifier [value_high]; - for empty."""
    values = [
        row["indicator_label"], row["indicator_code"], row["region"], row["period"],
        row["measure"], _number(row["value"]), row["unit"], row["status"], row["qualifier"],
    ]  # fmt: skip
    high = _number(row.get("value_high"))
    if high:
        values.append(high)
    return " ".join(str(v) if str(v) != "" else "-" for v in values)


def figures(case: dict) -> list[str]:
    """The case's figures as decoding and extraction leave them (text normalised first)."""
    from zhibiao.transforms.decode import normalize_text
    from zhibiao.transforms.extract import extract_figures

    text = normalize_text(text_of(case))
    frame = extract_figures(
        text, region=case.get("region"), year=case.get("year"), published_year=case.get("published")
    )
    return [line_of(row) for row in frame.to_dict("records")]


if __name__ == "__main__":
    text = sys.argv[1]
    case = {"text": text}
    if len(sys.argv) > 2:
        case["year"] = int(sys.argv[2])
    if len(sys.argv) > 3:
        case["region"] = sys.argv[3]
    for f in figures(case):
        print(f)
