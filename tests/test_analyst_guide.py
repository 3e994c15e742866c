"""docs/analyst-guide.md cannot go stale: every query runs, and must print what the guide shows.

The warehouse is the SYNTHETIC sample of tools/sample.py (invented documents,
clearly labelled there and in the guide). When a view or the sample changes on purpose,
regenerate the outputs: .venv/bin/python -m tools.guide --write
"""

from __future__ import annotations

import re

import pytest

from tools import guide
from tools.sample import build_sample_warehouse
from zhibiao.warehouse.db import connect

TEXT = guide.GUIDE.read_text(encoding="utf-8")
EXAMPLES = guide.examples(TEXT)


def _id(example: guide.Example) -> str:
    """The example's heading, so a failure names the query."""
    heading = re.findall(r"^### (.+)$", TEXT[: example.span[0]], re.MULTILINE)
    return heading[-1] if heading else example.sql.splitlines()[0]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = build_sample_warehouse(tmp_path_factory.mktemp("guide") / "sample.duckdb")
    con = connect(path, read_only=True)
    yield con
    con.close()


def test_the_guide_has_a_dozen_queries():
    assert len(EXAMPLES) >= 12


@pytest.mark.parametrize("example", EXAMPLES, ids=[_id(e) for e in EXAMPLES])
def test_each_query_prints_what_the_guide_shows(sample, example):
    actual = guide.run_example(sample, example.sql)
    assert actual == example.shown, (
        "the guide's output is stale; if the change is intended, run "
        ".venv/bin/python -m tools.guide --write\n" + actual
    )


def test_regenerating_changes_nothing(sample):
    assert guide.render(TEXT, sample) == TEXT


def test_every_view_and_macro_is_documented(sample):
    names = [
        row[0]
        for row in sample.execute(
            "select view_name from duckdb_views() where not internal "
            "union select function_name from duckdb_functions() "
            "where function_type = 'table_macro' and not internal"
        ).fetchall()
    ]
    missing = [name for name in names if f"`{name}" not in TEXT]
    assert not missing, f"the analyst guide does not mention {missing}"


def test_a_query_without_output_is_refused():
    with pytest.raises(ValueError, match="needs an output block"):
        guide.examples("```sql\nselect 1\n```\n\nno output here\n")
