"""Raw bytes of a fetched document to the clean Simplified-Chinese text the figure extractor reads.

Pure functions: bytes in, ``Decoded`` out. The format is sniffed from the bytes (PDF magic,
markup), the charset comes from a BOM, the HTTP header, ``<meta>``, else detection; each
format then has its own route to paragraphs (html_text, pdf_text) before ``normalize_text``
gives every document one spelling.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from zhibiao.transforms.charset import (
    BINARY,
    BOMS,
    CharsetError,
    declared_charsets,
    decode_bytes,
    utf16_codec,
)
from zhibiao.transforms.doc_meta import date_line, find_published_on, heading_title, labelled_date
from zhibiao.transforms.excel_text import is_workbook, workbook_lines
from zhibiao.transforms.html_text import html_text
from zhibiao.transforms.pdf_text import looks_like_layout_text, pdf_pages, repair_layout
from zhibiao.transforms.table_text import tab_tables
from zhibiao.transforms.text_cleanup import normalize_text

__all__ = ["Decoded", "DecodeError", "decode", "decode_file", "normalize_text"]


@dataclass(frozen=True)
class Decoded:
    """A document as clean text plus what it says about itself.

    ``encoding`` is the charset the bytes were decoded with (``gb18030`` for a declared
    gb2312/gbk); a PDF's text comes from its font maps, not a charset, so it says ``unicode``.
    """

    text: str  # one paragraph per line
    encoding: str
    format: str  # text, html, pdf, excel
    title: str | None
    published_on: str | None  # YYYY-MM-DD as the document states it
    publisher: str | None = None  # the site or body that published it (an HTML page's name)


class DecodeError(ValueError):
    """The bytes cannot become text; the one-line message says why."""


_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh",
    b"\xd0\xcf\x11\xe0", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ", b"%!PS", b"\x00\x00\x01\x00",
    b"RIFF", b"II*\x00", b"MM\x00*", b"\xfd7zXZ", b"wOFF", b"OggS", b"ID3", b"\x1aE\xdf\xa3",
)  # fmt: skip
_MARKUP = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|span|br|h[1-6])[\s>/]", re.I
)
_HTML_SUFFIXES = (".htm", ".html", ".shtml", ".xhtml")
_CONTROL_BYTES = bytes([*range(1, 9), 0x0B, *range(0x0E, 0x20), 0x7F])
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def decode(raw: bytes, content_type: str | None = None, filename: str | None = None) -> Decoded:
    """Clean text of a fetched document; DecodeError when it holds no readable text."""
    if not raw or not raw.strip():
        raise DecodeError("empty document: no bytes or only whitespace")
    if b"%PDF-" in raw[:1024]:
        return _decode_pdf(raw)
    if is_workbook(raw):
        return _decode_workbook(raw)
    if _looks_binary(raw):
        raise DecodeError(BINARY)
    try:
        text, encoding = decode_bytes(raw, declared_charsets(raw, content_type))
    except CharsetError as exc:
        raise DecodeError(str(exc)) from exc
    if not text.strip():
        raise DecodeError("empty document: only whitespace")
    if len(_CONTROL.findall(text[:8192])) > 0.02 * len(text[:8192]):
        raise DecodeError(BINARY)
    if _is_html(text, content_type, filename):
        return _decode_html(text, encoding)
    return _decode_plain(text, encoding)


def _looks_binary(raw: bytes) -> bool:
    """File magic, or control bytes that no text charset (GB18030, Big5, UTF-8) produces."""
    if raw.startswith(tuple(bom for bom, _ in BOMS)) or utf16_codec(raw):
        return False
    if raw.startswith(_MAGIC):
        return True
    sample = raw[:8192]
    return sum(sample.count(b) for b in _CONTROL_BYTES) > 0.01 * len(sample)


def decode_file(path: str | Path) -> Decoded:
    """decode() for a file on disk, its name standing in for the HTTP content type."""
    path = Path(path)
    return decode(path.read_bytes(), filename=path.name)


def _decode_pdf(raw: bytes) -> Decoded:
    try:
        pages, meta_title = pdf_pages(raw)
    except ValueError as exc:
        raise DecodeError(str(exc)) from exc
    text = normalize_text(repair_layout(pages))
    if len(re.sub(r"\s", "", text)) < max(10, 5 * len(pages)):
        raise DecodeError("PDF without a text layer (scanned pages?): it needs OCR")
    title = heading_title(text) or _plausible_pdf_title(meta_title)
    return Decoded(text, "unicode", "pdf", title, find_published_on(text))


def _decode_workbook(raw: bytes) -> Decoded:
    try:
        text = normalize_text("\n".join(workbook_lines(raw)))
    except ValueError as exc:
        raise DecodeError(str(exc)) from exc
    if not text:
        raise DecodeError("workbook without a table of figures")
    return Decoded(text, "unicode", "excel", heading_title(text), find_published_on(text))


def _plausible_pdf_title(title: str | None) -> str | None:
    """Document-info titles are often the authoring tool's file name, not the document's."""
    if (
        not title
        or not re.search(r"[\u4e00-\u9fff]", title)
        or re.search(r"Microsoft|\.docx?$|\.wps$", title)
    ):
        return None
    return normalize_text(title) or None


def _decode_html(markup: str, encoding: str) -> Decoded:
    try:
        page = html_text(markup)
    except (ValueError, etree.ParserError) as exc:
        raise DecodeError(f"unparseable HTML: {exc}".splitlines()[0]) from exc
    text = normalize_text(page.text)
    if not text:
        raise DecodeError("empty document: the HTML page has no text")
    page_text = normalize_text(page.page_text)
    published_on = (
        page.published_on or labelled_date(text) or labelled_date(page_text) or date_line(text)
    )
    title = normalize_text(page.title or "") or heading_title(text)
    publisher = normalize_text(page.publisher or "") or None
    return Decoded(text, encoding, "html", title, published_on, publisher)


def _decode_plain(text: str, encoding: str) -> Decoded:
    text = tab_tables(text)
    if looks_like_layout_text(text):
        text = repair_layout(text.split("\f"))
    text = normalize_text(text)
    if not text:
        raise DecodeError("empty document: only whitespace")
    return Decoded(text, encoding, "text", heading_title(text), find_published_on(text))


def _is_html(text: str, content_type: str | None, filename: str | None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    if filename and filename.lower().endswith(_HTML_SUFFIXES):
        return True
    return bool(_MARKUP.search(text[:8192]))
