"""Bring a warehouse's schema up to date: numbered migrations once each, then macros and views.

Tables change by migrations (migrations/<NNN>_<name>.sql), each applied once per warehouse and
recorded in `schema_version` with its number, name and checksum; macros and views
(sql/<NNN>_<name>.sql) are `create or replace`, re-created whenever anything of the schema
changed. One fingerprint of both folders and of dictionary.yaml, kept in the warehouse as
the macro schema_fingerprint(), makes the usual connect one query: a quiet night applies
nothing. docs/architecture.md#adding-a-table-or-a-column says how to add a migration.
"""

from __future__ import annotations

import functools
import hashlib

import duckdb

from zhibiao.warehouse import dictionary
from zhibiao.warehouse.load import number_series
from zhibiao.warehouse.sql_files import PACKAGE, SqlFile, load_sql, numbered


class SchemaError(RuntimeError):
    """The warehouse's schema and this zhibiao's disagree in a way a connect cannot fix."""


class WarehouseOutdatedError(SchemaError):
    """A read-only open of a warehouse that lacks migrations: only a write upgrades it."""


class WarehouseTooNewError(SchemaError):
    """The warehouse has migrations this zhibiao does not know: a newer version wrote it."""


class EditedMigrationError(SchemaError):
    """A migration's file differs from the one this warehouse recorded as applied."""


@functools.cache
def migrations() -> list[SqlFile]:
    """migrations/<NNN>_<name>.sql in order: the tables, as they changed from the first release."""
    return numbered(PACKAGE / "migrations")


@functools.cache
def view_files() -> list[SqlFile]:
    """sql/<NNN>_<name>.sql in order: macros, then the views that use them (all rerunnable)."""
    return numbered(PACKAGE / "sql")


@functools.cache
def fingerprint() -> str:
    """A digest of every migration, macro and view file and of the descriptions (applied as
    COMMENT ON with them): it changes when any of them does."""
    described = repr(
        sorted((n, r.description, r.columns) for n, r in dictionary.relations().items())
    )
    texts = [f.filename + f.text for f in (*migrations(), *view_files())]
    return hashlib.sha256(("\n".join(texts) + described).encode("utf-8")).hexdigest()[:16]


def applied_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint a warehouse was last brought to; None before the first (or when an
    older zhibiao, which did not keep one under this name, last wrote it)."""
    try:
        # fetchall, not fetchone: a result left half read keeps its transaction open, and
        # on a held connection that open transaction makes every CHECKPOINT fail
        return con.execute(load_sql("fingerprint", "migrate")).fetchall()[0][0]
    except duckdb.CatalogException:
        return None


def applied_migrations(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str]]:
    """{version: (name, checksum)} of the migrations a warehouse records; empty for a new
    warehouse and for one made before migrations were recorded."""
    if not con.execute(load_sql("has_history", "migrate")).fetchall()[0][0]:
        return {}
    rows = con.execute(load_sql("applied", "migrate")).fetchall()
    return {version: (name, checksum) for version, name, checksum in rows}


def pending(con: duckdb.DuckDBPyConnection) -> list[SqlFile]:
    """This zhibiao's migrations the warehouse lacks, in order; refuses a warehouse that is
    newer than this code or whose recorded migrations were since edited."""
    missing, unknown, edited = _compare(con)
    if unknown:
        raise WarehouseTooNewError(
            f"the warehouse {_path(con)} has migrations this zhibiao does not know "
            f"({', '.join(unknown)}): a newer version wrote it; upgrade zhibiao or restore "
            "an older backup"
        )
    if edited:
        raise EditedMigrationError(
            f"{', '.join(edited)} changed after the warehouse {_path(con)} applied it: a "
            "released migration is never edited; restore it and add a new numbered one"
        )
    return missing


def _compare(con: duckdb.DuckDBPyConnection) -> tuple[list[SqlFile], list[str], list[str]]:
    """(migrations the warehouse lacks, those it has that this code does not know, those
    whose file changed since the warehouse applied it)."""
    done = applied_migrations(con)
    known = {m.number: m for m in migrations()}
    missing = [m for n, m in known.items() if n not in done]
    unknown = [f"{v:03d}_{done[v][0]}" for v in sorted(set(done) - set(known))]
    edited = [m.filename for n, m in known.items() if n in done and done[n][1] != m.checksum]
    return missing, unknown, edited


def apply_schema(con: duckdb.DuckDBPyConnection) -> list[SqlFile]:
    """In one transaction: the pending migrations (recorded in schema_version), every macro
    and view again, the descriptions (dictionary.yaml as COMMENT ON: a replaced view lost
    its comments), and the fingerprint. Returns the migrations applied.

    A failure rolls it all back: the warehouse stays as it was, data and schema.
    """
    con.execute("begin transaction")
    try:
        todo = pending(con)
        for migration in todo:
            con.execute(migration.text)
        # recorded after all ran: 007 creates the table the records go into
        for migration in todo:
            con.execute(
                load_sql("record", "migrate"),
                {
                    "version": migration.number,
                    "name": migration.name,
                    "checksum": migration.checksum,
                },
            )
        # rows of a warehouse made before 009 get their series ids; a no-op otherwise
        number_series(con)
        con.execute("\n".join(f.text for f in view_files()))
        con.execute(dictionary.comment_sql(con))
        # a hex digest, formatted in: a macro's body cannot take a bound parameter
        con.execute(f"create or replace macro schema_fingerprint() as '{fingerprint()}'")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return todo


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Apply the schema unless this warehouse already has this version of it: one query on
    a warehouse that is up to date, where applying every file cost ~20 ms a connect (a
    quiet night opened the warehouse three times a source)."""
    if applied_fingerprint(con) != fingerprint():
        apply_schema(con)


def check_readable(con: duckdb.DuckDBPyConnection) -> None:
    """A read-only connection migrates nothing. It reads a warehouse that has every migration
    of this zhibiao (its views may be another version's: they read the same tables), and
    refuses, in one line, one that lacks some: its tables are not what this code queries."""
    if applied_fingerprint(con) == fingerprint():
        return
    missing, _, _ = _compare(con)
    if not missing:
        return
    if len(missing) == len(migrations()):
        lacks = "records no migrations (no schema_version table)"
    else:
        lacks = "lacks " + ", ".join(m.filename for m in missing)
    raise WarehouseOutdatedError(
        f"the warehouse {_path(con)} was made by an older zhibiao and {lacks}: a read-only "
        "open does not upgrade it; open it once for writing (`zhibiao upgrade --db FILE`, "
        "or the next `zhibiao run`), after backing it up"
    )


def _path(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute(load_sql("path", "migrate")).fetchall()[0][0]
