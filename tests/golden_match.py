"""Match extracted figures to a hand-labelled golden file and score them.

A figure matches an expected one when measure, unit and value agree (relative 1e-6) and the
expected evidence snippet is inside the extracted evidence sentence; pairs are taken in
document order so that repeated values pair with the right sentence.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

GOLDEN = Path(__file__).parent / "golden"


@dataclass
class Score:
    name: str
    expected: int
    extracted: int
    matched: int
    headline_expected: int
    headline_ok: int
    field_ok: dict[str, int]
    missed: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def headline_recall(self) -> float:
        return self.headline_ok / self.headline_expected if self.headline_expected else 1.0

    def field_accuracy(self, name: str) -> float:
        return self.field_ok[name] / self.matched if self.matched else 1.0

    def report(self) -> str:
        lines = [
            f"{self.name}: expected {self.expected}, extracted {self.extracted}, matched "
            f"{self.matched}; precision {self.precision:.3f} recall {self.recall:.3f} "
            f"headline {self.headline_ok}/{self.headline_expected}; "
            + ", ".join(f"{k} {self.field_accuracy(k):.3f}" for k in self.field_ok)
        ]
        lines += [f"  MISSED   {_short(r)}" for r in self.missed]
        lines += [f"  SPURIOUS {_short(r)}" for r in self.spurious]
        lines += [f"  WRONG    {w}" for w in self.wrong]
        return "\n".join(lines)


FIELDS = ("period", "status", "qualifier", "region")


def _short(r: dict) -> str:
    ev = str(r.get("evidence", ""))[:50]
    return (
        f"{r.get('indicator_label')} [{r.get('indicator_code', '')}] {r.get('measure')} "
        f"{r.get('value')} {r.get('unit')} {r.get('period')} {r.get('status')} "
        f"{r.get('qualifier')} {r.get('region')} | {ev}"
    )


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
    s = Score(name, len(exp), len(ext), 0, 0, 0, {f: 0 for f in FIELDS})
    for e in exp:
        j = _find(e, ext, used)
        code = e.get("indicator_code", "")
        if code:
            s.headline_expected += 1
        if j is None:
            s.missed.append(e)
            continue
        used.add(j)
        s.matched += 1
        x = ext[j]
        if code and x["indicator_code"] == code:
            s.headline_ok += 1
        elif code:
            s.wrong.append(
                f"code {x['indicator_code']!r} ({x['indicator_label']}) != {code!r}: {_short(e)}"
            )
        for f in FIELDS:
            if str(x[f]) == str(e[f]):
                s.field_ok[f] += 1
            else:
                s.wrong.append(f"{f} {x[f]!r} != {e[f]!r}: {_short(e)}")
    s.spurious = [ext[j] for j in range(len(ext)) if j not in used]
    return s


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
    return loose if "\t" in e["evidence"] else None


def score_case(folder: Path) -> Score:
    """Read a golden document as the pipeline does (transforms/read.py), then score it."""
    return score(folder.name, load_case(folder)[3], extract_case(folder))


def extract_case(folder: Path) -> pd.DataFrame:
    from zhibiao.transforms.read import read_document

    raw, filename, meta, _ = load_case(folder)
    return read_document(raw, hints_of(meta, filename))[1]


def hints_of(meta: dict, filename: str):
    """The source as an operator would register it: meta.yaml's region, year, date."""
    import datetime as dt

    from zhibiao.transforms.read import SourceHints

    published = meta.get("published_on")
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    return SourceHints(
        region=meta.get("region"), year=meta.get("year"), published_on=published, name=filename
    )


def main() -> None:
    for folder in golden_cases():
        print(score_case(folder).report())


if __name__ == "__main__":
    main()
