"""Listing and folder entries through the nightly flow, on a real DuckDB file (and, for
listings, a real HTTP server on 127.0.0.1 that behaves like a government CMS)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from tests import test_pipeline as pipeline

# The pipeline tests' fixtures: a Prefect test harness, a data directory under tmp_path.
harness, workdir, _run = pipeline.harness, pipeline.workdir, pipeline._run

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"

QUARTER = (
    "林芝市2024年一季度经济运行情况（synthetic fixture）\n"
    "一季度，全市地区生产总值完成50.2亿元，同比增长6.1%。\n"
)


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_folder_loads_each_new_file_once_with_kind_period_and_date_from_its_name(
    harness, workdir
):
    tmp, data = workdir
    inbox = data / "inbox"
    inbox.mkdir()
    shutil.copy(REPORT, inbox / "report.txt")  # named by its own entry: stays that entry's
    (inbox / "2024-04-29 林芝市2024年一季度经济运行情况.txt").write_text(QUARTER, encoding="utf-8")
    (inbox / "copy of the same release.txt").write_text(QUARTER, encoding="utf-8")
    (inbox / ".draft.txt").write_text(QUARTER + "草稿", encoding="utf-8")  # hidden: skipped
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {id: linzhi-gwr-2024, url: data/inbox/report.txt, kind: work_report,"
        " region: 林芝市, published_on: 2024-01-15}\n"
        "  - id: inbox\n    url: data/inbox/\n    region: 林芝市\n"
        '    discover: {files: "*.txt"}\n',
        encoding="utf-8",
    )
    db = tmp / "w.duckdb"

    first = _run(sources, db)
    statuses = sorted((d["source_id"], d["status"]) for d in first["documents"])
    assert statuses == [("inbox", "new"), ("inbox", "unchanged"), ("linzhi-gwr-2024", "new")]
    documents = _rows(
        db,
        "select source_id, kind, published_on::varchar from documents order by source_id",
    )
    assert documents == [
        ("inbox", "quarterly_release", "2024-04-29"),
        ("linzhi-gwr-2024", "work_report", "2024-01-15"),
    ]
    gdp = _rows(
        db,
        "select period, value from observations o join documents d using (document_id) "
        "where d.source_id = 'inbox' and indicator_code = 'gdp' and measure = 'level'",
    )
    assert gdp == [("2024Q1", 5_020_000_000.0)]
    found = _rows(db, "select title, kind, period, status from discovered_links order by title")
    assert found == [
        ("2024-04-29 林芝市2024年一季度经济运行情况", "quarterly_release", "2024Q1", "loaded"),
        ("copy of the same release", "news", None, "unchanged"),
    ]

    second = _run(sources, db)
    assert second["documents_new"] == 0 and second["documents_failed"] == 0
    assert _rows(db, "select count(*) from documents") == [(2,)]


def test_a_folder_outside_the_data_directory_fails_that_entry_alone(harness, workdir, tmp_path):
    tmp, data = workdir
    outside = tmp / "elsewhere"
    outside.mkdir()
    (data / "one.txt").write_text(QUARTER, encoding="utf-8")
    sources = tmp / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {id: outside, url: elsewhere/, region: 林芝市, discover: {files: '*'}}\n"
        "  - {id: missing, url: data/nowhere/, region: 林芝市, discover: {files: '*'}}\n"
        "  - {id: one, url: data/one.txt, kind: quarterly_release, region: 林芝市}\n",
        encoding="utf-8",
    )
    db = tmp / "w.duckdb"
    summary = _run(sources, db)
    by_source = {d["source_id"]: d for d in summary["documents"]}
    assert by_source["one"]["status"] == "new"
    assert by_source["outside"]["status"] == "failed"
    assert "outside the data directory" in by_source["outside"]["error"]
    assert by_source["missing"]["status"] == "failed"
    state = _rows(db, "select source_id, last_status from sources order by source_id")
    assert state == [("missing", "failed"), ("one", "new"), ("outside", "failed")]
    reasons = _rows(db, "select source_id, stage from quarantine order by source_id")
    assert reasons == [("missing", "fetch"), ("outside", "fetch")]
