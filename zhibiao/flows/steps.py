"""The steps of one document as Prefect tasks; each calls one module and holds no logic.

Only the load steps open the warehouse read-write, and only for as long as they write
(DuckDB has one writer process; see STACK-NOTES).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from prefect import task
from prefect.cache_policies import NONE

from zhibiao import fetch as fetching
from zhibiao import snapshots
from zhibiao.registry import Source
from zhibiao.settings import Settings, served_url
from zhibiao.transforms import catalog, read
from zhibiao.transforms.decode import Decoded
from zhibiao.transforms.extract import EXTRACTOR_VERSION
from zhibiao.transforms.limits import UNLIMITED, Limits
from zhibiao.transforms.read import SourceHints
from zhibiao.warehouse import db, load, source_state


@dataclass
class DocumentOutcome:
    """One line of the run summary: what happened to one source tonight."""

    source_id: str
    status: str  # new, unchanged, failed, quarantined, rejected
    document_id: str | None = None
    figures_loaded: int = 0
    figures_quarantined: int = 0
    stage: str | None = None  # where it failed
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@task(name="fetch", task_run_name="fetch-{source.id}", cache_policy=NONE, retries=0)
def fetch_source(source: Source, settings: Settings) -> fetching.FetchResult:
    """One layer retries (fetch.py, with backoff): no Prefect retries stacked on top."""
    with db.connect(settings.db_path) as con:
        previous = source_state.validators(con, source.id)
    return fetching.fetch(source.url, settings=settings, validators=previous)


@task(name="read", task_run_name="read-{source_id}", cache_policy=NONE)
def read_document(
    raw: bytes, hints: SourceHints, limits: Limits = UNLIMITED, source_id: str = ""
) -> tuple[Decoded, pd.DataFrame]:
    """Decode and extract: the one route of transforms/read.py, as one task, within the
    per-document limits (LimitExceeded past them)."""
    return read.read_document(raw, hints, limits)


def document_limits(settings: Settings) -> Limits:
    """The per-document deadline and cap on figures of the settings."""
    return Limits(seconds=settings.document_timeout, max_figures=settings.max_figures)


def hints(
    source: Source,
    content_type: str | None,
    charset: str | None,
    name: str,
    fetched_on: dt.date | None = None,
) -> SourceHints:
    """What the registry and the fetch say about a document, for read_document."""
    header = f"{content_type}; charset={charset}" if content_type and charset else content_type
    return SourceHints(
        region=source.region,
        # the year a release reports on (2023年统计公报, published in 2024): its period's
        year=int(source.period[:4]) if source.period else None,
        published_on=source.published_on,
        fetched_on=fetched_on,
        content_type=header,
        name=name,
    )


@task(name="validate", task_run_name="validate-{source_id}", cache_policy=NONE)
def validate_document(
    figures: pd.DataFrame, document_id: str, kind: str, settings: Settings, source_id: str = ""
):
    """One suite run per document; results go to the File context behind the Data Docs.
    source_id only names the task run, where operators look for it."""
    from zhibiao.expectations import open_context, validate_figures  # GX imports in 5 s

    return validate_figures(
        figures,
        document_id=document_id,
        kind=kind,
        catalog=catalog.load_catalog(),
        context=open_context(settings.data_dir),
    )


def data_docs_url(settings: Settings, built: str | None) -> str | None:
    """The Data Docs as a link that opens: under ZHIBIAO_DOCS_URL when the site is served
    (docs/operations.md#data-docs), else the file URL of its index; None if not built."""
    if not built or not built.startswith("file://"):
        return None
    if settings.docs_url:
        return served_url(settings.docs_url, Path("index.html"))
    return built


def data_docs(settings: Settings) -> str | None:
    """The Data Docs site of every validation so far; a failure to render is not a failed run."""
    from zhibiao.expectations import build_data_docs

    try:
        return build_data_docs(settings.data_dir)
    except Exception as exc:  # noqa: BLE001 - reported in the summary instead
        return f"(Data Docs not built: {type(exc).__name__}: {exc})"


def write_report(settings: Settings) -> tuple[str | None, str | None]:
    """The static report after a run, and its link: under ZHIBIAO_REPORT_URL when the folder
    is served, else its file URL. A report that cannot be written is a warning (the second
    item), never a failed run: the figures are loaded whatever the report does."""
    from zhibiao.report import build_report, data_docs_link

    try:
        report = build_report(settings.db_path, settings.report_dir, data_docs_link(settings))
    except Exception as exc:  # noqa: BLE001 - a warning of the run instead
        return None, f"report not written to {settings.report_dir}: {type(exc).__name__}: {exc}"
    return served_url(settings.report_url, report.index), None


@task(
    name="load",
    task_run_name="load-{document[source_id]}",
    cache_policy=NONE,
    retries=2,
    retry_delay_seconds=[1, 5],
)
def load_document(
    settings: Settings,
    document: dict,
    figures: pd.DataFrame,
    quarantined: pd.DataFrame,
    run_id: str,
    replace: bool = False,
) -> load.LoadResult:
    """Retried only for the lock of another writer; the load itself is one transaction."""
    with db.connect(settings.db_path) as con:
        result = load.load_document(
            con,
            document,
            figures,
            extractor_version=EXTRACTOR_VERSION,
            run_id=run_id,
            replace=replace,
        )
        if not quarantined.empty:
            load.record_quarantine(
                con,
                quarantine_frame(quarantined),
                document_id=document["document_id"],
                source_id=document.get("source_id"),
                run_id=run_id,
                stage="validate",
            )
    return result


def quarantine_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Rejected figures as quarantine rows: the columns it has, the whole row in payload."""
    keep = [
        c
        for c in frame.columns
        if c
        in {
            "reason",
            "failed_expectation",
            "indicator_code",
            "indicator_label",
            "period",
            "measure",
            "value",
            "unit",
            "evidence",
            "stage",
        }
    ]
    out = frame[keep].copy()
    out["payload"] = frame.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    return out


def store_snapshot(settings: Settings, fetched: fetching.FetchResult) -> str:
    path = snapshots.store(settings.data_dir, fetched.body, fetched.meta())
    return str(path)


def published_on(source: Source, decoded: Decoded | None, fetched_at: dt.datetime) -> dt.date:
    """The registry's date wins, then the document's own, then the day we fetched it."""
    if source.published_on:
        return source.published_on
    if decoded is not None and decoded.published_on:
        return dt.date.fromisoformat(decoded.published_on)
    return fetched_at.date()
