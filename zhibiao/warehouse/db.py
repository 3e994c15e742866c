"""Open the DuckDB warehouse: its schema brought up to date (migrate.py), lock retries, a read
copy for analysts."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from zhibiao.warehouse.migrate import check_readable, ensure_schema

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


def connect(
    path: str | os.PathLike,
    read_only: bool = False,
    *,
    attempts: int = LOCK_ATTEMPTS,
    first_wait_s: float = LOCK_FIRST_WAIT_S,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting out another process's lock; a read-write open brings its
    schema up to date (migrate.ensure_schema: an older warehouse is upgraded in place, its
    data kept), a read-only one migrates nothing and refuses a warehouse that lacks a
    migration (migrate.check_readable), in one line.

    While a run holds the warehouse open (held), a connection to the same file is a cursor
    of the run's connection: one open file per run, and no second open of the file with
    another configuration (DuckDB refuses a read-only open beside a read-write one in one
    process). Closing the cursor leaves the run's connection open.

    Raises WarehouseLockedError, naming the file and the process holding it,
    when the lock outlasts the retries.
    """
    path = Path(path)
    shared = _HELD.get(path.resolve())
    if shared is not None:
        return shared.cursor()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _open_with_retry(path, read_only, attempts, first_wait_s)
    try:
        (check_readable if read_only else ensure_schema)(con)
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
