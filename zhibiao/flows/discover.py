"""Listing and folder entries of the registry: find their documents each night and send each
new one down the path of one document (flows/document.py).

A listing whose page did not change costs one conditional GET; a link is fetched once, ever
(discovered_links), unless its failure was transient; a file or link whose bytes are already
loaded is the same document, whatever its name or URL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from zhibiao import fetch as fetching
from zhibiao import progress
from zhibiao.discovery import dates, titles
from zhibiao.discovery.folder import folder_files
from zhibiao.fetch import FetchError
from zhibiao.flows.document import process_bytes, process_source
from zhibiao.flows.steps import DocumentOutcome
from zhibiao.registry import Source
from zhibiao.settings import Settings
from zhibiao.warehouse import db, links, load, source_state


def process_registry(registry: list[Source], settings: Settings, run_id: str) -> list:
    """Every entry in order: a plain entry is one document, a listing or folder many."""
    owned = {s.url for s in registry if s.discover is None}
    per_entry = progress.each(
        registry, lambda s: s.id, lambda s: process_entry(s, settings, run_id, owned)
    )
    return [outcome for outcomes in per_entry for outcome in outcomes]


def process_entry(
    source: Source, settings: Settings, run_id: str, owned: frozenset[str] | set[str] = frozenset()
) -> list[DocumentOutcome]:
    """The outcomes of one registry entry; a failure of one is recorded, never raised."""
    if source.discover is None:
        return [process_source(source, settings, run_id)]
    try:
        return _process_folder(source, settings, run_id, owned)
    except Exception as exc:  # noqa: BLE001 - recorded below, the run goes on
        reason = f"unexpected error in discover: {type(exc).__name__}: {exc}"
        _source_failed(settings, source, "discover", reason, run_id)
        return [DocumentOutcome(source.id, "failed", stage="discover", error=reason)]


def _process_folder(
    source: Source, settings: Settings, run_id: str, owned: frozenset[str] | set[str]
) -> list[DocumentOutcome]:
    """Each file of the folder (save those another entry names) is a document of its own."""
    try:
        files = folder_files(source.url, source.discover.files, settings)
    except FetchError as exc:
        _source_failed(settings, source, "fetch", str(exc), run_id)
        return [DocumentOutcome(source.id, "failed", stage="fetch", error=str(exc))]
    with db.connect(settings.db_path) as con:
        source_state.record_fetch(con, source.id, status="new")
    today = dt.date.today()
    outcomes = [
        _document(
            source,
            document_source(source, str(path), path.stem, dates.printed_date(path.name, today)),
            settings,
            run_id,
            found_on=source.url,
        )
        for path in files
        if str(path) not in owned
    ]
    return outcomes or [
        DocumentOutcome(source.id, "unchanged", notes=["no files of its own in the folder"])
    ]


def document_source(entry: Source, url: str, title: str, printed: dt.date | None) -> Source:
    """A discovered document as a registry entry of its own: the entry's region and
    publisher, the kind and period the entry gives, else those its title names."""
    return dataclasses.replace(
        entry,
        url=url,
        title=title,
        kind=entry.kind or titles.title_kind(title) or titles.FALLBACK_KIND,
        period=entry.period or titles.title_period(title),
        published_on=printed or entry.published_on,
        discover=None,
    )


def _document(
    entry: Source, item: Source, settings: Settings, run_id: str, found_on: str, fetch=None
) -> DocumentOutcome:
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
        fetched = (fetch or _fetch_local)(item.url, settings)
    except FetchError as exc:
        _link_failed(settings, entry, link, "fetch", str(exc), exc.transient)
        return DocumentOutcome(entry.id, "failed", stage="fetch", error=str(exc), notes=[note])
    with db.connect(settings.db_path) as con:
        known = load.document_loaded(con, fetched.sha256)
    if known:
        outcome = DocumentOutcome(
            entry.id,
            "unchanged",
            fetched.sha256,
            notes=[f"{note}: same bytes as a loaded document"],
        )
    else:
        outcome = process_bytes(item, settings, fetched, run_id)
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
    return outcome


def _fetch_local(url: str, settings: Settings) -> fetching.FetchResult:
    return fetching.fetch(url, settings=settings)


def _source_failed(settings: Settings, source: Source, stage: str, reason: str, run_id: str):
    """The entry itself failed (its folder or listing page): its sources row and quarantine."""
    with db.connect(settings.db_path) as con:
        con.execute("begin transaction")
        source_state.record_fetch(con, source.id, status="failed", error=reason)
        _quarantine(con, source.id, stage, reason, run_id)
        con.execute("commit")


def _link_failed(settings, entry: Source, link: dict, stage: str, reason: str, retry: bool):
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
