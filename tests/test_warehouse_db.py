"""Opening the warehouse (schema, lock retries, published copy), queries, exports, bookkeeping.

Real DuckDB files in tmp_path; the lock tests hold the file from a second process, as the
nightly load would. All rows are SYNTHETIC fixtures.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
import time

import duckdb
import pandas as pd
import pytest

from zhibiao.warehouse import db as warehouse_db
from zhibiao.warehouse import migrate
from zhibiao.warehouse.db import (
    WarehouseLockedError,
    connect,
    held,
    publish_copy,
)
from zhibiao.warehouse.load import (
    close_stale_runs,
    finish_run,
    record_document,
    record_quarantine,
    start_run,
    upsert_indicators,
    upsert_sources,
)
from zhibiao.warehouse.migrate import applied_fingerprint, fingerprint
from zhibiao.warehouse.query import export, run_query

CONTRACT_TABLES = {
    "observations",
    "documents",
    "sources",
    "indicators",
    "quarantine",
    "alerts",
    "runs",
}
CONTRACT_VIEWS = {"observations_latest", "targets_vs_actuals", "revisions", "derived_vs_stated"}
CONTRACT_MACROS = {"observations_as_of", "current_observations"}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "warehouse.duckdb"


def hold_lock(path, seconds: float) -> subprocess.Popen:
    """A second process holding the warehouse open (the writer) for a while."""
    code = textwrap.dedent(
        f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        time.sleep({seconds})
        con.close()
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_catalog_table_without_direction_is_upgraded_in_place(db):
    """A warehouse made before indicators.direction (issue 12) opens, keeps its rows, and the
    next catalog upsert fills the column that targets_vs_actuals reads."""
    old = duckdb.connect(str(db))
    old.execute(
        "create table indicators (indicator_code varchar primary key, name_zh varchar not null, "
        "aliases varchar, name_en varchar, unit varchar, kind varchar, growth_basis varchar, "
        "category varchar, headline boolean)"
    )
    old.execute("insert into indicators (indicator_code, name_zh) values ('gdp', '地区生产总值')")
    old.close()
    con = connect(db)
    assert con.execute("select indicator_code, direction from indicators").fetchall() == [
        ("gdp", None)
    ]
    upsert_indicators(
        con, pd.DataFrame([{"code": "gdp", "name_zh": "地区生产总值", "direction": "more"}])
    )
    assert con.execute("select direction from indicators").fetchall() == [("more",)]
    con.close()


def test_connect_creates_the_contract_and_is_safe_to_rerun(db):
    con = connect(db)
    con.execute("insert into runs (run_id, flow, started_at) values ('r1', 'nightly', now())")
    con.close()
    con = connect(db)  # the same version: nothing to apply, the contract still there
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    views = {
        r[0]
        for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()
    }
    macros = {
        r[0]
        for r in con.execute(
            "select function_name from duckdb_functions() where function_type = 'table_macro'"
        ).fetchall()
    }
    assert CONTRACT_TABLES <= tables
    assert CONTRACT_VIEWS <= views
    assert CONTRACT_MACROS <= macros
    assert con.execute("select count(*) from runs").fetchone()[0] == 1
    con.close()


def test_the_schema_is_applied_once_per_version(db, monkeypatch):
    """A connection to an up-to-date warehouse applies nothing (a quiet night opened the
    warehouse thousands of times); a warehouse of another version gets the files again."""
    con = connect(db)
    assert applied_fingerprint(con) == fingerprint()
    con.execute("drop view revisions")  # a sentinel: only applying the files brings it back
    con.close()
    con = connect(db)
    views = "select count(*) from duckdb_views() where view_name = 'revisions'"
    assert con.execute(views).fetchone()[0] == 0
    con.close()
    monkeypatch.setattr(migrate, "fingerprint", lambda: "an-edited-sql-file")
    con = connect(db)
    assert con.execute(views).fetchone()[0] == 1
    assert applied_fingerprint(con) == "an-edited-sql-file"
    con.close()


def test_a_held_warehouse_is_one_connection_for_the_run(db):
    """Inside held(), connect() to the same file, read-write or read-only, is a cursor of the
    run's connection: the file is opened once, and closing a cursor keeps it open."""
    with held(db) as run:
        with connect(db) as con:
            start_run(con, "nightly", run_id="r1")
        with connect(db, read_only=True) as reader:  # DuckDB refuses a second, read-only open
            assert reader.execute("select run_id from runs").fetchall() == [("r1",)]
        assert run.execute("select count(*) from runs").fetchone()[0] == 1
        assert warehouse_db._HELD
    assert not warehouse_db._HELD  # released with the run: no connection left open
    with held(db):  # the next run, on a warehouse whose schema is up to date
        with connect(db) as con:
            assert close_stale_runs(con, closed_by="r2") == 1
        with connect(db) as con:  # what finish and publish_copy do: no transaction left open
            con.execute("checkpoint")
    holder = hold_lock(db, seconds=0.1)  # another process can take the file again
    holder.wait(timeout=30)
    assert holder.returncode == 0


def test_a_lock_released_during_the_retries_is_waited_for(db):
    connect(db).close()
    holder = hold_lock(db, seconds=0.6)
    started = time.perf_counter()
    con = connect(db, attempts=8, first_wait_s=0.1)
    assert time.perf_counter() - started > 0.2
    con.close()
    holder.wait()


def test_a_lock_held_too_long_gives_a_clear_error(db):
    connect(db).close()
    holder = hold_lock(db, seconds=30)
    try:
        with pytest.raises(WarehouseLockedError) as error:
            connect(db, read_only=True, attempts=3, first_wait_s=0.05)
        message = str(error.value)
        assert str(db) in message
        assert f"PID {holder.pid}" in message
        assert "published copy" in message
    finally:
        holder.kill()
        holder.wait()


def test_other_io_errors_are_not_retried(tmp_path):
    started = time.perf_counter()
    with pytest.raises(duckdb.Error):
        connect(tmp_path / "missing.duckdb", read_only=True, attempts=5, first_wait_s=1)
    assert time.perf_counter() - started < 1


def test_the_published_copy_is_readable_while_the_writer_holds_the_file(db, tmp_path):
    con = connect(db)
    con.execute("insert into runs (run_id, flow, started_at) values ('r1', 'nightly', now())")
    con.close()
    copy = publish_copy(db)
    assert copy == tmp_path / "published" / "warehouse.duckdb"
    holder = hold_lock(db, seconds=30)
    try:
        assert run_query(copy, "select run_id from runs")["run_id"].tolist() == ["r1"]
        with pytest.raises(WarehouseLockedError):
            connect(db, read_only=True, attempts=2, first_wait_s=0.01)
    finally:
        holder.kill()
        holder.wait()


def test_run_query_is_read_only_and_binds_parameters(db):
    connect(db).close()
    frame = run_query(db, "select ? as answer", [42])
    assert frame["answer"].tolist() == [42]
    with pytest.raises(duckdb.Error, match="read-only"):
        run_query(db, "insert into runs (run_id, flow, started_at) values ('x', 'y', now())")


@pytest.mark.parametrize("name", ["latest.csv", "latest.parquet"])
@pytest.mark.parametrize("relation", ["runs", "select run_id, flow from runs order by run_id"])
def test_export_by_extension(db, tmp_path, name, relation):
    con = connect(db)
    start_run(con, "nightly", run_id="r1", started_at=dt.datetime(2025, 1, 21, 2))
    con.close()
    out = export(db, relation, tmp_path / "out" / name)
    frame = pd.read_csv(out) if name.endswith(".csv") else pd.read_parquet(out)
    assert frame["run_id"].tolist() == ["r1"]


def test_export_refuses_an_unknown_format(db, tmp_path):
    connect(db).close()
    with pytest.raises(ValueError, match="use one of"):
        export(db, "runs", tmp_path / "runs.xlsx")


def test_sources_upsert_updates_the_registry_not_the_fetch_state(db):
    con = connect(db)
    entry = {
        "id": "linzhi-gwr-2024",
        "url": "data/a.txt",
        "kind": "work_report",
        "region": "林芝市",
        "published_on": "2024-01-15",
    }
    upsert_sources(con, [entry])
    con.execute("update sources set etag = 'W/\"1\"'")
    upsert_sources(con, [{**entry, "url": "data/b.txt"}])
    assert con.execute("select url, etag, published_on::varchar from sources").fetchall() == [
        ("data/b.txt", 'W/"1"', "2024-01-15")
    ]
    with pytest.raises(ValueError, match="more than once"):
        upsert_sources(con, [entry, entry])
    con.close()


def test_indicators_upsert_accepts_alias_lists(db):
    con = connect(db)
    catalog = pd.DataFrame(
        {
            "code": ["gdp"],
            "name_zh": ["地区生产总值"],
            "aliases": [["生产总值", "GDP"]],
            "name_en": ["GDP"],
            "unit": ["元"],
            "kind": ["flow"],
            "growth_basis": ["real"],
            "category": ["economy"],
            "headline": [True],
        }
    )
    upsert_indicators(con, catalog)
    upsert_indicators(con, catalog.assign(growth_basis="nominal"))
    assert con.execute("select aliases, growth_basis, headline from indicators").fetchall() == [
        ("生产总值|GDP", "nominal", True)
    ]
    con.close()


def test_quarantine_keeps_the_whole_row_as_json(db):
    con = connect(db)
    rows = pd.DataFrame(
        {
            "reason": ["growth_pct 1003 out of range"],
            "value": [1003.0],
            "indicator_label": ["民航客运吞吐量"],
            "extra_note": ["kept in payload"],
        }
    )
    assert record_quarantine(con, rows, stage="validate", document_id="d1", run_id="r1") == 1
    stage, reason, value, payload = con.execute(
        "select stage, reason, value, payload from quarantine"
    ).fetchone()
    assert (stage, reason, value) == ("validate", "growth_pct 1003 out of range", 1003.0)
    assert json.loads(payload)["extra_note"] == "kept in payload"
    with pytest.raises(ValueError, match="no quarantine column"):
        record_quarantine(con, rows, stag="validate")
    con.close()


def test_runs_start_and_finish(db):
    con = connect(db)
    run_id = start_run(con, "nightly")
    finish_run(con, run_id, status="failed", documents_seen=3, summary="fetch failed")
    row = con.execute(
        "select flow, status, documents_seen, summary, finished_at is not null from runs"
    ).fetchone()
    assert row == ("nightly", "failed", 3, "fetch failed", True)
    with pytest.raises(ValueError, match="no column"):
        finish_run(con, run_id, documents_sen=3)
    with pytest.raises(ValueError, match="no run"):
        finish_run(con, "no-such-run")
    con.close()


def test_a_loaded_document_is_not_downgraded_by_a_later_failure(db):
    con = connect(db)
    document = {"document_id": "d1", "published_on": "2024-01-15", "kind": "work_report"}
    record_document(con, document, status="loaded", figures=3)
    record_document(con, document, status="failed", error="timeout")
    record_document(con, {"document_id": "d2"}, status="failed", error="timeout")
    assert con.execute(
        "select document_id, status, error from documents order by 1"
    ).fetchall() == [("d1", "loaded", None), ("d2", "failed", "timeout")]
    con.close()
