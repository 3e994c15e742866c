"""One document a listing or folder found: made a Source of its own, fetched, read unless its
bytes are known, and its discovered_links row written; failures recorded, never raised."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pandas as pd

from zhibiao import fetch as fetching
from zhibiao.discovery import titles
from zhibiao.fetch import FetchError, FetchResult
from zhibiao.flows.document import process_bytes
from zhibiao.flows.steps import DocumentOutcome
from zhibiao.registry import Source
from zhibiao.settings import Settings
from zhibiao.warehouse import db, links, load, source_state

Fetch = Callable[[str], FetchResult]


def document_source(
    entry: Source, url: str, title: str, printed: dt.date | None, parent: Source | None = None
) -> Source:
    """A discovered document as a registry entry of its own: the entry's region and
    publisher; the kind and period the entry gives, else those its title names, else (for
    an attachment) its page's; the date printed beside it, else its page's."""
    return dataclasses.replace(
        entry,
        url=url,
        title=title,
        kind=entry.kind
        or titles.title_kind(title)
        or (parent.kind if parent else titles.FALLBACK_KIND),
        period=entry.period or titles.title_period(title) or (parent.period if parent else None),
        published_on=printed or (parent.published_on if parent else entry.published_on),
        discover=None,
    )


def fetch_and_read(
    entry: Source,
    item: Source,
    settings: Settings,
    run_id: str,
    found_on: str,
    fetch: Fetch | None = None,
) -> tuple[DocumentOutcome, FetchResult | None]:
    """Fetch one discovered document, then read and load it unless its bytes are known;
    the link's row says what became of it."""
    link = {
        "url": item.url,
        "source_id": entry.id,
        "found_on": found_on,
        "title": item.title,
        "kind": item.kind,
        "period": item.period,
        "published_on": item.published_on,
        "run_id": run_id,
    }
    note = f"{item.title} ({item.url})"
    try:
        fetched = fetch(item.url) if fetch else fetching.fetch(item.url, settings=settings)
    except FetchError as exc:
        link_failed(settings, entry, link, "fetch", str(exc), exc.transient)
        outcome = DocumentOutcome(entry.id, "failed", stage="fetch", error=str(exc), notes=[note])
        return outcome, None
    try:
        outcome = _read(entry, item, settings, fetched, run_id)
    except Exception as exc:  # noqa: BLE001 - one document's surprise, recorded; the run goes on
        reason = f"unexpected error: {type(exc).__name__}: {exc}"
        link_failed(settings, entry, link, "read", reason, retry=False)
        return DocumentOutcome(entry.id, "failed", stage="read", error=reason, notes=[note]), None
    outcome.notes.append(note)
    with db.connect(settings.db_path) as con:
        links.record_link(
            con,
            {
                **link,
                "status": outcome.status,
                "document_id": fetched.sha256,
                "error": outcome.error,
            },
        )
    return outcome, fetched


def _read(
    entry: Source, item: Source, settings: Settings, fetched: FetchResult, run_id: str
) -> DocumentOutcome:
    with db.connect(settings.db_path) as con:
        known = load.document_loaded(con, fetched.sha256)
    if known:
        return DocumentOutcome(
            entry.id, "unchanged", fetched.sha256, notes=["same bytes as a loaded document"]
        )
    return process_bytes(item, settings, fetched, run_id)


# --- failures ---------------------------------------------------------------------------------


def source_failed(settings: Settings, source: Source, stage: str, reason: str, run_id: str):
    """The entry itself failed (its folder or listing page): its sources row and quarantine."""
    with db.connect(settings.db_path) as con:
        con.execute("begin transaction")
        source_state.record_fetch(con, source.id, status="failed", error=reason)
        _quarantine(con, source.id, stage, reason, run_id)
        con.execute("commit")


def link_failed(settings, entry: Source, link: dict, stage: str, reason: str, retry: bool):
    """One link failed: quarantine and its row, not the entry's state (the listing is fine)."""
    with db.connect(settings.db_path) as con:
        con.execute("begin transaction")
        links.record_link(con, {**link, "status": "failed", "error": reason, "retry": retry})
        _quarantine(con, entry.id, stage, f"{link['url']}: {reason}", link["run_id"])
        con.execute("commit")


def _quarantine(con, source_id: str, stage: str, reason: str, run_id: str) -> None:
    load.record_quarantine(
        con, pd.DataFrame([{"reason": reason}]), stage=stage, run_id=run_id, source_id=source_id
    )
