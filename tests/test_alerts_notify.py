"""Alerts reach a person once: a real DuckDB file, a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from tests.test_anomalies import (
    EXPECTED,
    NOW,
    alert_db,
    catalog,
    insert_staged,
    load_fixture,
)
from zhibiao import notify
from zhibiao.settings import Settings
from zhibiao.warehouse import alerts
from zhibiao.warehouse.records import upsert_regions


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = self.server.script.pop(0) if self.server.script else 200
        self.server.posts.append((status, body))
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


@contextmanager
def receiver(port: int = 0, script: tuple[int, ...] = ()) -> Iterator[ThreadingHTTPServer]:
    """A webhook receiver that answers `script` statuses in turn, then 200, and keeps the posts."""
    srv = ThreadingHTTPServer(("127.0.0.1", port), _Receiver)
    srv.posts, srv.script = [], list(script)
    thread = threading.Thread(target=srv.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()


def url(srv_or_port) -> str:
    port = getattr(srv_or_port, "server_port", srv_or_port)
    return f"http://127.0.0.1:{port}/hook"


def delivered(srv) -> list[str]:
    return [body["zhibiao"]["alert_id"] for status, body in srv.posts if status == 200]


def night(con: duckdb.DuckDBPyConnection, hook: str | None, day: int) -> tuple:
    """One nightly detect + notify, as the flow runs it, `day` days after NOW."""
    new = alerts.detect_and_record(con, catalog(), NOW + timedelta(days=day))
    sent, failed = notify.deliver_pending(con, Settings(webhook_url=hook), backoff_s=0.01)
    return new, sent, failed


@pytest.fixture(autouse=True)
def _no_channel_from_env(monkeypatch):
    monkeypatch.delenv(notify.WEBHOOK_ENV, raising=False)
    monkeypatch.delenv(notify.BLOCK_ENV, raising=False)


@pytest.fixture
def con(tmp_path):
    con = alert_db(tmp_path / "warehouse.duckdb")
    yield con
    con.close()


def test_two_runs_send_each_alert_exactly_once(con):
    load_fixture(con, "target_missed")
    with receiver() as srv:
        new, sent, failed = night(con, url(srv), 0)
        again, sent2, _ = night(con, url(srv), 1)
    assert (len(new), sent, failed) == (4, 4, 0)
    assert again.empty and sent2 == 0
    assert sorted(delivered(srv)) == sorted(new["alert_id"]) and len(srv.posts) == 4
    sent_rows = alerts.open_alerts(con)
    assert sent_rows["notified_at"].notna().all() and (sent_rows["notify_attempts"] == 1).all()
    # the second night loaded nothing: it read no series again, so they were last seen at 0
    assert (sent_rows["last_seen_at"] == NOW).all()
    log = con.execute("select full_scan, scope_pairs from detections order by detected_at")
    assert log.fetchall() == [(True, None), (False, 0)]


# The documents of the target_missed fixture, as the warehouse keeps them after a fetch.
DOCUMENTS = """
insert into documents (document_id, source_id, url, final_url, title, published_on, status)
values ('doc-gwr-2024', 'gwr', 'https://example.invalid/2024', null, '林芝市2024年政府工作报告',
        '2024-01-15', 'loaded'),
       ('doc-gwr-2025', 'gwr', 'https://example.invalid/2025', 'https://example.invalid/2025.html',
        '林芝市2025年政府工作报告', '2025-01-20', 'loaded')"""


def _described(con) -> None:
    """The catalog, the region codes and the documents the alerts name, as a run leaves them."""
    con.register("cat", catalog().rename(columns={"code": "indicator_code"}))
    con.execute("insert into indicators by name select * from cat")
    upsert_regions(con)
    con.execute(DOCUMENTS)


def test_slack_gets_blocks_only_headed_in_words_with_the_document(con):
    load_fixture(con, "target_missed")
    _described(con)
    with receiver() as srv:
        night(con, url(srv), 0)
    (body,) = [b for _, b in srv.posts if b["zhibiao"]["indicator_code"] == "retail_sales"]
    assert set(body) == {"text", "blocks", "zhibiao"}  # no legacy attachments
    header = body["blocks"][0]
    assert header["type"] == "header" and header["text"]["text"] == (
        "目标未完成 · 社会消费品零售总额 · 林芝市2024年 / "
        "Target missed · Retail sales of consumer goods · 林芝市 2024"
    )
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    assert "*warning* · Nyingchi (540400) · alert" in shown
    assert "<https://example.invalid/2025.html|林芝市2025年政府工作报告> · 2025-01-20" in shown
    assert "社会消费品零售总额增速目标为12%以上，实际为11%，未完成目标，差1.00个百分点" in shown
    assert "请核对" in shown and "Check: Check that the actual measures" in shown
    assert "> 社会消费品零售总额增长11%。" in shown  # the evidence, quoted
    assert f"zhibiao alerts close {body['zhibiao']['alert_id']}" in shown
    for field in (
        "林芝市2025年政府工作报告",
        "target was at least 12%",
        "社会消费品零售总额增长12%以上。",
    ):
        assert shown.count(field) == 1, field  # each field once
    assert body["text"].startswith("[warning] 目标未完成 · 社会消费品零售总额")


def test_the_generic_webhook_carries_the_structured_alert(con):
    load_fixture(con, "target_missed")
    _described(con)
    with receiver() as srv:
        night(con, url(srv), 0)
    (alert,) = [b["zhibiao"] for _, b in srv.posts if b["zhibiao"]["indicator_code"] == "cpi"]
    assert alert["rule"] == "target_missed" and alert["severity"] == "info"
    assert alert["heading_en"] == "Target missed · Consumer price inflation · 林芝市 2024"
    assert (alert["indicator_name_zh"], alert["indicator_name_en"]) == (
        "居民消费价格涨幅",
        "Consumer price inflation",
    )
    assert (alert["region_code"], alert["region_name_en"]) == ("540400", "Nyingchi")
    assert alert["documents"] == [
        {
            "document_id": "doc-gwr-2025",
            "title": "林芝市2025年政府工作报告",
            "published_on": "2025-01-20",
            "url": "https://example.invalid/2025.html",
        },
        {
            "document_id": "doc-gwr-2024",
            "title": "林芝市2024年政府工作报告",
            "published_on": "2024-01-15",
            "url": "https://example.invalid/2024",
        },
    ]
    assert alert["document_ids"] == ["doc-gwr-2025", "doc-gwr-2024"]  # the actual's first
    assert alert["details"]["values"] == {
        "target": 3.0,
        "target_high": None,
        "qualifier": "le",
        "actual": 3.4,
    }
    assert len(alert["fingerprint"]) == 64 and alert["opened_at"].startswith("2025-06-01")


# Slack's Block Kit limits (api.slack.com/reference/block-kit/blocks, .../composition-objects),
# written here from Slack's documentation rather than read from notify.py, so a wrong
# constant there fails.
SLACK_MAX_BLOCKS = 50
SLACK_HEADER_TEXT = 150
SLACK_SECTION_TEXT = 3000
SLACK_CONTEXT_ELEMENTS = 10
SLACK_FIELDS = 10
SLACK_FIELD_TEXT = 2000


def block_kit_problems(payload: dict) -> list[str]:
    """Every way a payload breaks Slack's limits; Slack refuses such a payload whole."""
    blocks = payload["blocks"]
    problems = [f"{len(blocks)} blocks"] if len(blocks) > SLACK_MAX_BLOCKS else []
    for i, b in enumerate(blocks):
        if b["type"] == "header":
            ok = b["text"]["type"] == "plain_text" and len(b["text"]["text"]) <= SLACK_HEADER_TEXT
            problems += [] if ok else [f"block {i}: header text {len(b['text']['text'])}"]
        elif b["type"] == "section":
            if "text" in b and not 1 <= len(b["text"]["text"]) <= SLACK_SECTION_TEXT:
                problems.append(f"block {i}: section text {len(b['text']['text'])}")
            fields = b.get("fields", [])
            if len(fields) > SLACK_FIELDS or any(len(f["text"]) > SLACK_FIELD_TEXT for f in fields):
                problems.append(f"block {i}: fields")
        elif b["type"] == "context":
            els = b["elements"]
            if not 1 <= len(els) <= SLACK_CONTEXT_ELEMENTS:
                problems.append(f"block {i}: {len(els)} context elements")
            problems += [
                f"block {i}: element text" for e in els if len(e["text"]) > SLACK_SECTION_TEXT
            ]
        else:
            problems.append(f"block {i}: type {b['type']}")
    return problems


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_every_alert_fits_block_kit(con, fixture):
    load_fixture(con, fixture)
    alerts.detect_and_record(con, catalog(), NOW)
    rows = alerts.pending_notifications(con).to_dict("records")
    assert rows
    for a in rows:
        assert block_kit_problems(notify.slack_payload(a)) == [], a["alert_id"]


def test_a_huge_alert_is_clipped_to_fit_block_kit():
    """Long evidence, a long heading, twelve documents: clipped, never refused by Slack."""
    a = {
        "alert_id": "0123456789abcdef",
        "fingerprint": "0123456789abcdef" * 4,
        "rule": "validation_failed",
        "severity": "warning",
        "heading_zh": "校验未通过 · " + "很长的标题" * 40,
        "heading_en": "Validation failed · " + "a long title " * 20,
        "message_zh": "数字" * 2000,
        "message_en": "figures " * 600,
        "evidence": "\n".join(["城镇居民人均可支配收入<47125>元 & 增长8.5%。" * 3] * 200),
        "documents": [
            {"document_id": f"d{i}", "title": "文" * 3000, "url": "https://x.invalid/"}
            for i in range(12)
        ],
    }
    payload = notify.slack_payload(a)
    assert block_kit_problems(payload) == []
    assert "&lt;47125&gt;元 &amp;" in json.dumps(payload, ensure_ascii=False)  # mrkdwn escaped
    assert payload["blocks"][0]["text"]["text"].endswith("…")
    assert block_kit_problems(
        {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]}
    )


def test_receiver_down_then_up_delivers_once_on_the_next_run(con):
    load_fixture(con, "source_failed")
    with receiver() as srv:
        port = srv.server_port  # a port that was just free, closed again below
    new, sent, failed = night(con, url(port), 0)
    assert (len(new), sent, failed) == (1, 0, 1)
    (row,) = alerts.pending_notifications(con).to_dict("records")
    assert "unreachable" in row["notify_error"] and row["notify_attempts"] == 1
    with receiver(port) as srv:
        _, sent, failed = night(con, url(port), 1)
        _, sent3, _ = night(con, url(port), 2)
    assert (sent, failed, sent3) == (1, 0, 0)
    assert delivered(srv) == list(new["alert_id"])
    assert alerts.pending_notifications(con).empty


def test_transient_http_error_is_retried_within_the_run(con):
    load_fixture(con, "source_failed")
    with receiver(script=(503,)) as srv:
        _, sent, failed = night(con, url(srv), 0)
    assert (sent, failed) == (1, 0)
    assert [status for status, _ in srv.posts] == [503, 200]


def test_refused_payload_stays_pending_without_retry(con):
    load_fixture(con, "source_failed")
    with receiver(script=(400,)) as srv:
        _, sent, failed = night(con, url(srv), 0)
    assert (sent, failed, len(srv.posts)) == (0, 1, 1)
    (row,) = alerts.pending_notifications(con).to_dict("records")
    assert "HTTP 400" in row["notify_error"]


def test_changed_anomaly_notifies_again_and_the_old_one_closes(con):
    load_fixture(con, "large_revision")
    with receiver() as srv:
        first, sent, _ = night(con, url(srv), 0)
        # A later bulletin revises GDP 2023 again: 236 -> 250亿元 is a new anomaly.
        con.execute(
            "insert into fx_observations values ('gdp', '林芝市', '2023', 'level', 25000000000, "
            "null, '元', 'actual', 'eq', 'doc-yearbook-2024', '2025-05-01', '地区生产总值250亿元。')"
        )
        insert_staged(con)
        second, sent2, _ = night(con, url(srv), 1)
    assert (len(first), sent, len(second), sent2) == (4, 4, 1, 1)
    assert "236亿元" in second["message_zh"][0] and "250亿元" in second["message_zh"][0]
    old = first.query("indicator_code == 'gdp' and measure == 'level'")["alert_id"].item()
    row = con.execute("select status, closed_at from alerts where alert_id = ?", [old]).fetchall()
    assert row == [("closed", NOW + timedelta(days=1))]
    assert delivered(srv).count(second["alert_id"][0]) == 1 and len(delivered(srv)) == 5


def test_resolved_alert_closes_and_a_recurrence_reopens(con):
    load_fixture(con, "source_failed")
    with receiver() as srv:
        first, _, _ = night(con, url(srv), 0)
        con.execute("update sources set last_status = 'new' where source_id = 'linzhi-monthly'")
        resolved, sent, _ = night(con, url(srv), 1)
        (row,) = alerts.open_alerts(con).to_dict("records") or [None]
        con.execute("update sources set last_status = 'failed' where source_id = 'linzhi-monthly'")
        back, sent3, _ = night(con, url(srv), 2)
    assert row is None and resolved.empty and sent == 0
    assert list(back["alert_id"]) == list(first["alert_id"]) and sent3 == 1
    assert delivered(srv) == list(first["alert_id"]) * 2


def test_no_channel_keeps_alerts_pending(con):
    load_fixture(con, "document_rejected")
    assert night(con, None, 0)[1:] == (0, 0)
    assert len(alerts.pending_notifications(con)) == 1


def test_mark_notified_counts_attempts_and_clears_on_success(con):
    load_fixture(con, "document_rejected")
    (alert_id,) = alerts.detect_and_record(con, catalog(), NOW)["alert_id"]
    alerts.mark_notified(con, [alert_id], error="HTTP 502")
    alerts.mark_notified(con, [alert_id])
    (row,) = alerts.open_alerts(con).to_dict("records")
    assert row["notify_attempts"] == 2 and row["notify_error"] is None
    assert alerts.pending_notifications(con).empty


BLOCK_HINT = "set ZHIBIAO_PREFECT_BLOCK to '<block-type-slug>/<block-name>'"


@pytest.mark.parametrize("name", [None, "", "zhibiao-alerts"])
def test_block_without_a_usable_name_is_a_clear_error(name):
    with pytest.raises(notify.NotifyError) as exc:
        notify.load_block(name)
    assert BLOCK_HINT in str(exc.value) and "slack-webhook/" in str(exc.value)


def test_block_that_does_not_load_keeps_alerts_pending_with_the_reason(con, monkeypatch):
    load_fixture(con, "document_rejected")
    monkeypatch.setenv(notify.BLOCK_ENV, "no-slash")
    alerts.detect_and_record(con, catalog(), NOW)
    assert notify.deliver_pending(con, Settings(webhook_url=None)) == (0, 1)
    (row,) = alerts.pending_notifications(con).to_dict("records")
    assert "'no-slash'" in row["notify_error"] and BLOCK_HINT in row["notify_error"]


SECRET = "/services/T0001/B0002/XyZsecretToken42?key=alsoSecret"


def test_the_webhook_secret_is_never_stored_or_logged(con, caplog):
    """A webhook's path and query are its credential: the alerts table (which the run summary
    and `zhibiao alerts` show) and the log name the host only (issue 16, security)."""
    load_fixture(con, "source_failed")
    with receiver() as srv:
        port = srv.server_port
    hook = f"http://127.0.0.1:{port}{SECRET}"
    with caplog.at_level("DEBUG"):
        night(con, hook, 0)  # down: the error is stored and logged
    with receiver(port, script=(403,)) as srv:
        night(con, hook, 1)  # refused: the receiver's answer is stored too
    errors = " ".join(str(e) for e in con.sql("select notify_error from alerts").fetchall())
    assert f"http://127.0.0.1:{port}/…" in errors and "HTTP 403" in errors
    for secret in ("XyZsecretToken42", "alsoSecret", "T0001"):
        assert secret not in errors and secret not in caplog.text


# ---- A person's decision ------------------------------------------------------------------

RETAIL_REVISED = (
    "insert into fx_observations values ('retail_sales', '林芝市', '2024', 'growth_pct', 10.5, "
    "null, '%', 'actual', 'eq', 'doc-bulletin-2024', '2025-04-25', '社会消费品零售总额增长10.5%。')"
)


def test_a_closed_alert_does_not_come_back_for_the_same_facts(con):
    load_fixture(con, "target_missed")
    with receiver() as srv:
        first, sent, _ = night(con, url(srv), 0)
        retail = first.query("indicator_code == 'retail_sales'")["alert_id"].item()
        row = alerts.close(con, retail[:8], "known: the 2024 plan was revised mid-year", "analyst")
        second, sent2, _ = night(con, url(srv), 1)  # the same facts again
        con.execute(RETAIL_REVISED)  # new facts: the bulletin revises the actual
        insert_staged(con)
        third, sent3, _ = night(con, url(srv), 2)
    assert row["status"] == "closed" and row["closed_by"] == "analyst"
    assert (sent, len(second), sent2) == (4, 0, 0)
    kept = con.execute(
        "select status, closed_by, close_note, last_seen_at from alerts where alert_id = ?",
        [retail],
    ).fetchone()
    assert kept[:3] == ("closed", "analyst", "known: the 2024 plan was revised mid-year")
    assert list(third["indicator_code"]) == ["retail_sales"] and sent3 == 1
    assert third["alert_id"].item() != retail and "10.5%" in third["message_zh"].item()
    assert delivered(srv).count(retail) == 1


@pytest.mark.parametrize(
    ("prefix", "note", "error"),
    [
        ("0000000000", "why", "no alert with a fingerprint starting"),
        ("abc", "why", "at least 8 characters"),
        (None, "  ", "say why in --note"),
    ],
)
def test_closing_needs_one_alert_and_a_reason(con, prefix, note, error):
    load_fixture(con, "document_rejected")
    (alert_id,) = alerts.detect_and_record(con, catalog(), NOW)["alert_id"]
    with pytest.raises((alerts.AlertNotFoundError, ValueError), match=error):
        alerts.close(con, prefix or alert_id, note, "analyst")


def test_zhibiao_alerts_shows_delivery_and_close_keeps_the_decision(con, tmp_path):
    load_fixture(con, "target_missed")
    with receiver(script=(200, 200, 200)) as srv:
        night(con, url(srv), 0)
    con.execute("update alerts set notified_at = null, notify_attempts = 2, "
                "notify_error = 'webhook http://127.0.0.1:9/… unreachable' "
                "where indicator_code = 'cpi'")  # fmt: skip
    (cpi,) = con.execute("select alert_id from alerts where indicator_code = 'cpi'").fetchone()
    db = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]
    con.close()
    listing = _zhibiao("alerts", "--db", db)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count("│ sent 20") == 3, listing.stdout
    assert (
        "pending: 2 attempt(s) failed, last: webhook http://127.0.0.1:9/… unreachable"
        in listing.stdout
    )
    assert "目标未完成 · 社会消费品零售总额" in listing.stdout
    closed = _zhibiao(
        "alerts", "close", cpi, "--note", "CPI target is a ceiling", "--by", "li", "--db", db
    )
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.startswith(f"closed {cpi}: 目标未完成 · 居民消费价格涨幅")
    shown = _zhibiao("alerts", "--closed", "--db", db)
    assert "by li: CPI target is a ceiling" in shown.stdout
    assert cpi not in _zhibiao("alerts", "--db", db).stdout
    unknown = _zhibiao("alerts", "close", "ffffffffff", "--note", "x", "--db", db)
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1


def _zhibiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "zhibiao"), *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
