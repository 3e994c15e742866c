"""Constructions of Chinese official prose, one sentence case a line (tests/constructions/),
and the proof that every rule of the extractor is pinned by one of them."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.constructions_run import cases, figures
from zhibiao.transforms.extract import core  # noqa: F401 - registers every rule
from zhibiao.transforms.extract.rules import all_rules, disabled

CASES = cases()


@pytest.mark.parametrize(("where", "case"), CASES, ids=[w for w, _ in CASES])
def test_construction(where, case):
    if case.get("xfail"):
        pytest.xfail(case["xfail"]) if Counter(figures(case)) != Counter(case["figures"]) else None
        pytest.fail(f"{where} is declared a known gap ({case['xfail']}) but now passes: update it")
    assert sorted(figures(case)) == sorted(case["figures"]), where


def _differs(case: dict) -> bool:
    try:
        return Counter(figures(case)) != Counter(case["figures"])
    except LookupError:  # a stage whose last rule is off decides nothing: that is a change
        return True


@pytest.mark.parametrize("rule", [r.name for r in all_rules()])
def test_every_rule_is_pinned_by_a_case(rule):
    """Switch the rule off: some sentence case must come out different. A rule whose removal
    changes nothing is either dead or untested."""
    with disabled(rule):
        changed = [where for where, case in CASES if not case.get("xfail") and _differs(case)]
    assert changed, f"no construction case depends on rule {rule!r}: add one"
