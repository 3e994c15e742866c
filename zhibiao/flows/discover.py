"""Listing and folder entries of the registry: find their documents each night and send each
new one down the path of one document (flows/document.py).

A listing whose page did not change costs one conditional GET; a link is fetched once, ever
(discovered_links), unless its failure was transient; a file or link whose bytes are already
loaded is the same document, whatever its name or URL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from zhibiao import progress
from zhibiao.discovery import dates
from zhibiao.discovery import links as listing
from zhibiao.discovery.crawl import Crawler
from zhibiao.discovery.folder import folder_files
from zhibiao.fetch import FetchError, FetchResult
from zhibiao.flows.discovered import document_source, fetch_and_read, source_failed
from zhibiao.flows.document import process_source
from zhibiao.flows.fanout import Pending
from zhibiao.flows.steps import DocumentOutcome
from zhibiao.registry import Source
from zhibiao.settings import Settings
from zhibiao.warehouse import db, links, source_state


class Outcomes(list):
    """The outcomes of one registry entry; its figures count on the progress bar."""

    @property
    def figures_loaded(self) -> int:
        return sum(o.figures_loaded for o in self)


def process_registry(registry: list[Source], settings: Settings, run_id: str) -> list:
    """Every entry in order: a plain entry is one document, a listing or folder many.
    The plain entries' new documents are read together, on Dask when there are more than
    a handful (flows/fanout.py); a listing's keep the path of one document, whose link
    bookkeeping follows each fetch."""
    owned = {s.url for s in registry if s.discover is None}
    crawler = Crawler(settings)  # one per run: the per-host delay spans all listings
    with Pending(settings, run_id) as pending:
        per_entry = progress.each(
            registry,
            lambda s: s.id,
            lambda s: Outcomes(process_entry(s, settings, run_id, owned, crawler, pending)),
        )
        return pending.finish([outcome for outcomes in per_entry for outcome in outcomes])


def process_entry(
    source: Source,
    settings: Settings,
    run_id: str,
    owned: frozenset[str] | set[str] = frozenset(),
    crawler: Crawler | None = None,
    pending: Pending | None = None,
) -> list[DocumentOutcome]:
    """The outcomes of one registry entry; a failure of one is recorded, never raised."""
    if source.discover is None:
        return [process_source(source, settings, run_id, pending)]
    try:
        if source.discover.folder:
            return _process_folder(source, settings, run_id, owned)
        return _process_listing(source, settings, run_id, crawler or Crawler(settings))
    except Exception as exc:  # noqa: BLE001 - recorded below, the run goes on
        reason = f"unexpected error in discover: {type(exc).__name__}: {exc}"
        source_failed(settings, source, "discover", reason, run_id)
        return [DocumentOutcome(source.id, "failed", stage="discover", error=reason)]


# --- folders ------------------------------------------------------------------------------


def _process_folder(
    source: Source, settings: Settings, run_id: str, owned: frozenset[str] | set[str]
) -> list[DocumentOutcome]:
    """Each file of the folder (save those another entry names) is a document of its own."""
    try:
        files = folder_files(source.url, source.discover.files, settings)
    except FetchError as exc:
        source_failed(settings, source, "fetch", str(exc), run_id)
        return [DocumentOutcome(source.id, "failed", stage="fetch", error=str(exc))]
    with db.connect(settings.db_path) as con:
        source_state.record_fetch(con, source.id, status="new")
    today = dt.date.today()
    outcomes = []
    for path in files:
        if str(path) not in owned:
            item = document_source(
                source, str(path), path.stem, dates.printed_date(path.name, today)
            )
            outcomes.append(fetch_and_read(source, item, settings, run_id, source.url)[0])
    return outcomes or [
        DocumentOutcome(source.id, "unchanged", notes=["no files of its own in the folder"])
    ]


# --- listings -----------------------------------------------------------------------------


def _process_listing(
    source: Source, settings: Settings, run_id: str, crawler: Crawler
) -> list[DocumentOutcome]:
    """The listing's pages, then each new link whose text or URL matches, then the PDF and
    Excel attachments of each page so found. A first page answered 304 leaves only the
    links that failed transiently on an earlier night to fetch again."""
    with db.connect(settings.db_path) as con:
        validators = source_state.validators(con, source.id)
    try:
        first = crawler.get(source.url, validators)
        found, notes = _listing_links(source, first, crawler) if first.status == "new" else ([], [])
    except (FetchError, listing.ListingError) as exc:
        reason = str(exc) if isinstance(exc, FetchError) else f"{source.url}: {exc}"
        source_failed(settings, source, "fetch", reason, run_id)
        return [DocumentOutcome(source.id, "failed", stage="fetch", error=reason)]
    with db.connect(settings.db_path) as con:
        status = "unchanged" if first.status == "not_modified" else "new"
        source_state.record_fetch(
            con, source.id, status=status, etag=first.etag, last_modified=first.last_modified
        )
        settled = links.settled(con, source.id)
        retry = links.retries(con, source.id)
    fresh = [(link, page) for link, page in found if link.url not in settled]
    pattern = source.discover.links
    wanted = [(link, page) for link, page in fresh if listing.matches(link, pattern)]
    _record_filtered(settings, source, [f for f in fresh if f not in wanted], run_id)
    # Links that failed transiently are fetched again as they were first found (an
    # attachment matches no pattern, and keeps its page's kind), unless the page lists them.
    on_page = {link.url for link, _ in fresh}
    again = [r for r in retry if r["url"] not in on_page]
    if first.status == "not_modified" and not again:
        return [DocumentOutcome(source.id, "unchanged", notes=["304 not modified: nothing new"])]
    items = [
        (document_source(source, link.url, link.text, link.printed), page) for link, page in wanted
    ] + [
        (
            dataclasses.replace(
                document_source(source, r["url"], r["title"] or "", r["published_on"]),
                kind=r["kind"],
                period=r["period"],
            ),
            r["found_on"],
        )
        for r in again
    ]
    outcomes = []
    for item, page in items:
        outcome, fetched = fetch_and_read(source, item, settings, run_id, page, crawler.get)
        outcomes.append(outcome)
        settled.add(item.url)
        outcomes += _attachments(source, item, fetched, settings, run_id, crawler, settled)
    if not outcomes:
        notes.append(f"no new links among the {len(found)} on the listing")
        return [DocumentOutcome(source.id, "unchanged", notes=notes)]
    return outcomes


def _listing_links(
    source: Source, first: FetchResult, crawler: Crawler
) -> tuple[list[tuple[listing.Link, str]], list[str]]:
    """The links of the listing's pages, each with the page it was on. A later page that
    fails ends the pagination (a column shorter than `pages` answers 404), with a note."""
    today = dt.date.today()
    found = [(link, source.url) for link in _links(first, today)]
    notes = []
    for n in range(1, source.discover.pages):
        url = listing.page_url(source.url, n)
        try:
            found += [(link, url) for link in _links(crawler.get(url), today)]
        except (FetchError, listing.ListingError) as exc:
            notes.append(f"pagination stopped at page {n + 1}: {exc}")
            break
    unique = {}
    for link, page in found:
        unique.setdefault(link.url, (link, page))
    return list(unique.values()), notes


def _links(fetched: FetchResult, today: dt.date) -> list[listing.Link]:
    header = fetched.content_type
    if header and fetched.charset:
        header = f"{header}; charset={fetched.charset}"
    return listing.page_links(fetched.body or b"", fetched.final_url, header, today)


def _attachments(
    entry: Source,
    page: Source,
    fetched: FetchResult | None,
    settings: Settings,
    run_id: str,
    crawler: Crawler,
    settled: set[str],
) -> list[DocumentOutcome]:
    """The PDF and Excel files a release page links: documents of their own, of the page's
    kind, period and date unless their own names say otherwise."""
    if fetched is None or "html" not in (fetched.content_type or ""):
        return []
    try:
        files = listing.attachments(_links(fetched, dt.date.today()))
    except listing.ListingError:
        return []  # the page itself was read (or quarantined) by the document path
    outcomes = []
    for link in files:
        if link.url not in settled:
            item = document_source(entry, link.url, link.text, link.printed, parent=page)
            outcomes.append(fetch_and_read(entry, item, settings, run_id, page.url, crawler.get)[0])
            settled.add(link.url)
    return outcomes


# --- what was left out -----------------------------------------------------------------


def _record_filtered(settings, source: Source, left_out, run_id: str) -> None:
    """Links the entry's pattern does not match: recorded once, never fetched."""
    if not left_out:
        return
    why = f"matches neither text nor URL of {source.discover.links!r}"
    with db.connect(settings.db_path) as con:
        con.execute("begin transaction")
        for link, page in left_out:
            links.record_link(
                con,
                {
                    "url": link.url,
                    "source_id": source.id,
                    "found_on": page,
                    "title": link.text,
                    "published_on": link.printed,
                    "status": "filtered_out",
                    "error": why,
                    "run_id": run_id,
                },
            )
        con.execute("commit")
