"""Golden files as a ratchet: every field of every figure compared with the hand labels, and
each folder's known differences kept in known_differences.csv beside them.

A figure matches an expected one when measure, unit and value agree (relative 1e-6) and the
expected evidence snippet is inside the extracted evidence sentence; pairs are taken in
document order so that repeated values pair with the right sentence. Then every field is
compared (label, code where the labels give one, region, period, status, qualifier, the
upper end of a range): each difference, a missed figure or an extra one is one row. The test
fails on any change to that list (a new difference, or a known one that disappeared) until
the folder's known_differences.csv is rewritten in the same commit:

    python -m tests.golden_match            # scores and differences of every folder
    python -m tests.golden_match --write    # rewrite every known_differences.csv
"""

from __future__ import annotations

import csv
import math
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

GOLDEN = Path(__file__).parent / "golden"
KNOWN = "known_differences.csv"
DIFF_COLUMNS = ["kind", "field", "expected", "extracted", "figure"]
# Fields compared on a matched figure; indicator_code only where the labels give one.
FIELDS = ("indicator_label", "indicator_code", "region", "period", "status", "qualifier")
SCORED = ("period", "status", "qualifier", "region")


@dataclass
class Score:
    name: str
    expected: int
    extracted: int
    matched: int
    field_ok: dict[str, int]
    differences: list[tuple] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def field_accuracy(self, name: str) -> float:
        return self.field_ok[name] / self.matched if self.matched else 1.0

    def report(self) -> str:
        lines = [
            f"{self.name}: expected {self.expected}, extracted {self.extracted}, matched "
            f"{self.matched}; precision {self.precision:.3f} recall {self.recall:.3f}; "
            + ", ".join(f"{k} {self.field_accuracy(k):.3f}" for k in self.field_ok)
        ]
        lines += ["  " + " | ".join(d) for d in self.differences]
        return "\n".join(lines)


def _short(r: dict) -> str:
    """A figure in one line: value, unit, measure and where it stands."""
    ev = _squash(str(r.get("evidence", "")))[:30]
    return f"{r.get('measure')} {_number(r.get('value'))} {r.get('unit')} | {ev}"


def _number(value) -> str:
    try:
        return f"{float(value):.10g}"
    except (TypeError, ValueError):
        return str(value)


def _same_value(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _squash(text: str) -> str:
    """Evidence compares without whitespace: decoding joins "面积 111.6" to "面积111.6"."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-")
    return "".join(text.split())


def golden_cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "expected.csv").exists())


def load_case(folder: Path) -> tuple[bytes, str, dict, pd.DataFrame]:
    source = next(p for p in folder.iterdir() if p.stem == "source")
    meta = (
        yaml.safe_load((folder / "meta.yaml").read_text("utf-8"))
        if (folder / "meta.yaml").exists()
        else {}
    )
    expected = pd.read_csv(folder / "expected.csv", dtype=str, keep_default_na=False)
    return source.read_bytes(), source.name, meta or {}, expected


def score(name: str, expected: pd.DataFrame, extracted: pd.DataFrame) -> Score:
    exp = expected.to_dict("records")
    ext = extracted.to_dict("records")
    used: set[int] = set()
    s = Score(name, len(exp), len(ext), 0, {f: 0 for f in SCORED})
    for e in exp:
        j = _find(e, ext, used)
        if j is None:
            s.differences.append(("missed", "", _line(e), "", _short(e)))
            continue
        used.add(j)
        s.matched += 1
        x = ext[j]
        for f in FIELDS:
            want, got = _text(e.get(f, "")), _text(x.get(f, ""))
            if f == "indicator_code" and not want:
                continue
            if want == got:
                if f in SCORED:
                    s.field_ok[f] += 1
            else:
                s.differences.append(("field", f, want, got, _short(e)))
        high_want, high_got = (
            _number_or_empty(e.get("value_high")),
            _number_or_empty(x.get("value_high")),
        )
        if high_want != high_got:
            s.differences.append(("field", "value_high", high_want, high_got, _short(e)))
    for j, x in enumerate(ext):
        if j not in used:
            s.differences.append(("extra", "", "", _line(x), _short(x)))
    s.differences.sort()
    return s


def _line(r: dict) -> str:
    return " ".join(
        str(r.get(f, "")) for f in ("indicator_label", "region", "period", "status", "qualifier")
    )


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _number_or_empty(value) -> str:
    text = _text(value)
    return _number(text) if text else ""


def _find(e: dict, ext: list[dict], used: set[int]) -> int | None:
    value = float(e["value"])
    loose = None
    for j, x in enumerate(ext):
        if j in used or x["measure"] != e["measure"] or x["unit"] != e["unit"]:
            continue
        if not _same_value(float(x["value"]), value):
            continue
        if _squash(e["evidence"]) in _squash(str(x["evidence"])):
            return j
        if loose is None and str(x["period"]) == str(e["period"]):
            loose = j
    # A table row is evidence in the labeller's words (the cells) and a sentence in the
    # decoder's: there, the same value, measure, unit and period is the match.
    return loose if any(cell in e["evidence"] for cell in _TABLE_CELL_MARKS) else None


_TABLE_CELL_MARKS = ("\t", "</td>", "|")  # a tab-, HTML- or bar-separated row


def extract_case(folder: Path) -> pd.DataFrame:
    """Read a golden document as the pipeline does (transforms/read.py)."""
    from zhibiao.transforms.read import read_document

    raw, filename, meta, _ = load_case(folder)
    return read_document(raw, hints_of(meta, filename))[1]


def hints_of(meta: dict, filename: str):
    """The source as an operator would register it: meta.yaml's region, year, date."""
    from zhibiao.registry import publication_date
    from zhibiao.transforms.read import SourceHints

    published = meta.get("published_on")
    published = publication_date(published) if published else None
    return SourceHints(
        region=meta.get("region"), year=meta.get("year"), published_on=published, name=filename
    )


def score_case(folder: Path) -> Score:
    return score(folder.name, load_case(folder)[3], extract_case(folder))


def known_differences(folder: Path) -> list[tuple]:
    path = folder / KNOWN
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return sorted(tuple(row[c] for c in DIFF_COLUMNS) for row in csv.DictReader(f))


def write_known(folder: Path, differences: list[tuple]) -> None:
    with (folder / KNOWN).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(DIFF_COLUMNS)
        writer.writerows(sorted(differences))


def main(argv: list[str]) -> None:
    write = "--write" in argv
    names = [a for a in argv if not a.startswith("--")]
    for folder in golden_cases():
        if names and folder.name not in names:
            continue
        s = score_case(folder)
        print(s.report())
        if write:
            write_known(folder, s.differences)


if __name__ == "__main__":
    main(sys.argv[1:])
