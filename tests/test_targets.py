"""Met or missed: the analyst guide's table of cases, in the view and in the alerts alike.

Each row of the table in docs/analyst-guide.md is loaded as a SYNTHETIC target and the actual
that followed it into a real warehouse with the real catalog; targets_vs_actuals must give the
row's outcome, and the target_missed alert must be raised exactly when that outcome is missed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_anomalies import NOW, alert_db, catalog, insert_staged
from zhibiao.transforms.catalog import load_catalog
from zhibiao.warehouse.alerts import detect_and_record
from zhibiao.warehouse.records import upsert_indicators

GUIDE = Path(__file__).parents[1] / "docs" / "analyst-guide.md"
BLOCK = re.compile(r"<!-- target cases -->\n(.*?)<!-- /target cases -->", re.DOTALL)
STAGE = "insert into fx_observations values (?, '林芝市', '2024', ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _cases() -> list[dict]:
    (block,) = BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    head, _, *rows = [
        [c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()
    ]
    return [dict(zip(head, row, strict=True)) for row in rows]


CASES = _cases()


def _id(c: dict) -> str:
    high = f"-{c['high']}" if c["high"] else ""
    return f"{c['indicator_code']} {c['qualifier']} {c['target']}{high} vs {c['actual']}"


def test_the_table_has_every_qualifier_and_direction():
    assert {c["qualifier"] for c in CASES} >= {"eq", "ge", "gt", "le", "lt", "approx"}
    assert {c["direction"] for c in CASES} == {"more", "less", ""}
    assert any(c["high"] for c in CASES)  # a range target


def test_the_table_states_the_catalogs_directions():
    directions = dict(zip(load_catalog()["code"], load_catalog()["direction"], strict=True))
    assert {c["indicator_code"]: c["direction"] for c in CASES}.items() <= directions.items()


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_view_and_alert_agree(tmp_path, case):
    con = alert_db(tmp_path / "warehouse.duckdb")
    upsert_indicators(con, load_catalog())
    code, measure, unit = case["indicator_code"], case["measure"], case["unit"]
    high = float(case["high"]) if case["high"] else None
    target = (float(case["target"]), high, unit, "target", case["qualifier"], "doc-plan")
    con.execute(STAGE, [code, measure, *target, "2024-01-15", "目标。"])
    actual = (float(case["actual"]), None, unit, "actual", "eq", "doc-bulletin")
    con.execute(STAGE, [code, measure, *actual, "2025-03-20", "实际。"])
    insert_staged(con)
    (outcome,) = con.execute("select outcome from targets_vs_actuals").fetchone()
    alerts = detect_and_record(con, catalog(), NOW).query("rule == 'target_missed'")
    assert (outcome, len(alerts)) == (case["outcome"], int(case["outcome"] == "missed"))
