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
# Slack's Block Kit limits (api.slack.com/reference/block-kit/blocks): a message holds at most
# 50 blocks; a header's plain text 150 characters; a section's text 3000; a context block 10
# elements. A payload over a limit is refused whole (HTTP 400 invalid_blocks), so every text
# is clipped to fit, and the evidence first, being the longest.
HEADER_CHARS = 150
SECTION_CHARS = 3000
CONTEXT_ELEMENTS = 10
MAX_DOCUMENTS = CONTEXT_ELEMENTS  # one context element per document of the alert
SEVERITY_MARK = {"critical": "🔴", "warning": "🟠", "info": "🔵"}

log = logging.getLogger(__name__)


class NotifyError(RuntimeError):
    """A delivery or configuration failure, in words an operator can act on."""


class ReceiverDown(NotifyError):
    """The receiver could not be reached at all: the rest of the batch would fail alike."""


def _text(a: Mapping, key: str) -> str | None:
    value = a.get(key)
    return value if isinstance(value, str) and value else None


def heading(a: Mapping) -> str:
    """目标未完成 · 社会消费品零售总额 · 林芝市2024年 / Target missed · …: the rule and what it is
    about in words, where and when. Alerts kept before headings existed fall back to codes."""
    zh, en = _text(a, "heading_zh"), _text(a, "heading_en")
    if zh and en:
        return f"{zh} / {en}"
    parts = [a.get("rule"), a.get("indicator_code"), a.get("region"), a.get("period")]
    return " · ".join(str(p) for p in parts if isinstance(p, str) and p)


def documents(a: Mapping) -> list[dict[str, Any]]:
    """The alert's documents, each {document_id, title, published_on, url}; ids alone when
    the row carries no titles (a run failure, an alert read without the macro alert_rows())."""
    found = a.get("documents")
    if found is not None and not isinstance(found, float) and len(found):
        return [dict(d) for d in found]
    ids = a.get("document_ids")
    return [{"document_id": str(d)} for d in ids] if ids is not None else []


def _day(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value.date() if hasattr(value, "date") else value)[:10]


def _document_line(d: Mapping, mrkdwn: bool) -> str:
    """林芝市2025年政府工作报告 · 2025-01-20 · its link (mrkdwn) or address (plain)."""
    name = d.get("title") or str(d.get("document_id", ""))[:12]
    url, on = d.get("url"), _day(d.get("published_on"))
    if mrkdwn:
        name = _escape(name)
        name = f"<{url}|{name}>" if isinstance(url, str) and url.startswith("http") else name
    parts = [name, on] + ([] if mrkdwn or not url else [url])
    return " · ".join(p for p in parts if p)


def _region_named(a: Mapping) -> str | None:
    """Nyingchi (540400): the region of the heading in English, with its GB/T 2260 code."""
    name, code = _text(a, "region_name_en"), _text(a, "region_code")
    return f"{name} ({code})" if name and code else name or code


def _plain(a: Mapping) -> str:
    """The whole alert as text, for channels without layout (email, SMS, Prefect blocks)."""
    lines = [f"[{a['severity']}] {heading(a)}", a["message_zh"], a["message_en"]]
    lines += [f"证据 Evidence: {a['evidence']}"] if a.get("evidence") else []
    lines += [f"文件 Document: {_document_line(d, mrkdwn=False)}" for d in documents(a)]
    return "\n".join(lines + [f"alert {a['alert_id']}"])


def _escape(text: str) -> str:
    """Slack mrkdwn reads &, < and > as markup: a sentence must show them as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_payload(a: Mapping) -> dict[str, Any]:
    """Block Kit blocks, each field shown once; `text` is what a push notification shows
    (Slack draws it only where blocks cannot be drawn). `zhibiao` carries the structured alert for
    receivers that are not chat tools (Slack ignores it)."""
    mark = SEVERITY_MARK.get(a["severity"], "")
    region = _region_named(a)
    context = [f"{mark} *{a['severity']}*", region and _escape(region), f"alert `{a['alert_id']}`"]
    message = _escape(f"{a['message_zh']}\n{a['message_en']}")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(heading(a), HEADER_CHARS)}},
        {"type": "context", "elements": [_mrkdwn(" · ".join(x for x in context if x))]},
        {"type": "section", "text": _mrkdwn(_clip(message, SECTION_CHARS))},
    ]
    if a.get("evidence"):
        quoted = "\n".join(f"> {_escape(line)}" for line in a["evidence"].splitlines())
        blocks.append({"type": "section", "text": _mrkdwn(_clip(quoted, SECTION_CHARS))})
    docs = documents(a)[:MAX_DOCUMENTS]
    if docs:
        lines = [_mrkdwn(_clip(_document_line(d, mrkdwn=True), SECTION_CHARS)) for d in docs]
        blocks.append({"type": "context", "elements": lines})
    if a.get("fingerprint"):
        close = f"zhibiao alerts close {a['alert_id']} --note '…'"
        blocks.append({"type": "context", "elements": [_mrkdwn(f"Decided? `{close}`")]})
    return {
        "text": _clip(f"[{a['severity']}] {heading(a)}\n{a['message_en']}", SECTION_CHARS),
        "blocks": blocks,
        "zhibiao": structured(a),
    }


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def structured(a: Mapping) -> dict[str, Any]:
    """The alert as data: what a generic webhook receiver (a ticket system, a script) reads."""
    keys = (
        "alert_id fingerprint rule severity heading_zh heading_en indicator_code "
        "indicator_name_zh indicator_name_en region region_code region_name_en period measure "
        "message_zh message_en evidence"
    ).split()
    out: dict[str, Any] = {k: _plain_value(a.get(k)) for k in keys}
    out["document_ids"] = [str(d["document_id"]) for d in documents(a)]
    out["documents"] = [
        {**{k: _plain_value(v) for k, v in d.items()}, "published_on": _day(d.get("published_on"))}
        for d in documents(a)
    ]
    details = a.get("details")
    out["details"] = json.loads(details) if isinstance(details, str) and details else None
    out["opened_at"] = _plain_value(a.get("opened_at"))
    return out


def _plain_value(value: Any) -> Any:
    """JSON-ready: NaN and NaT (pandas' missing values) as null, timestamps as ISO text."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "isoformat"):
        return None if str(value) == "NaT" else value.isoformat()
    return value


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
                block.notify(body=_plain(a), subject=heading(a))
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
        "heading_zh": f"运行失败 · {flow}",
        "heading_en": f"Run failed · {flow}",
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
