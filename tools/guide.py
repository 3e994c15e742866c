"""Keep docs/analyst-guide.md true: run its queries on the sample warehouse, rewrite outputs.

    .venv/bin/python -m tools.guide --write   # regenerate every output table
    .venv/bin/python -m tools.guide           # exit 1 if any output is stale

Each ```sql block of the guide is followed by its output between <!-- output --> and
<!-- /output --> markers; tests/test_analyst_guide.py fails when one differs, so the guide
cannot go stale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tools.sample import build_sample_warehouse
from zhibiao.warehouse.db import connect

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "analyst-guide.md"
MAX_ROWS = 40  # a guide example, not a dump
OUTPUT_OPEN = "<!-- output: written by `.venv/bin/python -m tools.guide --write` -->"
OUTPUT_CLOSE = "<!-- /output -->"

_EXAMPLE = re.compile(
    r"```sql\n(?P<sql>.*?)```\n\n<!-- output[^>]*-->\n(?P<output>.*?)<!-- /output -->",
    re.DOTALL,
)


@dataclass(frozen=True)
class Example:
    sql: str
    shown: str  # the output table as the guide shows it
    span: tuple[int, int]  # where the whole example (query and output) sits in the text


def examples(text: str) -> list[Example]:
    """Every query of the guide with the output shown under it."""
    found = [Example(m["sql"], m["output"], m.span()) for m in _EXAMPLE.finditer(text)]
    if len(found) != text.count("```sql\n"):
        raise ValueError(
            "every ```sql block of the guide needs an output block right after it "
            f"({OUTPUT_OPEN} ... {OUTPUT_CLOSE}); run the guide with --write"
        )
    return found


def format_value(value: object) -> str:
    """One cell: NULL for missing, whole floats without .0, others to 4 decimals."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        if math.isnan(value):
            return "NULL"
        return str(int(value)) if value.is_integer() else f"{round(value, 4):g}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("|", "\\|").replace("\n", " ")


def format_table(columns: list[str], rows: list[tuple]) -> str:
    """A markdown table of a result, as the guide shows it."""
    if len(rows) > MAX_ROWS:
        raise ValueError(f"a guide query returned {len(rows)} rows; keep examples under {MAX_ROWS}")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(format_value(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def run_example(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The output table of one guide query on the sample warehouse.

    Python values straight from DuckDB (not a DataFrame), so a DATE prints as a date.
    """
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return format_table(columns, cursor.fetchall())


def render(text: str, con: duckdb.DuckDBPyConnection) -> str:
    """The guide with every output replaced by what its query returns now."""
    parts, last = [], 0
    for example in examples(text):
        start, end = example.span
        parts.append(text[last:start])
        parts.append(
            f"```sql\n{example.sql}```\n\n{OUTPUT_OPEN}\n{run_example(con, example.sql)}"
            f"{OUTPUT_CLOSE}"
        )
        last = end
    parts.append(text[last:])
    return "".join(parts)


def sample_connection(workdir: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a freshly built sample warehouse in workdir."""
    path = build_sample_warehouse(workdir / "sample.duckdb")
    return connect(path, read_only=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the outputs in place")
    parser.add_argument("--guide", type=Path, default=GUIDE)
    args = parser.parse_args(argv)
    text = args.guide.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="zhibiao-guide-") as tmp:
        con = sample_connection(Path(tmp))
        try:
            fresh = render(text, con)
        finally:
            con.close()
    if args.write:
        args.guide.write_text(fresh, encoding="utf-8")
        print(f"wrote {args.guide} ({len(examples(fresh))} queries)")
        return 0
    if fresh != text:
        print(f"{args.guide} is stale: run with --write", file=sys.stderr)
        return 1
    print(f"{args.guide} is up to date ({len(examples(text))} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
