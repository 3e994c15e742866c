"""The links of a listing page, an RSS/Atom feed or a release page: pure, bytes in, links out.

A government CMS prints its column as a list of `<li><a href="./202404/t20240429_1.html">
title</a><span>2024-04-29</span></li>`, with relative links, GB18030 bytes and pages
index.html, index_1.html, index_2.html ...; a feed gives the same as entries.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from zhibiao.discovery.dates import printed_date
from zhibiao.transforms.charset import CharsetError, declared_charsets, decode_bytes

# A release's tables as files of their own (统计月报 as Excel, a bulletin as PDF).
ATTACHMENT_SUFFIXES = (".pdf", ".xls", ".xlsx")
# The element that holds a link and the date printed beside it.
_ROW_TAGS = ("li", "tr", "dd", "dt", "p", "div", "span", "td")
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")
_INDEX_PAGE = re.compile(r"^(?P<stem>.*?)(?:_\d+)?(?P<suffix>\.s?html?)$")


@dataclass(frozen=True)
class Link:
    url: str  # absolute, without its #fragment
    text: str  # the link's text (its title attribute when the text is cut short)
    printed: dt.date | None = None  # the date printed beside it


class ListingError(ValueError):
    """The bytes are neither an HTML page nor a feed whose links can be read."""


def page_links(body: bytes, base_url: str, content_type: str | None, today: dt.date) -> list[Link]:
    """The http(s) links of a page or feed, in order, each once."""
    if is_feed(body, content_type):
        return feed_links(body, base_url)
    return html_links(body, base_url, content_type, today)


def is_feed(body: bytes, content_type: str | None) -> bool:
    if content_type and re.search(r"rss|atom", content_type):
        return True
    return bool(_FEED_ROOT.search(body[:4096]))


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """Entries of an RSS or Atom feed; feedparser reads the dialects and their date formats
    (RFC 822 in RSS, RFC 3339 in Atom), which the government feeds mix freely."""
    import feedparser

    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise ListingError(f"not a readable feed: {parsed.bozo_exception}")
    links = []
    for entry in parsed.entries:
        url = _absolute(base_url, entry.get("link") or "")
        if url:
            when = entry.get("published_parsed") or entry.get("updated_parsed")
            printed = dt.date(*when[:3]) if when else None
            links.append(Link(url, " ".join((entry.get("title") or "").split()), printed))
    return _unique(links)


def html_links(body: bytes, base_url: str, content_type: str | None, today: dt.date) -> list[Link]:
    """The links of an HTML page, resolved against its <base href> or its own URL, each
    with the date printed in the row (li, tr …) that holds it."""
    try:
        text, _ = decode_bytes(body, declared_charsets(body, content_type))
        root = lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8")
        )
    except (CharsetError, etree.ParserError, ValueError) as exc:
        raise ListingError(f"not a readable HTML page: {exc}".splitlines()[0]) from None
    base = next((b for b in root.xpath("//base/@href") if b.strip()), None)
    base = urljoin(base_url, base.strip()) if base else base_url
    links = []
    for anchor in root.iter("a"):
        url = _absolute(base, anchor.get("href") or "")
        if not url:
            continue
        shown = " ".join(anchor.text_content().split())
        title = " ".join((anchor.get("title") or "").split())
        # CMS lists cut long titles (…统计公...) and keep the whole one in the title attribute
        cut = shown.endswith(("...", "…", "。。。"))
        label = title if title and (cut or len(title) > len(shown)) else shown
        links.append(Link(url, label, _row_date(anchor, shown, today)))
    return _unique(links)


def attachments(links: list[Link]) -> list[Link]:
    """The links to a PDF or Excel file: a release's tables, documents of their own."""
    return [link for link in links if urlsplit(link.url).path.lower().endswith(ATTACHMENT_SUFFIXES)]


def matches(link: Link, pattern: str) -> bool:
    """The registry's `links` pattern, searched in the link's text and its URL."""
    return bool(re.search(pattern, link.text) or re.search(pattern, link.url))


def page_url(url: str, n: int) -> str:
    """Page n of a CMS column, counting from 0: index.html, index_1.html, index_2.html …
    (a column given as a folder, …/tjsj/, has its pages at …/tjsj/index_1.html)."""
    if n == 0:
        return url
    parts = urlsplit(url)
    folder, _, name = parts.path.rpartition("/")
    match = _INDEX_PAGE.match(name)
    name = f"{match['stem']}_{n}{match['suffix']}" if match else f"index_{n}.html"
    return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{name}", parts.query, ""))


def _absolute(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    url = urldefrag(urljoin(base, href)).url
    # javascript:, mailto:, and above all file: on a page from the network are not links
    # to follow; a stranger's page must not make zhibiao read local files.
    return url if urlsplit(url).scheme in ("http", "https") else None


def _row_date(anchor: lxml.html.HtmlElement, shown: str, today: dt.date) -> dt.date | None:
    """The date printed in the nearest enclosing row that holds only this link."""
    node = anchor
    for _ in range(3):
        node = node.getparent()
        if node is None or node.tag not in _ROW_TAGS or len(node.findall(".//a")) > 1:
            return None
        beside = " ".join(node.text_content().split()).replace(shown, " ")
        if found := printed_date(beside, today):
            return found
    return None


def _unique(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())
