"""Open the DuckDB warehouse: schema from sql/*.sql, lock retries, a read copy for analysts."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import duckdb

from zhibiao.warehouse import dictionary

# DuckDB lets one process hold the file; every other process, even read-only, fails with
# this message while it does (STACK-NOTES, DuckDB 2.0). Loads are short, so wait a little.
LOCK_MESSAGE = "Could not set lock on file"
LOCK_ATTEMPTS = 6
LOCK_FIRST_WAIT_S = 0.25  # doubles each attempt: 0.25 + 0.5 + ... ~ 8 s in all

_HOLDER = re.compile(r"Conflicting lock is held in (.*)$", re.MULTILINE)


class WarehouseLockedError(RuntimeError):
    """Another process kept the warehouse file locked through every retry."""


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse's run lock: this run stops before it touches anything."""


def run_lock_path(path: str | os.PathLike) -> Path:
    """The run lock of a warehouse: <db>.run.lock beside it."""
    path = Path(path)
    return path.with_name(path.name + ".run.lock")


@contextlib.contextmanager
def run_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold the warehouse for one run, from opening its `runs` row to publishing its copy.

    DuckDB's own file lock is held only while a connection is open, and a run opens and
    closes many, so two runs could interleave their documents and their alert passes. An
    flock on a file beside the warehouse spans the whole run, and the kernel drops it when
    the process dies however it dies: a run that finds a `running` row while holding the
    lock knows that row's process is gone. A second run does not wait (a nightly schedule
    would pile them up): it stops at once, naming the holder.
    """
    lock = run_lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another run"
            raise WarehouseBusyError(
                f"warehouse busy: {holder} holds {Path(path)}; this run stops, nothing changed"
            ) from None
        os.ftruncate(fd, 0)
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()} (since {stamp})".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the flock


def schema_files() -> list[str]:
    """The .sql files of warehouse/sql in the order they are applied (by file name)."""
    sql_dir = resources.files("zhibiao.warehouse") / "sql"
    return sorted(p.name for p in sql_dir.iterdir() if p.name.endswith(".sql"))


def schema_sql() -> str:
    """All schema statements, in order: tables, macros, then views that use them."""
    sql_dir = resources.files("zhibiao.warehouse") / "sql"
    return "\n".join((sql_dir / name).read_text(encoding="utf-8") for name in schema_files())


@functools.cache
def load_sql(name: str) -> str:
    """A statement of sql/load/<name>.sql: the loader's SQL, kept out of Python like the views."""
    return (resources.files("zhibiao.warehouse") / "sql" / "load" / f"{name}.sql").read_text(
        encoding="utf-8"
    )


@functools.cache
def schema_version() -> str:
    """A fingerprint of the schema files and their descriptions: it changes when any .sql
    file of sql/ or dictionary.yaml does (the comments are applied with the schema)."""
    described = repr(
        sorted((n, r.description, r.columns) for n, r in dictionary.relations().items())
    )
    return hashlib.sha256((schema_sql() + described).encode("utf-8")).hexdigest()[:16]


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create every macro and view, in one transaction,
    describe them all (dictionary.yaml as COMMENT ON: a replaced view lost its comments), and
    record the version applied (the schema_version() macro the warehouse then answers).

    Every statement is `if not exists` or `create or replace`, so rerunning on an existing
    warehouse changes no data and picks up edited views.
    """
    con.execute("begin transaction")
    try:
        con.execute(schema_sql())
        con.execute(dictionary.comment_sql(con))
        # a hex digest, formatted in: a macro's body cannot take a bound parameter
        con.execute(f"create or replace macro schema_version() as '{schema_version()}'")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def applied_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The schema version a warehouse was last brought to; None before the first."""
    try:
        # fetchall, not fetchone: a result left half read keeps its transaction open, and
        # on a held connection that open transaction makes every CHECKPOINT fail
        return con.execute("select schema_version()").fetchall()[0][0]
    except duckdb.CatalogException:
        return None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Apply the schema unless this warehouse already has this version of it: one query on
    a warehouse that is up to date, where applying the eleven files cost ~20 ms a connect
    (a quiet night opened the warehouse three times a source)."""
    if applied_version(con) != schema_version():
        apply_schema(con)


def connect(
    path: str | os.PathLike,
    read_only: bool = False,
    *,
    attempts: int = LOCK_ATTEMPTS,
    first_wait_s: float = LOCK_FIRST_WAIT_S,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting out another process's lock, and bring its schema up to
    date (ensure_schema).

    While a run holds the warehouse open (held), a connection to the same file is a cursor
    of the run's connection: one open file per run, and no second open of the file with
    another configuration (DuckDB refuses a read-only open beside a read-write one in one
    process). Closing the cursor leaves the run's connection open.

    A read-only connection cannot create anything: it expects a warehouse that a writer
    already set up. Raises WarehouseLockedError, naming the file and the process holding it,
    when the lock outlasts the retries.
    """
    path = Path(path)
    shared = _HELD.get(path.resolve())
    if shared is not None:
        return shared.cursor()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open_with_retry(path, read_only, attempts, first_wait_s)
    if not read_only:
        try:
            ensure_schema(con)
        except BaseException:
            con.close()
            raise
    return con


# Warehouse files a run holds open (held), by resolved path. Only held() adds and removes
# entries, in a `with`, so no connection outlives its run.
_HELD: dict[Path, duckdb.DuckDBPyConnection] = {}


@contextlib.contextmanager
def held(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """Keep one read-write connection to the warehouse for a run: every connect() to the
    same file during it is a cursor of this one, so the run's bookkeeping opens the file
    and checks the schema once, not three times a source. Take it inside run_lock: the run
    holds DuckDB's file lock for its whole length."""
    key = Path(path).resolve()
    if key in _HELD:  # a run inside a run (a flow calling another): the outer one holds it
        yield _HELD[key]
        return
    con = connect(path)
    _HELD[key] = con
    try:
        yield con
    finally:
        del _HELD[key]
        con.close()


def _open_with_retry(
    path: Path, read_only: bool, attempts: int, first_wait_s: float
) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with exponential backoff on the lock error, and only on it."""
    wait = first_wait_s
    for attempt in range(1, attempts + 1):
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if LOCK_MESSAGE not in str(exc):
                raise
            if attempt == attempts:
                raise _locked_error(path, attempts, exc) from exc
            time.sleep(wait)
            wait *= 2
    raise AssertionError("unreachable")  # the loop returns or raises


def _locked_error(path: Path, attempts: int, exc: Exception) -> WarehouseLockedError:
    match = _HOLDER.search(str(exc))
    holder = match.group(1).strip() if match else "another process"
    return WarehouseLockedError(
        f"The warehouse {path} is locked by {holder}; gave up after {attempts} attempts. "
        "DuckDB allows one process on the file at a time, even for reading: wait for the "
        "load to finish, or query the published copy (zhibiao.warehouse.db.publish_copy)."
    )


def published_path(path: str | os.PathLike) -> Path:
    """Where publish_copy puts the analysts' copy of a warehouse: data/published/<name>."""
    path = Path(path)
    return path.parent / "published" / path.name


def publish_copy(path: str | os.PathLike, dest: str | os.PathLike | None = None) -> Path:
    """Copy the warehouse to a file analysts can open while the next load runs.

    Readers are blocked while a writer holds the live file, so analysts query this copy.
    The copy is taken under the writer's lock after a CHECKPOINT (the WAL folded in, the
    file consistent) and renamed into place atomically: a reader of the old copy keeps it.
    """
    path = Path(path)
    dest = Path(dest) if dest is not None else published_path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    con = connect(path)
    try:
        con.execute("checkpoint")
        shutil.copyfile(path, tmp)
    finally:
        con.close()
    os.replace(tmp, dest)
    return dest
