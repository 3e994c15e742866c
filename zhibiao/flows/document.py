"""The path of one source through the steps; every failure is recorded, none escapes.

A failing source must not stop the run: its error becomes a `documents`/`quarantine` row
and a line of the run summary, and the next source goes on.
"""

from __future__ import annotations

import pandas as pd

from zhibiao import snapshots
from zhibiao.fetch import FetchError, FetchResult
from zhibiao.flows import steps
from zhibiao.flows.steps import DocumentOutcome
from zhibiao.registry import Source
from zhibiao.settings import Settings
from zhibiao.transforms.decode import DecodeError
from zhibiao.transforms.limits import LimitExceeded
from zhibiao.warehouse import db, load, source_state


def process_source(
    source: Source, settings: Settings, run_id: str, pending=None
) -> DocumentOutcome:
    """Fetch, then hand the bytes on; the source's fetch state is kept either way.

    With `pending` (flows/fanout.py) new bytes are snapshotted and handed to it to be read
    with the run's other new documents; their validators are kept only once they are
    written, so that bytes lost on the way are fetched again by the next run.

    An exception no step expected (a bug, a library's surprise) is still one source's
    failure: it is recorded with the step it came from and the run goes on to the next
    source. Only BaseException (KeyboardInterrupt, SystemExit) stops the night.
    """
    progress = _Progress()
    try:
        return _process_source(source, settings, run_id, progress, pending)
    except Exception as exc:  # noqa: BLE001 - recorded below, never swallowed
        reason = f"unexpected error in {progress.stage}: {type(exc).__name__}: {_one_line(exc)}"
        record_unexpected(settings, source, progress.document, progress.stage, reason, run_id)
        document_id = progress.document["document_id"] if progress.document else None
        return DocumentOutcome(source.id, "failed", document_id, stage=progress.stage, error=reason)


class _Progress:
    """Where a source's path stands, so that an unexpected error can name its step."""

    def __init__(self) -> None:
        self.stage = "fetch"
        self.document: dict | None = None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _process_source(
    source: Source, settings: Settings, run_id: str, progress: _Progress, pending=None
) -> DocumentOutcome:
    try:
        fetched = steps.fetch_source(source, settings)
    except FetchError as exc:
        _record_failure(settings, source, None, "fetch", str(exc), run_id)
        return DocumentOutcome(source.id, "failed", stage="fetch", error=str(exc))
    known = _record_fetch(settings, source, fetched, keep=pending is None)
    if fetched.status == "not_modified":
        return DocumentOutcome(source.id, "unchanged", notes=["304 not modified"])
    if known:
        return DocumentOutcome(source.id, "unchanged", fetched.sha256, notes=["same bytes"])
    if pending is not None:
        progress.stage = "snapshot"
        snapshot = steps.store_snapshot(settings, fetched)
        return pending.add(source, fetched, _document(source, fetched, snapshot))
    return process_bytes(source, settings, fetched, run_id, progress)


def record_unexpected(settings, source, document, stage, reason, run_id) -> None:
    """Record an unexpected failure; if even that fails, the outcome still carries it."""
    try:
        _record_failure(settings, source, document, stage, reason, run_id)
    except Exception:  # noqa: BLE001 - the summary line is the record of last resort
        pass


def process_bytes(
    source: Source,
    settings: Settings,
    fetched: FetchResult,
    run_id: str,
    progress: _Progress | None = None,
) -> DocumentOutcome:
    """Snapshot, decode, extract, validate, load: one document, one transaction at the end."""
    progress = progress or _Progress()
    progress.stage = "snapshot"
    snapshot = steps.store_snapshot(settings, fetched)
    document = _document(source, fetched, snapshot)
    progress.document, progress.stage = document, "read"
    hints = source_hints(source, fetched)
    try:
        decoded, figures = steps.read_document(
            fetched.body, hints, steps.document_limits(settings), source_id=source.id
        )
    except (DecodeError, LimitExceeded) as exc:
        stage = "extract" if isinstance(exc, LimitExceeded) else "decode"
        return not_read(settings, source, document, stage, str(exc), run_id)
    described(document, source, decoded, fetched)
    progress.stage = "validate"
    return _validate_and_load(source, settings, document, figures, run_id)


def source_hints(source: Source, fetched: FetchResult):
    """What the registry and the fetch say about the bytes, for reading them."""
    return steps.hints(
        source, fetched.content_type, fetched.charset, fetched.final_url, fetched.fetched_at.date()
    )


def not_read(settings, source, document, stage: str, reason: str, run_id) -> DocumentOutcome:
    """Bytes that could not be decoded, or passed a limit: quarantined with the reason."""
    _record_failure(settings, source, document, stage, reason, run_id)
    return DocumentOutcome(
        source.id, "quarantined", document["document_id"], stage=stage, error=reason
    )


def described(document: dict, source: Source, decoded, fetched: FetchResult) -> None:
    """What the document says of itself (title, charset, date) over the registry's guesses.
    `decoded` is a Decoded or a worker's Read: both carry title, encoding, published_on."""
    document["title"] = decoded.title or source.title
    document["charset"] = decoded.encoding
    document["published_on"] = steps.published_on(source, decoded, fetched.fetched_at)


def reextract_document(row: dict, settings: Settings, run_id: str) -> DocumentOutcome:
    """A stored snapshot read again by the current extractor, with no fetch (--reextract).

    An unexpected error leaves the document's earlier figures in place (the replacement is
    one transaction) and is recorded like any other failure.
    """
    try:
        return _reextract_document(row, settings, run_id)
    except Exception as exc:  # noqa: BLE001 - recorded below, never swallowed
        reason = f"unexpected error in reextract: {type(exc).__name__}: {_one_line(exc)}"
        source = Source(
            id=row.get("source_id") or row["document_id"][:12],
            url=row.get("url") or "",
            kind=row.get("kind") or "news",
            region=row.get("region") or "",
        )
        record_unexpected(settings, source, None, "reextract", reason, run_id)
        return DocumentOutcome(
            source.id, "failed", row["document_id"], stage="reextract", error=reason
        )


def _reextract_document(row: dict, settings: Settings, run_id: str) -> DocumentOutcome:
    source = Source(
        id=row["source_id"] or row["document_id"][:12],
        url=row["url"] or "",
        kind=row["kind"] or "news",
        region=row["region"] or "",
        published_on=row["published_on"],
        title=row["title"],
        period=row.get("period"),
    )
    hints = steps.hints(source, row["content_type"], None, row["final_url"] or "")
    try:
        raw = snapshots.load(settings.data_dir, row["document_id"])
        decoded, figures = steps.read_document(
            raw, hints, steps.document_limits(settings), source_id=source.id
        )
    except (snapshots.SnapshotError, DecodeError, LimitExceeded, OSError) as exc:
        return DocumentOutcome(
            source.id, "failed", row["document_id"], stage="reextract", error=str(exc)
        )
    document = {k: row[k] for k in _DOCUMENT_KEYS if k in row}
    document["title"] = decoded.title or row["title"]
    return _validate_and_load(source, settings, document, figures, run_id, replace=True)


_DOCUMENT_KEYS = (
    "document_id", "source_id", "url", "final_url", "kind", "region", "title", "published_on",
    "fetched_at", "size_bytes", "content_type", "charset", "snapshot_path",
)  # fmt: skip


def _validate_and_load(
    source, settings, document, figures, run_id, replace: bool = False
) -> DocumentOutcome:
    doc_id = document["document_id"]
    outcome = steps.validate_document(figures, doc_id, source.kind, settings, source.id)
    return judged(source, settings, document, outcome, run_id, replace)


def judged(source, settings, document, outcome, run_id, replace: bool = False):
    """A validated document: rejected whole, or loaded with its failing rows quarantined."""
    doc_id = document["document_id"]
    if outcome.rejected:
        _record_failure(
            settings,
            source,
            document,
            "validate",
            outcome.reason,
            run_id,
            rows=outcome.quarantined,
            status="rejected",
        )
        return DocumentOutcome(
            source.id,
            "rejected",
            doc_id,
            0,
            len(outcome.quarantined),
            stage="validate",
            error=outcome.reason,
        )
    try:
        result = steps.load_document(
            settings, document, outcome.valid, outcome.quarantined, run_id, replace
        )
    except Exception as exc:  # noqa: BLE001 - any load failure is recorded, the run goes on
        _record_failure(settings, source, document, "load", f"{type(exc).__name__}: {exc}", run_id)
        return DocumentOutcome(source.id, "failed", doc_id, stage="load", error=str(exc))
    status = "reextracted" if replace else "new"
    return DocumentOutcome(source.id, status, doc_id, result.inserted, len(outcome.quarantined))


def _document(source: Source, fetched: FetchResult, snapshot: str) -> dict:
    return {
        "document_id": fetched.sha256,
        "source_id": source.id,
        "url": fetched.url,
        "final_url": fetched.final_url,
        "kind": source.kind,
        "region": source.region,
        "title": source.title,
        "published_on": source.published_on or fetched.fetched_at.date(),
        "fetched_at": fetched.fetched_at.replace(tzinfo=None),
        "size_bytes": fetched.size,
        "content_type": fetched.content_type,
        "charset": fetched.charset,
        "snapshot_path": snapshot,
    }


def _record_fetch(
    settings: Settings, source: Source, fetched: FetchResult, keep: bool = True
) -> bool:
    """Keep the fetch's validators; answer whether these bytes are already loaded.
    keep=False keeps them only for bytes that need no reading (a 304, known bytes):
    new bytes get theirs once written (keep_validators)."""
    with db.connect(settings.db_path) as con:
        known = load.document_loaded(con, fetched.sha256)
        if keep or known or fetched.status == "not_modified":
            keep_validators(con, source, fetched)
        return known


def keep_validators(con, source: Source, fetched: FetchResult) -> None:
    """The ETag and Last-Modified the next run sends: only for bytes that are written."""
    source_state.record_fetch(
        con,
        source.id,
        status="unchanged" if fetched.status == "not_modified" else "new",
        etag=fetched.etag,
        last_modified=fetched.last_modified,
    )


def _record_failure(settings, source, document, stage, reason, run_id, rows=None, status=None):
    """A failed source or document leaves its reason in sources, documents and quarantine,
    all in one transaction."""
    if rows is not None and not rows.empty:
        frame = steps.quarantine_frame(rows)
    else:
        frame = pd.DataFrame([{"reason": reason}])
    with db.connect(settings.db_path) as con:
        con.execute("begin transaction")
        try:
            if stage == "fetch":
                source_state.record_fetch(con, source.id, status="failed", error=reason)
            if document is not None:
                load.record_document(con, document, status=status or "quarantined", error=reason)
            load.record_quarantine(
                con,
                frame,
                stage=stage,
                run_id=run_id,
                source_id=source.id,
                document_id=document["document_id"] if document else None,
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
