"""Units as printed, their base unit, factor and dimension: data/units.csv, one table for all.

The quantity finder reads the units marked `read`; the catalog, the expectations and the
alerts ask the same table for a unit's dimension, whether it counts things, and its English
name, so a unit is known (or unknown) everywhere at once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PATH = Path(__file__).resolve().parent / "data" / "units.csv"


@dataclass(frozen=True)
class Unit:
    unit: str  # as printed
    base: str  # base unit of the value
    factor: float  # base units per printed unit
    dimension: str  # money, people, count, mass, area, ratio …
    read: bool  # the quantity finder reads it in running text
    count: bool  # a classifier counting things: the noun it counts follows it (44个项目)
    size_class: bool  # "N<unit>以上的…" defines a class of units (2000万元以上的企业)
    per_reference: float | None  # the dimension's reference units per unit; None: no conversion
    name_en: str


@cache
def table() -> dict[str, Unit]:
    with PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {
        r["unit"]: Unit(
            r["unit"],
            r["base"],
            float(r["factor"]),
            r["dimension"],
            r["read"] == "1",
            r["count"] == "1",
            r["size_class"] == "1",
            float(r["per_reference"]) if r["per_reference"] else None,
            r["name_en"],
        )
        for r in rows
    }


def get(unit: str) -> Unit | None:
    return table().get(unit)


@cache
def read_units() -> tuple[str, ...]:
    """Units the quantity finder reads, longest first (个百分点 before 百分点)."""
    return tuple(sorted((u for u, row in table().items() if row.read), key=len, reverse=True))


@cache
def base_units() -> frozenset[str]:
    """Every unit a figure may carry once magnitudes are removed."""
    return frozenset(row.base for row in table().values())


def dimension(unit: str | None) -> str | None:
    row = table().get(unit or "")
    return row.dimension if row else None


def is_count(base: str) -> bool:
    """Whether a base unit counts things (个, 项, 人, 户 …): the noun follows the number."""
    row = table().get(base)
    return bool(row and row.count)


def name_en(unit: str) -> str:
    row = table().get(unit)
    return row.name_en if row and row.name_en else unit


def strip_magnitude(unit: str) -> str:
    """亿元 -> 元, 万千瓦 -> 千瓦, 千瓦 -> 千瓦: the unit without a magnitude prefix."""
    from zhibiao.transforms import lexicon

    if unit in table():
        return unit
    for magnitude, _ in lexicon.mapping("magnitudes"):
        rest = unit[len(magnitude) :]
        if unit.startswith(magnitude) and rest in table():
            return rest
    return unit


def conversion(unit: str, target: str) -> float | None:
    """The factor that turns a value in `unit` into one in `target` (亩 -> 公顷: 1/15), or
    None when no factor can (元 and 美元, 人 and 吨)."""
    if unit == target:
        return 1.0
    a, b = table().get(unit), table().get(target)
    if not a or not b or a.dimension != b.dimension:
        return None
    if a.per_reference is None or b.per_reference is None:
        return None
    return a.per_reference / b.per_reference
