"""One route from a document's bytes to its figures, for the flow, `zhibiao extract`, the
golden tests and the bench alike.

When two callers read one document differently (one passing the HTML title, one not), the
same bytes give two sets of figures; so there is one function, and what each caller knows
about the source travels in one value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from zhibiao.transforms import catalog, lexicon
from zhibiao.transforms.decode import Decoded, decode
from zhibiao.transforms.extract import extract_figures
from zhibiao.transforms.limits import UNLIMITED, Limits


@dataclass(frozen=True)
class SourceHints:
    """What the registry (or the command line) says about a document: defaults that the
    document's own title, dateline and publisher line override where they are explicit."""

    region: str | None = None
    year: int | None = None  # a reference year the caller insists on (--year)
    published_on: dt.date | None = None  # the registry's publication date
    fetched_on: dt.date | None = None  # the last resort for a year: when zhibiao got it
    content_type: str | None = None  # the HTTP Content-Type, charset included
    name: str = ""  # file name or final URL: its suffix says the format


def read_document(
    raw: bytes, hints: SourceHints, limits: Limits = UNLIMITED
) -> tuple[Decoded, pd.DataFrame]:
    """Decode the bytes, extract every figure, and put the levels of catalog indicators in
    the catalog's unit; DecodeError when there is no text, LimitExceeded when decoding and
    extracting pass the deadline or the figures the cap of `limits`."""
    budget = limits.start()
    decoded = decode(raw, content_type=hints.content_type, filename=hints.name)
    budget.check_time("after decoding, before extraction")
    figures = extract_figures(
        decoded.text,
        region=hints.region,
        year=default_year(hints, decoded),
        title=decoded.title,
        publisher=decoded.publisher,
        published_year=published_year(hints, decoded),
        budget=budget,
    )
    return decoded, catalog.to_catalog_units(figures)


LEAD_CHARS = 400  # the title and the lead paragraph of a news story or a release


def published_year(hints: SourceHints, decoded: Decoded) -> int | None:
    """The year of writing: the registry's date, the document's own, the year its lead
    names (a text that dates itself nowhere else), the day it was fetched."""
    if hints.published_on:
        return hints.published_on.year
    if decoded.published_on:
        return dt.date.fromisoformat(decoded.published_on).year
    if year := lead_year(decoded.text):
        return year
    return hints.fetched_on.year if hints.fetched_on else None


def lead_year(text: str) -> int | None:
    """The first year the lead names with a period of its own (2014年上半年), or None."""
    match = lexicon.regex("lead_year").search(text[:LEAD_CHARS])
    return int(match.group(1)) if match else None


def default_year(hints: SourceHints, decoded: Decoded) -> int | None:
    """The year in force where the text names none: the caller's, else the publication's
    (the registry's date, the document's own 发布时间, its lead's year, the fetch day)."""
    return hints.year or published_year(hints, decoded)
