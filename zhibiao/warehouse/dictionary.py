"""The data dictionary: dictionary.yaml's descriptions as COMMENTs, as text and in the docs.

    .venv/bin/python -m zhibiao.warehouse.dictionary --write   # rewrite the docs' tables
    .venv/bin/python -m zhibiao.warehouse.dictionary           # exit 1 if they are stale

dictionary.yaml is the one reviewed text. The warehouse carries it as COMMENT ON (applied with
the schema, so any SQL client sees it in `duckdb_columns()` and the `dictionary` view); the
column tables of docs/architecture.md's contract and the reference of docs/analyst-guide.md are
written from it with the types of a fresh warehouse, so no copy can drift.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import yaml

from zhibiao.warehouse.sql_files import load_sql

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
GUIDE = ROOT / "docs" / "analyst-guide.md"
REFERENCE_OPEN = (
    "<!-- reference: written by `.venv/bin/python -m zhibiao.warehouse.dictionary --write` -->"
)
REFERENCE_CLOSE = "<!-- /reference -->"
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# A contract entry of docs/architecture.md: its heading, prose, then the column table.
_CONTRACT_TABLE = re.compile(
    r"(?P<head>^#### `(?P<name>\w+)` \((?:table|view)\)\n(?:(?!\|)(?!#).*\n)*)"
    r"(?P<table>(?:\|.*\n)+)",
    re.MULTILINE,
)


class UnknownNameError(LookupError):
    """`zhibiao describe NAME` of a name the warehouse has no table or view for."""


@dataclass(frozen=True)
class Relation:
    name: str
    description: str
    columns: dict[str, str]  # column -> description, a view's inherited ones first


@functools.cache
def relations() -> dict[str, Relation]:
    """Every entry of dictionary.yaml, `columns_of` resolved."""
    text = (resources.files("zhibiao.warehouse") / "dictionary.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    out: dict[str, Relation] = {}
    for name, entry in raw.items():
        inherited = raw[entry["columns_of"]]["columns"] if "columns_of" in entry else {}
        columns = {**inherited, **entry.get("columns", {})}
        for ident in (name, *columns):
            if not _NAME.match(ident):
                raise ValueError(f"dictionary.yaml: {ident!r} is not a plain SQL name")
        out[name] = Relation(name, " ".join(entry["description"].split()), columns)
    return out


def _literal(text: str) -> str:
    """A SQL string literal. COMMENT ON takes no bound parameter (DuckDB's parser refuses
    one), and the text is our reviewed YAML, so quoting is all it needs."""
    return "'" + text.replace("'", "''") + "'"


def comment_sql(con: duckdb.DuckDBPyConnection) -> str:
    """COMMENT ON statements for every description the warehouse lacks or holds differently.

    A replaced view loses its comments (`create or replace` runs on every schema apply), so
    this follows each apply; tables keep theirs and cost nothing once described. Entries the
    warehouse does not have are skipped here and reported by tests/test_dictionary.py.
    """
    held = con.execute(load_sql("held_comments", "dictionary")).fetchall()
    current = {(t, c): comment for t, c, comment in held}
    statements = []
    for rel in relations().values():
        wanted = {(rel.name, None): rel.description}
        wanted |= {(rel.name, col): text for col, text in rel.columns.items()}
        for key, text in wanted.items():
            text = " ".join(text.split())
            if key not in current or current[key] == text:
                continue
            target = f"table {key[0]}" if key[1] is None else f"column {key[0]}.{key[1]}"
            statements.append(f"comment on {target} is {_literal(text)};")
    return "\n".join(statements)


def columns(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str, str | None]]:
    """(column, type, description) of one table or view, in order, from the warehouse."""
    return con.execute(load_sql("columns", "dictionary"), {"name": name}).fetchall()


def describe(con: duckdb.DuckDBPyConnection, name: str | None = None) -> str:
    """Text for `zhibiao describe`: every table and view in one line each, or one in full."""
    rows = con.execute(load_sql("relations", "dictionary")).fetchall()
    if name is None:
        width = max(len(r[0]) for r in rows)
        return "\n".join(f"{t:<{width}}  {k:<5}  {d or ''}" for t, k, d in rows)
    found = [r for r in rows if r[0] == name]
    if not found:
        known = ", ".join(r[0] for r in rows)
        raise UnknownNameError(f"no table or view named {name!r}; the warehouse has: {known}")
    _, kind, text = found[0]
    cols = columns(con, name)
    width = max(len(c) for c, _, _ in cols)
    type_width = max(len(t) for _, t, _ in cols)
    lines = [f"{name} ({kind}): {text or ''}", ""]
    lines += [f"  {c:<{width}}  {t:<{type_width}}  {d or ''}" for c, t, d in cols]
    return "\n".join(lines)


def markdown_table(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The column table of one relation, as docs/architecture.md's contract shows it."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    for col, type_, text in columns(con, name):
        lines.append(f"| `{col}` | {type_} | {(text or '').replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"


def render_architecture(text: str, con: duckdb.DuckDBPyConnection) -> str:
    """docs/architecture.md with the column table under each contract entry rewritten."""
    return _CONTRACT_TABLE.sub(lambda m: m["head"] + markdown_table(con, m["name"]), text)


def render_guide(text: str, con: duckdb.DuckDBPyConnection) -> str:
    """docs/analyst-guide.md with its reference section (between the markers) rewritten."""
    start, end = text.index(REFERENCE_OPEN), text.index(REFERENCE_CLOSE)
    parts = []
    for rel in relations().values():
        parts.append(f"#### `{rel.name}`\n\n{rel.description}\n\n{markdown_table(con, rel.name)}")
    body = "\n".join(parts)
    return text[: start + len(REFERENCE_OPEN)] + "\n\n" + body + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    from zhibiao.warehouse.db import connect

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the docs in place")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zhibiao-dictionary-") as tmp:
        con = connect(Path(tmp) / "fresh.duckdb")
        try:
            fresh = {
                ARCHITECTURE: render_architecture(ARCHITECTURE.read_text(encoding="utf-8"), con),
                GUIDE: render_guide(GUIDE.read_text(encoding="utf-8"), con),
            }
        finally:
            con.close()
    stale = [p for p, text in fresh.items() if p.read_text(encoding="utf-8") != text]
    if args.write:
        for path in stale:
            path.write_text(fresh[path], encoding="utf-8")
            print(f"wrote {path}")
        return 0
    for path in stale:
        print(f"{path} is stale: run with --write", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
