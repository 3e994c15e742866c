"""A release's kind and reference period, read from its title or file name (titles.yaml)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from zhibiao.transforms.extract.period_phrases import find_periods, period_key

FALLBACK_KIND = "news"  # a title no rule knows: validated without a kind's headline checks


@dataclass(frozen=True)
class KindRule:
    kind: str
    pattern: re.Pattern[str]
    why: str
    examples: tuple[str, ...]
    not_examples: tuple[str, ...]


@functools.cache
def kind_rules() -> tuple[KindRule, ...]:
    text = (resources.files("zhibiao.discovery") / "titles.yaml").read_text(encoding="utf-8")
    return tuple(
        KindRule(
            r["kind"], re.compile(r["pattern"]), r["why"], tuple(r["examples"]), tuple(r["not"])
        )
        for r in yaml.safe_load(text)["kinds"]
    )


def title_kind(title: str) -> str | None:
    """The kind of the first rule found in the title, or None."""
    return next((r.kind for r in kind_rules() if r.pattern.search(title)), None)


def title_period(title: str) -> str | None:
    """The first dated period the title names (2024年一季度 → 2024Q1), or None."""
    for mention in find_periods(title):
        if mention.year is not None and mention.period_type != "span":
            return period_key(mention.year, mention.suffix)
    return None
