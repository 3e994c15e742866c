"""The real-release corpus between its two shapes: golden folders (tests/golden/real-*) and
the layout of the corpus scorer (MANIFEST.csv, docs/, gold/; see ../shared/corpus/README.md).

Labellers write the scorer's format (GOLD_SCHEMA.md: one row per figure, value as printed,
value_base, a stable key per indicator, core); `import` turns a labelled folder into a golden
folder (expected.csv with key and core beside the project's columns), and `export` writes
the golden folders back out, so the scorer can score them in both of its modes:

    python -m tests.corpus import STAGED_FOLDER NAME     # one labelled document
    python -m tests.corpus export OUT_DIR [--tuned|--heldout]
    .venv/bin/python ../shared/corpus/evaluate.py --corpus OUT_DIR
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from pathlib import Path

import yaml

from tests.golden_match import GOLDEN

EXPECTED_COLUMNS = [
    "indicator_label", "indicator_code", "region", "period", "period_type", "measure", "value",
    "value_high", "unit", "raw_value", "raw_unit", "status", "qualifier", "evidence", "key",
    "core",
]  # fmt: skip
GOLD_COLUMNS = [
    "id", "doc", "region", "label", "key", "period", "status", "measure", "value", "unit",
    "value_base", "unit_base", "qualifier", "core", "quote", "value_high",
]  # fmt: skip
MANIFEST_COLUMNS = ["doc", "region", "kind", "published_on", "encoding", "source_urls", "notes"]


def period_type(period: str) -> str:
    """The contract's period_type of a period key."""
    if len(period) == 4:
        return "year"
    if "-" in period and "M" not in period:
        return "span"
    if "-M" in period:
        return "ytd"
    return {"Q": "quarter", "H": "half", "M": "month"}[period[4]]


def _simplified(text: str) -> str:
    from zhibiao.transforms.decode import normalize_text

    return normalize_text(text)


def import_folder(staged: Path, name: str) -> Path:
    """A labelled folder (source.*, gold.csv, meta.yaml) as tests/golden/<name>."""
    target = GOLDEN / name
    target.mkdir(parents=True, exist_ok=True)
    source = next(p for p in staged.iterdir() if p.stem == "source")
    shutil.copy(source, target / source.name)
    meta = yaml.safe_load((staged / "meta.yaml").read_text(encoding="utf-8"))
    with (staged / "gold.csv").open(encoding="utf-8-sig", newline="") as f:
        gold = list(csv.DictReader(f))
    rows = [_expected_row(g) for g in gold]
    with (target / "expected.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, EXPECTED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    meta["source_file"] = source.name
    (target / "meta.yaml").write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    for extra in ("review.md",):
        if (staged / extra).exists():
            shutil.copy(staged / extra, target / extra)
    return target


def _expected_row(g: dict) -> dict:
    from zhibiao.transforms import units

    # 头（只）: the labeller's aside on what is counted is no part of the unit
    unit = re.sub(r"[（(][^）)]*[）)]$", "", g["unit_base"].strip())
    known = units.get(_simplified(unit))
    unit = known.base if known else unit  # 个百分点 -> 百分点, 名 -> 人: the contract's base unit
    if not unit and g["measure"] == "level":
        unit = "倍"  # a ratio printed without a unit (城乡居民收入比2.49:1)
    return {
        "indicator_label": _simplified(g["label"]),
        "indicator_code": "",
        "region": g["region"],
        "period": g["period"],
        "period_type": period_type(g["period"]),
        "measure": g["measure"],
        "value": g["value_base"],
        "value_high": g.get("value_high", "") or "",
        "unit": unit,
        "raw_value": g["value"],
        "raw_unit": _simplified(g["unit"]),
        "status": g["status"],
        "qualifier": g["qualifier"],
        "evidence": _simplified(g["quote"]),
        "key": g["key"],
        "core": g["core"],
    }


def export(out: Path, which: str = "all") -> None:
    """Golden folders of real releases in the scorer's layout."""
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    manifest = []
    for folder in sorted(GOLDEN.glob("real-*")):
        if which != "all" and folder.name.split("-", 2)[1] != which:
            continue
        if "key" not in (folder / "expected.csv").read_text(encoding="utf-8").split("\n", 1)[0]:
            continue  # labelled before keys: no linkage to score
        meta = yaml.safe_load((folder / "meta.yaml").read_text(encoding="utf-8")) or {}
        source = next(p for p in folder.iterdir() if p.stem == "source")
        doc = folder.name + source.suffix
        shutil.copy(source, out / "docs" / doc)
        with (folder / "expected.csv").open(encoding="utf-8", newline="") as f:
            expected = list(csv.DictReader(f))
        with (out / "gold" / f"{folder.name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, GOLD_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for i, e in enumerate(expected, 1):
                writer.writerow(_gold_row(i, doc, e))
        manifest.append({
            "doc": doc,
            "region": meta.get("region", ""),
            "kind": meta.get("kind", "news"),
            "published_on": meta.get("published_on", ""),
            "encoding": meta.get("encoding", "utf-8"),
            "source_urls": " ".join(meta.get("source_urls", []) or []),
            "notes": "",
        })  # fmt: skip
    with (out / "MANIFEST.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(manifest)


def _gold_row(i: int, doc: str, e: dict) -> dict:
    return {
        "id": i,
        "doc": doc,
        "region": e["region"],
        "label": e["indicator_label"],
        "key": e.get("key") or e["indicator_code"] or e["indicator_label"],
        "period": e["period"],
        "status": e["status"],
        "measure": e["measure"],
        "value": e["raw_value"],
        "unit": e["raw_unit"],
        "value_base": e["value"],
        "unit_base": e["unit"],
        "qualifier": e["qualifier"],
        "core": e.get("core", "0") or "0",
        "quote": e["evidence"],
        "value_high": e.get("value_high", ""),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["import"]:
        print(import_folder(Path(argv[1]), argv[2]))
    elif argv[:1] == ["export"]:
        which = "tuned" if "--tuned" in argv else "heldout" if "--heldout" in argv else "all"
        export(Path(argv[1]), which)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
