"""Deliver pending alerts to a person: a JSON webhook, or a Prefect notification block.

Operators choose one. `ZHIBIAO_WEBHOOK_URL` posts a Slack-compatible JSON payload (Slack
incoming webhooks, Mattermost, Rocket.Chat, or any receiver that reads the `zhibiao` object).
`ZHIBIAO_PREFECT_BLOCK=<block-type-slug>/<block-name>` (for example
`slack-webhook/zhibiao-alerts`, made with `prefect block create slack-webhook`) sends through
any Prefect notification block: email, Teams, PagerDuty, DingTalk via a custom webhook ... When
both are set the webhook is used. When neither is, alerts stay pending in the `alerts` table.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import duckdb

from zhibiao.fetch import session
from zhibiao.warehouse import alerts

WEBHOOK_ENV = "ZHIBIAO_WEBHOOK_URL"
BLOCK_ENV = "ZHIBIAO_PREFECT_BLOCK"
TIMEOUT_S = (3.05, 10.0)  # connect, read: a hanging receiver must not hold up the nightly run
ATTEMPTS = 3  # per alert and run; an alert still undelivered stays pending for the next run
BACKOFF_S = 1.0  # sleeps 1 s, then 2 s, between attempts
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})  # the receiver may recover soon
SEVERITY_COLOR = {"critical": "#d00000", "warning": "#f2a900", "info": "#439fe0"}
EVIDENCE_CHARS = 2500  # Slack refuses a section text over 3000 characters

log = logging.getLogger(__name__)


class NotifyError(RuntimeError):
    """A delivery or configuration failure, in words an operator can act on."""


class ReceiverDown(NotifyError):
    """The receiver could not be reached at all: the rest of the batch would fail alike."""


def _title(a: Mapping) -> str:
    parts = [a.get("indicator_code"), a.get("region"), a.get("period")]
    where = " · ".join(str(p) for p in parts if isinstance(p, str) and p)
    return f"[{a['severity']}] {a['rule']}" + (f" · {where}" if where else "")


def _plain(a: Mapping) -> str:
    """The whole alert as text, for channels without layout (email, SMS, Prefect blocks)."""
    docs = ", ".join(_docs(a))
    lines = [_title(a), a["message_zh"], a["message_en"]]
    lines += [f"证据 Evidence: {a['evidence']}"] if a.get("evidence") else []
    lines += [f"Documents: {docs}"] if docs else []
    return "\n".join(lines + [f"alert {a['alert_id']}"])


def _docs(a: Mapping) -> list[str]:
    docs = a.get("document_ids")
    return [str(d) for d in docs] if docs is not None else []


def slack_payload(a: Mapping) -> dict[str, Any]:
    """`text` for notifications and old clients, `blocks` for Slack, `attachments` for colour;
    `zhibiao` carries the fields for receivers that are not chat tools."""
    evidence = (a.get("evidence") or "")[:EVIDENCE_CHARS]
    fields = {
        "Severity": a["severity"],
        "Rule": a["rule"],
        "Indicator": a.get("indicator_code") or "-",
        "Region": a.get("region") or "-",
        "Period": a.get("period") or "-",
        "Alert": a["alert_id"],
    }
    md = [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields.items()]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": _title(a)[:150]}},
        {"type": "section", "fields": md},
        {"type": "section", "text": {"type": "plain_text", "text": a["message_zh"]}},
        {"type": "section", "text": {"type": "plain_text", "text": a["message_en"]}},
    ]
    if evidence:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"> {evidence}"}})
    return {
        "text": f"{_title(a)}\n{a['message_zh']}\n{a['message_en']}",
        "blocks": blocks,
        "attachments": [
            {
                "color": SEVERITY_COLOR.get(a["severity"], "#808080"),
                "fallback": a["message_en"],
                "fields": [{"title": k, "value": v, "short": True} for k, v in fields.items()]
                + [{"title": "Evidence", "value": evidence, "short": False}],
            }
        ],
        "zhibiao": {
            **{k: a.get(k) for k in ("alert_id", "rule", "severity", "indicator_code")},
            **{k: a.get(k) for k in ("region", "period", "message_zh", "message_en")},
            "evidence": a.get("evidence"),
            "document_ids": _docs(a),
            "fingerprint": a.get("fingerprint"),
        },
    }


def redacted(url: str) -> str:
    """A webhook URL as logs, the alerts table and the run summary may show it: scheme and
    host only. The path of a Slack, WeCom or DingTalk webhook is its secret (whoever has it
    can post to the channel), and errors end up in places many people read."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}/…"


def _scrub(text: str, url: str) -> str:
    """The error text of requests repeats the URL, or its path and query: take them out."""
    parts = urlsplit(url)
    secrets = [url, parts.path + (f"?{parts.query}" if parts.query else ""), parts.query]
    for secret in sorted(filter(lambda x: len(x) > 1, secrets), key=len, reverse=True):
        text = text.replace(secret, "/…")
    return text


def post_webhook(
    url: str, payload: dict, attempts: int = ATTEMPTS, backoff_s: float = BACKOFF_S
) -> None:
    """POST with bounded retries on transient failures; raises NotifyError with the last one."""
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    for attempt in range(max(attempts, 1)):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            resp = session().post(
                url, data=body, headers=headers, timeout=TIMEOUT_S, allow_redirects=False
            )
        except OSError as exc:  # requests' errors are OSErrors: refused, reset, timed out
            where = redacted(url)
            error: NotifyError = ReceiverDown(
                f"webhook {where} unreachable: {_scrub(str(exc), url)}"
            )
            continue
        if 200 <= resp.status_code < 300:
            return
        error = NotifyError(
            f"webhook {redacted(url)} answered HTTP {resp.status_code}: "
            f"{_scrub(resp.text[:200], url)}"
        )
        if resp.status_code not in RETRY_STATUSES:
            break
    raise error


def load_block(name: str | None):
    """The Prefect notification block `<block-type-slug>/<block-name>`, or a NotifyError."""
    hint = f"set {BLOCK_ENV} to '<block-type-slug>/<block-name>', e.g. 'slack-webhook/zhibiao'"
    if not name or "/" not in name:
        raise NotifyError(f"no Prefect notification block named ({name!r}): {hint}")
    from prefect.blocks.core import Block
    from prefect.blocks.notifications import NotificationBlock

    try:
        block = Block.load(name)
    except ValueError as exc:
        raise NotifyError(
            f"Prefect block {name!r} not found ({exc}); see `prefect block ls`"
        ) from exc
    except Exception as exc:  # the API is down or unset: say so, not a bare httpx trace
        raise NotifyError(
            f"could not load Prefect block {name!r} from the Prefect API: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(block, NotificationBlock):
        raise NotifyError(f"Prefect block {name!r} is a {type(block).__name__}, not a notifier")
    return block


def _block_sender(block) -> Callable[[Mapping], None]:
    def send(a: Mapping) -> None:
        try:
            with block.raise_on_failure():
                block.notify(body=_plain(a), subject=_title(a))
        except Exception as exc:
            raise NotifyError(f"Prefect block {type(block).__name__}: {exc}") from exc

    return send


def _webhook_sender(url: str, attempts: int, backoff_s: float) -> Callable[[Mapping], None]:
    def send(a: Mapping) -> None:
        post_webhook(url, slack_payload(a), attempts, backoff_s)

    return send


def _sender(
    settings: Any, block_name: str | None, attempts: int, backoff_s: float
) -> Callable[[Mapping], None] | None:
    """The one channel of alerts and run failures: the webhook, else the block, else None."""
    url = getattr(settings, "webhook_url", None) or os.environ.get(WEBHOOK_ENV)
    block_name = block_name or os.environ.get(BLOCK_ENV)
    if url:
        return _webhook_sender(url, attempts, backoff_s)
    return _block_sender(load_block(block_name)) if block_name else None


def run_failure_alert(flow: str, run_id: str, error: str) -> dict[str, Any]:
    """A whole-run failure in the shape of an alert, so it travels the alerts' channel and
    reads like one: the receiver needs no second format."""
    return {
        "alert_id": f"run-{run_id}",
        "rule": "run_failed",
        "severity": "critical",
        "message_zh": f"zhibiao {flow} 运行失败：{error}",
        "message_en": f"zhibiao {flow} run {run_id} failed: {error}",
        "evidence": None,
        "document_ids": None,
    }


def notify_run_failure(
    settings: Any,
    flow: str,
    run_id: str,
    error: str,
    *,
    attempts: int = ATTEMPTS,
    backoff_s: float = BACKOFF_S,
) -> str | None:
    """Tell a person that a run failed as a whole; returns why that failed, or None.

    Never raises: the run's own error is the one to surface, not the notifier's.
    """
    try:
        send = _sender(settings, None, attempts, backoff_s)
        if send is not None:
            send(run_failure_alert(flow, run_id, error))
    except NotifyError as exc:
        return str(exc)
    return None


def deliver_pending(
    con: duckdb.DuckDBPyConnection,
    settings: Any = None,
    *,
    block_name: str | None = None,
    attempts: int = ATTEMPTS,
    backoff_s: float = BACKOFF_S,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Send every pending alert once; returns (delivered, failed).

    Each outcome is recorded right after its attempt, so a crash mid-batch re-sends at most
    the one alert in flight. A failure (receiver down, HTTP error, a block that does not load)
    is written to the alert's notify_error and the alert stays pending for the next run: a
    broken notifier must not fail the nightly run, nor lose an alert.
    """
    pending = alerts.pending_notifications(con)
    if pending.empty:
        return 0, 0
    down: str | None = None  # once the channel is unreachable, the rest wait for the next run
    try:
        send = _sender(settings, block_name, attempts, backoff_s)
    except NotifyError as exc:
        send, down = None, str(exc)
    if send is None and down is None:
        return 0, 0
    sent = 0
    for a in pending.to_dict("records"):
        error = down
        if down is None:
            try:
                send(a)
            except ReceiverDown as exc:
                error = down = str(exc)
            except NotifyError as exc:
                error = str(exc)
        if error:
            log.warning("alert %s not delivered: %s", a["alert_id"], error)
        alerts.mark_notified(con, [a["alert_id"]], error=error, now=now)
        sent += error is None
    return sent, len(pending) - sent
