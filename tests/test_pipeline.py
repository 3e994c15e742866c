"""The nightly flow end to end under Prefect's test harness, on a real DuckDB file.

Bad input must get a clear reason and lose nothing: an empty file, a binary file, a text in
GB18030 and a text without figures go through the same run as the bundled report.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "sources" / "linzhi-2024-government-work-report.txt"

# md5 over every stated observation, in key order: equal before and after a rerun.
FINGERPRINT = """
select count(*), md5(string_agg(
    concat_ws('|', indicator_code, indicator_label, region, period, measure, value, status,
              qualifier, document_id, realtime_start, realtime_end),
    ';' order by indicator_code, indicator_label, region, period, measure, status, value,
                 document_id))
from observations
"""


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def _registry(tmp_path: Path, entries: list[tuple[str, str, str]]) -> Path:
    lines = ["sources:"]
    for source_id, name, kind in entries:
        lines += [
            f"  - id: {source_id}",
            f"    url: data/{name}",
            f"    kind: {kind}",
            "    region: 林芝市",
            "    published_on: 2024-01-15",
        ]
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("ZHIBIAO_DATA_DIR", str(data))
    monkeypatch.delenv("ZHIBIAO_WEBHOOK_URL", raising=False)
    return tmp_path, data


def _run(sources: Path, db: Path) -> dict:
    """The summary of a run that ended, even in Failed; a run's own error is raised."""
    return _summary(_run_state(sources, db))


def _run_state(sources: Path, db: Path):
    from zhibiao.flows.nightly import nightly

    return nightly(sources=str(sources), db=str(db), return_state=True)


def _summary(state) -> dict:
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    return result


def test_nightly_loads_the_report_and_a_rerun_changes_nothing(harness, workdir):
    tmp, data = workdir
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(tmp, [("linzhi-gwr-2024", "report.txt", "work_report")])
    db = tmp / "warehouse.duckdb"

    first = _run(sources, db)
    assert first["documents_new"] == 1 and first["documents_failed"] == 0
    assert first["figures_loaded"] >= 130
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute(FINGERPRINT).fetchone()
        gdp = con.execute(
            "select value, status from observations where indicator_code = 'gdp' "
            "and period = '2023' and measure = 'level'"
        ).fetchall()
    assert gdp == [(23_000_000_000.0, "estimate")]

    second = _run(sources, db)
    assert second["documents_unchanged"] == 1 and second["documents_new"] == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(FINGERPRINT).fetchone() == before
        runs = con.execute("select count(*), count(finished_at) from runs").fetchone()
    assert runs == (2, 2)


def test_bad_inputs_are_quarantined_with_a_reason_and_the_rest_loads(harness, workdir):
    tmp, data = workdir
    (data / "empty.txt").write_bytes(b"")
    (data / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (data / "gb18030.txt").write_bytes(
        "林芝市2023年统计公报（synthetic fixture）\n全年地区生产总值231.6亿元，增长9.8%。\n".encode(
            "gb18030"
        )
    )
    (data / "no-figures.txt").write_text("各位代表：现在，我代表市人民政府向大会报告工作。\n")
    (data / "over-100.txt").write_text(  # a rate no release can state: refused, and counted
        "林芝市2023年环境状况（synthetic fixture）\n全年空气质量优良率120%。\n"
    )
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(
        tmp,
        [
            ("empty", "empty.txt", "news"),
            ("binary", "binary.txt", "news"),
            ("gb18030", "gb18030.txt", "statistical_bulletin"),
            ("no-figures", "no-figures.txt", "news"),
            ("over-100", "over-100.txt", "news"),
            ("report", "report.txt", "work_report"),
        ],
    )
    db = tmp / "warehouse.duckdb"
    summary = _run(sources, db)
    by_source = {d["source_id"]: d for d in summary["documents"]}
    assert by_source["over-100"]["figures_quarantined"] == 1
    refused = {r["rule"]: r["figures"] for r in summary["refused_by_reason"]}
    assert refused.get("percent_rate_within_0_100") == 1, summary["refused_by_reason"]
    assert sum(refused.values()) >= summary["figures_quarantined"]

    assert by_source["empty"]["status"] == "quarantined"
    assert "empty" in by_source["empty"]["error"]
    assert by_source["binary"]["status"] == "quarantined"
    assert "binary" in by_source["binary"]["error"]
    assert by_source["gb18030"]["status"] == "new"
    assert by_source["no-figures"]["status"] == "new"
    assert by_source["no-figures"]["figures_loaded"] == 0
    assert by_source["report"]["figures_loaded"] >= 130

    with duckdb.connect(str(db), read_only=True) as con:
        reasons = dict(
            con.execute(
                "select source_id, reason from quarantine where stage = 'decode'"
            ).fetchall()
        )
        gb = con.execute(
            "select value from observations o join documents d using (document_id) "
            "where d.source_id = 'gb18030' and o.indicator_code = 'gdp' and o.measure = 'level'"
        ).fetchall()
        bad_rows = con.execute(
            "select count(*) from observations o join documents d using (document_id) "
            "where d.source_id in ('empty', 'binary')"
        ).fetchone()[0]
    assert set(reasons) == {"empty", "binary"}
    assert gb == [(23_160_000_000.0,)]
    assert bad_rows == 0


def test_one_documents_unexpected_error_does_not_stop_the_run(harness, workdir, monkeypatch):
    """Issue 16: a document that raises where no step expected it fails alone, with the step
    and the error in one line; the sources after it still load and the run is closed."""
    from zhibiao.flows import worker

    tmp, data = workdir
    # Every label unmapped and full of quotes: this once broke validation with a TypeError.
    (data / "quotes.txt").write_text(
        "林芝市'; DROP TABLE observations; --地区生产总值230亿元，增长9.5%。\n"
        'O\'Brien县"旅游"收入12亿元，增长8%。\n',
        encoding="utf-8",
    )
    (data / "boom.txt").write_text(
        "全年地区生产总值231.6亿元，增长9.8%。（爆）\n", encoding="utf-8"
    )
    shutil.copy(REPORT, data / "report.txt")
    real_read = worker.read.read_document

    def read_or_fail(raw, hints, limits):
        if "（爆）".encode() in raw:  # a fault injected into one document's reading
            raise RuntimeError("injected fault\nsecond line")
        return real_read(raw, hints, limits)

    # the reading of a run's new documents (flows/worker.py, in the flow's process here)
    monkeypatch.setattr(worker.read, "read_document", read_or_fail)
    sources = _registry(
        tmp,
        [
            ("quotes", "quotes.txt", "news"),
            ("boom", "boom.txt", "news"),
            ("report", "report.txt", "work_report"),
        ],
    )
    db = tmp / "warehouse.duckdb"
    summary = _run(sources, db)
    by_source = {d["source_id"]: d for d in summary["documents"]}

    assert by_source["quotes"]["status"] == "new" and by_source["quotes"]["figures_loaded"] == 4
    assert by_source["boom"]["status"] == "failed"
    assert by_source["boom"]["stage"] == "read"
    assert by_source["boom"]["error"] == (
        "unexpected error in read: RuntimeError: injected fault second line"
    )
    assert by_source["report"]["figures_loaded"] >= 130
    with duckdb.connect(str(db), read_only=True) as con:
        reason = con.execute(
            "select reason from quarantine where source_id = 'boom' and stage = 'read'"
        ).fetchall()
        documents = con.execute(
            "select status from documents d where d.source_id = 'boom'"
        ).fetchall()
        runs = con.execute("select status, finished_at is not null from runs").fetchall()
    assert reason == [(by_source["boom"]["error"],)]
    assert documents == [("quarantined",)]
    assert runs == [("completed_with_failures", True)]


def test_documents_past_the_limits_or_at_the_edges_of_numbers_end_in_quarantine(harness, workdir):
    """Issue 16.5, 16.6 and the limits, in one run beside the report (synthetic fixtures):
    one 2.9 MB line of 80,000 figures is quarantined naming the cap, in seconds; a page of
    10,000 nested divs loads its sentence; 1e308亿元 is quarantined as out of range, a
    finite huge value as implausible, and 下降0% is stored as 0.0, not -0.0."""
    import math
    import time

    tmp, data = workdir
    line = "2023年林芝市经济运行情况：" + "全市地区生产总值增长8.5%，" * 80_000
    (data / "dump.txt").write_text(line, encoding="utf-8")
    sentence = "2023年全市地区生产总值达到230亿元，比上年增长9.5%。"
    (data / "deep.html").write_text(
        "<html><head><title>林芝市统计公报（synthetic fixture）</title></head><body>"
        + "<div>" * 10_000 + f"<p>{sentence}</p>" + "</div>" * 10_000 + "</body></html>",
        encoding="utf-8",
    )  # fmt: skip
    (data / "edges.txt").write_text(
        "林芝市2023年经济运行情况（synthetic fixture）\n"
        "全年地区生产总值99999999999999999999元，增长9.8%。全年固定资产投资1e308亿元。\n"
        "全年社会消费品零售总额60.5亿元，增长16%。全年居民消费价格比上年下降0%。\n",
        encoding="utf-8",
    )
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(
        tmp,
        [
            ("dump", "dump.txt", "news"),
            ("deep", "deep.html", "statistical_bulletin"),
            ("edges", "edges.txt", "statistical_bulletin"),
            ("report", "report.txt", "work_report"),
        ],
    )
    db = tmp / "warehouse.duckdb"
    started = time.monotonic()
    summary = _run(sources, db)
    elapsed = time.monotonic() - started
    by_source = {d["source_id"]: d for d in summary["documents"]}

    dump = by_source["dump"]
    assert (dump["status"], dump["stage"]) == ("quarantined", "extract")
    assert "more than 20,000 figures" in dump["error"] and "ZHIBIAO_MAX_FIGURES" in dump["error"]
    assert elapsed < 90, f"the run took {elapsed:.0f} s"  # it was minutes for the dump alone
    assert by_source["deep"]["status"] == "new" and by_source["deep"]["figures_loaded"] == 2
    assert by_source["report"]["figures_loaded"] >= 130
    with duckdb.connect(str(db), read_only=True) as con:
        documents = dict(con.execute("select source_id, status from documents").fetchall())
        dump_reason = con.execute(
            "select reason from quarantine where source_id = 'dump' and stage = 'extract'"
        ).fetchall()
        edges = con.execute(
            "select q.indicator_label, q.reason from quarantine q "
            "join documents d using (document_id) where d.source_id = 'edges'"
        ).fetchall()
        zero = con.execute(
            "select o.value from observations o join documents d using (document_id) "
            "where d.source_id = 'edges' and o.indicator_code = 'cpi'"
        ).fetchall()
    assert documents["dump"] == "quarantined" and documents["report"] == "loaded"
    assert len(dump_reason) == 1 and "ZHIBIAO_MAX_FIGURES" in dump_reason[0][0]
    reasons = {label: reason for label, reason in edges}
    assert "value out of range: 1e308 亿元" in reasons["固定资产投资"], reasons
    assert "plausible range" in reasons["地区生产总值"], reasons
    assert not any("not a finite" in r for r in reasons.values()), reasons
    assert len(zero) == 1 and math.copysign(1.0, zero[0][0]) == 1.0, zero


def test_a_document_past_its_deadline_is_quarantined_naming_it(harness, workdir, monkeypatch):
    tmp, data = workdir
    monkeypatch.setenv("ZHIBIAO_DOCUMENT_TIMEOUT", "0.001")
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(tmp, [("report", "report.txt", "work_report")])
    db = tmp / "warehouse.duckdb"
    summary = _run(sources, db)
    (report,) = summary["documents"]
    assert (report["status"], report["stage"]) == ("quarantined", "extract")
    assert "more than 0.001 s to decode and extract" in report["error"]
    assert "ZHIBIAO_DOCUMENT_TIMEOUT" in report["error"]
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select count(*) from observations").fetchone()[0]
        error = con.execute("select error from documents").fetchone()[0]
    assert rows == 0 and "ZHIBIAO_DOCUMENT_TIMEOUT" in error


def _runs(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select run_id, status, finished_at is not null, summary from runs order by started_at"
        ).fetchall()


def test_a_run_left_running_is_closed_as_crashed_by_the_next(harness, workdir):
    """Issue 16: a run killed mid-way leaves its row `running`; the next run, holding the run
    lock, knows no live process owns it and closes it as crashed."""
    from zhibiao.warehouse import db as warehouse
    from zhibiao.warehouse import load

    tmp, data = workdir
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(tmp, [("report", "report.txt", "work_report")])
    db = tmp / "warehouse.duckdb"
    with warehouse.connect(db) as con:  # the row a SIGKILLed run leaves behind
        load.start_run(con, "nightly", run_id="killed-run")

    summary = _run(sources, db)

    rows = {run_id: rest for run_id, *rest in _runs(db)}
    assert rows["killed-run"][:2] == ["crashed", True]
    assert rows["killed-run"][2].endswith(f"found by run {summary['run_id']}")
    assert rows[summary["run_id"]][:2] == ["completed", True]


def test_a_second_run_on_a_busy_warehouse_stops_and_changes_nothing(harness, workdir):
    from zhibiao.warehouse import db as warehouse

    tmp, data = workdir
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(tmp, [("report", "report.txt", "work_report")])
    db = tmp / "warehouse.duckdb"
    with warehouse.run_lock(db), pytest.raises(warehouse.WarehouseBusyError) as info:
        _run(sources, db)
    assert str(info.value) == (
        f"warehouse busy: pid {os.getpid()} (since {_lock_stamp(db)}) holds {db}; "
        "this run stops, nothing changed"
    )
    assert not db.exists()
    assert _run(sources, db)["documents_new"] == 1  # the lock went with its holder


def _lock_stamp(db: Path) -> str:
    from zhibiao.warehouse.db import run_lock_path

    return run_lock_path(db).read_text().split("since ")[1].rstrip(")")


def test_a_run_that_fails_as_a_whole_says_so_in_its_row(harness, workdir, monkeypatch):
    """Issue 16: an error outside any document (here the alert pass) ends the flow run, and
    the runs row is closed as failed with the error in one line, not left running."""
    from zhibiao.flows import summary as run_summary

    def broken_alerts(settings):
        raise RuntimeError("alert pass broke\nsecond line")

    monkeypatch.setattr(run_summary, "_alerts", broken_alerts)
    tmp, data = workdir
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(tmp, [("report", "report.txt", "work_report")])
    db = tmp / "warehouse.duckdb"
    with pytest.raises(RuntimeError, match="alert pass broke"):
        _run(sources, db)
    [(_, status, closed, why)] = _runs(db)
    assert (status, closed, why) == ("failed", True, "RuntimeError: alert pass broke second line")


def test_backfill_reextract_rereads_snapshots_without_fetching(harness, workdir, monkeypatch):
    from zhibiao.flows import steps
    from zhibiao.flows.backfill import backfill

    tmp, data = workdir
    shutil.copy(REPORT, data / "report.txt")
    sources = _registry(tmp, [("linzhi-gwr-2024", "report.txt", "work_report")])
    db = tmp / "warehouse.duckdb"
    first = _run(sources, db)
    (data / "report.txt").unlink()  # a fetch would fail now: re-extraction must not fetch

    monkeypatch.setattr(steps, "EXTRACTOR_VERSION", "next")
    summary = backfill(sources=str(sources), db=str(db), reextract=True)
    assert [d["status"] for d in summary["documents"]] == ["reextracted"]
    with duckdb.connect(str(db), read_only=True) as con:
        versions = con.execute(
            "select extractor_version, count(*) from observations "
            "where status <> 'derived' group by 1"
        ).fetchall()
        documents = con.execute("select status, extractor_version from documents").fetchall()
    assert versions == [("next", first["figures_loaded"])]
    assert documents == [("loaded", "next")]


def _readme_queries() -> list[tuple[str, str]]:
    """The `$ zhibiao query "…"` examples of the README with the output shown under each."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n\$ zhibiao query \"(.+?)\"\n(.*?)```", text, re.S)
    return [(sql, output) for sql, output in blocks]


def test_readme_examples_show_what_make_run_produces(harness, workdir):
    """The README's three queries, run on a warehouse built like `make run` builds it."""
    import subprocess
    import sys

    tmp, data = workdir
    (data / "sources").mkdir()
    shutil.copy(REPORT, data / "sources" / REPORT.name)
    registry = (ROOT / "sources.yaml").read_text(encoding="utf-8")
    (tmp / "sources.yaml").write_text(registry, encoding="utf-8")
    db = tmp / "warehouse.duckdb"
    _run(tmp / "sources.yaml", db)
    examples = _readme_queries()
    assert len(examples) == 3
    zhibiao = Path(sys.executable).parent / "zhibiao"
    for sql, shown in examples:
        printed = subprocess.run(
            [str(zhibiao), "query", sql, "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        assert printed.strip() == shown.strip(), f"README output of {sql!r} is stale"


SMALL = "林芝市2023年统计公报（synthetic fixture）\n全年地区生产总值231.6亿元，增长9.8%。\n"


def _artifacts(flow_run_id) -> dict:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {a.key: a for a in found}


def test_failed_sources_end_the_run_not_clean_and_say_which_and_why(harness, workdir, monkeypatch):
    """Issue 15: one failed source of two: a Completed named for its failures, the source and
    its reason one line each in the runs row and the artifact, the Data Docs as a link that
    opens and the database named; past ZHIBIAO_MAX_FAILED_SHARE the run is Failed."""
    import functools
    import http.server
    import threading
    import urllib.request

    from tests.conftest import free_port

    tmp, data = workdir
    (data / "empty.txt").write_bytes(b"")
    (data / "small.txt").write_text(SMALL, encoding="utf-8")
    sources = _registry(tmp, [("empty", "empty.txt", "news"), ("small", "small.txt", "news")])
    site = data / "gx" / "uncommitted" / "data_docs" / "local_site"
    site.mkdir(parents=True)
    port = free_port()
    monkeypatch.setenv("ZHIBIAO_DOCS_URL", f"http://127.0.0.1:{port}/")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    db = tmp / "warehouse.duckdb"
    try:
        state = _run_state(sources, db)
        artifacts = _artifacts(state.state_details.flow_run_id)
        link = f"http://127.0.0.1:{port}/index.html"
        with urllib.request.urlopen(link, timeout=10) as page:
            opened = page.status, b"<html" in page.read(4096).lower()
    finally:
        server.shutdown()
        server.server_close()

    assert (state.type.value, state.name) == ("COMPLETED", "Completed with failures")
    assert state.message == "1 of 2 source(s) failed: empty"
    [(_, status, _, text)] = _runs(db)
    assert status == "completed_with_failures"
    [line] = [x for x in text.splitlines() if x.startswith("- ")]
    assert line.startswith("- empty: quarantined at decode: ") and "empty" in line[32:], line
    summary, docs = artifacts["zhibiao-nightly"], artifacts["zhibiao-nightly-data-docs"]
    assert line in summary.data and str(db) in summary.data
    assert link in docs.data and str(db) in docs.description
    assert opened == (200, True)

    monkeypatch.setenv("ZHIBIAO_MAX_FAILED_SHARE", "0.4")  # 1 of 2 is more than 40 %
    second = tmp / "second.duckdb"
    state = _run_state(sources, second)
    assert state.type.value == "FAILED" and state.message == "1 of 2 source(s) failed: empty"
    assert _summary(state)["documents_failed"] == 1
    assert [row[1] for row in _runs(second)] == ["failed"]


def test_a_run_that_fails_as_a_whole_is_sent_to_the_webhook(harness, workdir, monkeypatch):
    """Issue 15: a missing sources.yaml fails the flow run, closes its runs row with the
    reason and posts it to the alerts' webhook."""
    from tests.test_alerts_notify import receiver, url

    tmp, _ = workdir
    db = tmp / "warehouse.duckdb"
    with receiver() as srv:
        monkeypatch.setenv("ZHIBIAO_WEBHOOK_URL", url(srv))
        state = _run_state(tmp / "missing.yaml", db)
    assert state.is_failed()
    [(run_id, status, closed, why)] = _runs(db)
    assert (status, closed) == ("failed", True) and "missing.yaml" in why
    [(_, body)] = srv.posts
    assert body["zhibiao"]["rule"] == "run_failed" and body["zhibiao"]["severity"] == "critical"
    assert run_id in body["text"] and "missing.yaml" in body["text"]


def test_an_undelivered_alert_is_a_warning_in_the_run_log_and_summary(
    harness, workdir, monkeypatch
):
    """Issue 15: a webhook that is down shows in `prefect flow-run logs` and in the summary,
    with the count of alerts left pending."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    from tests.conftest import free_port
    from tests.test_anomalies import alert_db, load_fixture

    tmp, data = workdir
    (data / "small.txt").write_text(SMALL, encoding="utf-8")
    sources = _registry(tmp, [("small", "small.txt", "news")])
    with alert_db(tmp / "warehouse.duckdb") as con:  # a missed target: this run alerts
        load_fixture(con, "target_missed")
    monkeypatch.setenv("ZHIBIAO_WEBHOOK_URL", f"http://127.0.0.1:{free_port()}/hook")
    state = _run_state(sources, tmp / "warehouse.duckdb")
    summary = _summary(state)
    assert summary["alerts_raised"] >= 1 and summary["notifications_failed"] >= 1, summary
    [warning] = summary["warnings"]
    assert "unreachable" in warning
    assert f"; {summary['alerts_pending']} alert(s) pending" in warning
    assert f"Warning: {warning}" in _runs(tmp / "warehouse.duckdb")[0][3]
    APILogWorker.drain_all(timeout=10)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])
            )
        )
    assert any(log.level == 30 and warning in log.message for log in logs), logs
