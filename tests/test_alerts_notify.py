"""Alerts reach a person once: a real DuckDB file, a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from tests.test_anomalies import NOW, SQL_DIR, alert_db, catalog, insert_staged, load_fixture
from zhibiao import notify
from zhibiao.settings import Settings
from zhibiao.warehouse import alerts


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
    assert (sent_rows["last_seen_at"] == NOW + timedelta(days=1)).all()


def test_payload_is_slack_compatible_with_the_evidence(con):
    load_fixture(con, "target_missed")
    with receiver() as srv:
        night(con, url(srv), 0)
    (body,) = [b for _, b in srv.posts if b["zhibiao"]["indicator_code"] == "retail_sales"]
    assert "社会消费品零售总额增速目标为12%以上，实际为11%" in body["text"]
    assert "target was at least 12%, the actual figure is 11%" in body["text"]
    assert body["blocks"][0]["type"] == "header" and "[warning] target_missed" in body["text"]
    fields = {f["title"]: f["value"] for f in body["attachments"][0]["fields"]}
    assert fields["Severity"] == "warning" and fields["Region"] == "林芝市"
    assert fields["Period"] == "2024" and fields["Indicator"] == "retail_sales"
    assert "社会消费品零售总额增长12%以上。" in fields["Evidence"]
    assert body["zhibiao"]["document_ids"] == ["doc-gwr-2024", "doc-gwr-2025"]


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


def test_alerts_sql_stands_alone_and_reruns(tmp_path):
    """040 creates the table when no earlier file did, and a rerun changes nothing."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute((SQL_DIR / "010_tables.sql").read_text(encoding="utf-8"))
    con.execute("drop table if exists alerts")
    for _ in range(2):
        con.execute((SQL_DIR / "040_alerts.sql").read_text(encoding="utf-8"))
    cols = {r[0] for r in con.execute("describe alerts").fetchall()}
    assert {"alert_id", "fingerprint", "message_zh", "opened_at", "notify_error"} <= cols


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
