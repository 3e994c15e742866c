"""Raw bytes of a fetched document to the clean Simplified-Chinese text the figure extractor reads.

Pure functions: bytes in, ``Decoded`` out. The format is sniffed from the bytes (PDF magic,
markup), the charset comes from a BOM, the HTTP header, ``<meta>``, else detection; each
format then has its own route to paragraphs (html_text, pdf_text) before ``normalize_text``
gives every document one spelling.
"""

import codecs
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import charset_normalizer
from lxml import etree

from zhibiao.transforms.doc_meta import date_line, find_published_on, heading_title, labelled_date
from zhibiao.transforms.html_text import html_text
from zhibiao.transforms.pdf_text import looks_like_layout_text, pdf_pages, repair_layout
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
    format: str  # text, html, pdf
    title: str | None
    published_on: str | None  # YYYY-MM-DD as the document states it


class DecodeError(ValueError):
    """The bytes cannot become text; the one-line message says why."""


_BINARY = "binary content, not text, HTML or PDF"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh",
    b"\xd0\xcf\x11\xe0", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ", b"%!PS", b"\x00\x00\x01\x00",
    b"RIFF", b"II*\x00", b"MM\x00*", b"\xfd7zXZ", b"wOFF", b"OggS", b"ID3", b"\x1aE\xdf\xa3",
)  # fmt: skip
# A superset decodes everything its subset does: WHATWG reads gb2312 as gbk; gb18030 holds both.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5"}
_FALLBACK_CODECS = {"big5": ("big5hkscs",)}
_ALIASES = {
    "x-gbk": "gbk",
    "x-x-big5": "big5",
    "cn-big5": "big5",
    "x-euc-cn": "gb2312",
    "gb_2312": "gb2312",
}
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"<\?xml[^>]{0,100}?encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_MARKUP = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|table|span|br|h[1-6])[\s>/]", re.I
)
_HTML_SUFFIXES = (".htm", ".html", ".shtml", ".xhtml")
_CONTROL_BYTES = bytes([*range(1, 9), 0x0B, *range(0x0E, 0x20), 0x7F])
# Detection chooses among the charsets Chinese official sites use; anything else would be
# mojibake (a Japanese or Cyrillic code page "decoding" GBK bytes), so it is an error instead.
_DETECTABLE = ["utf_8", "gb18030", "big5", "big5hkscs"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def decode(raw: bytes, content_type: str | None = None, filename: str | None = None) -> Decoded:
    """Clean text of a fetched document; DecodeError when it holds no readable text."""
    if not raw or not raw.strip():
        raise DecodeError("empty document: no bytes or only whitespace")
    if b"%PDF-" in raw[:1024]:
        return _decode_pdf(raw)
    if _looks_binary(raw):
        raise DecodeError(_BINARY)
    text, encoding = _decode_bytes(raw, _declared_charsets(raw, content_type))
    if not text.strip():
        raise DecodeError("empty document: only whitespace")
    if len(_CONTROL.findall(text[:8192])) > 0.02 * len(text[:8192]):
        raise DecodeError(_BINARY)
    if _is_html(text, content_type, filename):
        return _decode_html(text, encoding)
    return _decode_plain(text, encoding)


def _looks_binary(raw: bytes) -> bool:
    """File magic, or control bytes that no text charset (GB18030, Big5, UTF-8) produces."""
    if raw.startswith(tuple(bom for bom, _ in _BOMS)) or _utf16_codec(raw):
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
    return Decoded(text, encoding, "html", title, published_on)


def _decode_plain(text: str, encoding: str) -> Decoded:
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


def _declared_charsets(raw: bytes, content_type: str | None) -> list[str]:
    """Charsets the document claims, most authoritative first: HTTP header, then markup."""
    declared = []
    if content_type and (match := _CHARSET_PARAM.search(content_type)):
        declared.append(match.group(1))
    head = raw[:4096]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        if match := pattern.search(head):
            declared.append(match.group(1).decode("ascii", "replace"))
    return declared


def _decode_bytes(raw: bytes, declared: list[str]) -> tuple[str, str]:
    """Text and the charset that decoded it: BOM, then each declared charset, then detection.

    A declared charset that does not decode the bytes is a wrong declaration, so detection
    takes over instead of producing mojibake; so does a legacy declaration on valid UTF-8
    (sites that moved to UTF-8 and kept their gb2312 template).
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), codec.removesuffix("-le").removesuffix("-be")
            except UnicodeDecodeError:
                break
    if b"\x00" in raw[:8192]:
        return _decode_utf16_without_bom(raw)
    for name in declared:
        for codec in _codecs(name):
            if codec != "utf-8" and _is_utf8(raw):
                return raw.decode("utf-8"), "utf-8"
            try:
                return _unless_mojibake(raw.decode(codec), codec, raw)
            except UnicodeDecodeError:
                continue
    return _detect(raw)


def _unless_mojibake(text: str, codec: str, raw: bytes) -> tuple[str, str]:
    """GBK bytes often decode as Big5 (and the reverse) without error, into rare characters."""
    if codec not in ("gb18030", "big5", "big5hkscs") or _common_share(text) >= 0.5:
        return text, codec
    try:
        detected = _detect(raw)
    except DecodeError:
        return text, codec
    return detected if _common_share(detected[0]) > _common_share(text) + 0.3 else (text, codec)


def _codecs(name: str) -> tuple[str, ...]:
    """Python codecs to try for a declared charset name, superset first; () when unknown."""
    try:
        name = name.strip().lower()
        canonical = codecs.lookup(_ALIASES.get(name, name)).name
    except LookupError:
        return ()
    canonical = {"cp936": "gbk", "euc_cn": "gb2312", "big5-tw": "big5"}.get(canonical, canonical)
    first = _SUPERSETS.get(canonical, canonical)
    if first.startswith("utf-16") or first.startswith("utf-32"):
        return ()  # a byte-oriented page cannot be UTF-16; WHATWG reads that claim as UTF-8
    return (first, *_FALLBACK_CODECS.get(first, ()))


def _is_utf8(raw: bytes) -> bool:
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_utf16_without_bom(raw: bytes) -> tuple[str, str]:
    """NUL bytes mean binary, unless they sit every other byte: UTF-16 with no BOM."""
    if codec := _utf16_codec(raw):
        try:
            return raw.decode(codec), "utf-16"
        except UnicodeDecodeError:
            pass
    raise DecodeError(_BINARY)


def _utf16_codec(raw: bytes) -> str | None:
    sample = raw[:8192]
    for codec, nul_at in (("utf-16-le", 1), ("utf-16-be", 0)):
        nuls, other = sample[nul_at::2].count(0), sample[1 - nul_at :: 2].count(0)
        if nuls >= 0.1 * len(sample) / 2 and other * 4 < nuls and len(raw) % 2 == 0:
            return codec
    return None


def _detect(raw: bytes) -> tuple[str, str]:
    if raw.isascii() or _is_utf8(raw):
        return raw.decode("utf-8"), "utf-8"
    best = charset_normalizer.from_bytes(raw, cp_isolation=_DETECTABLE).best()
    if best is None:
        raise DecodeError(
            "undecodable bytes: no declared or detected charset decodes this document"
        )
    decoded = [(str(best), best.encoding)]
    for codec in ("gb18030", "big5", "big5hkscs"):
        try:
            decoded.append((raw.decode(codec), codec))
        except UnicodeDecodeError:
            continue
    text, codec = max(decoded, key=lambda pair: _common_share(pair[0]))  # first wins a tie
    return text, _codecs(codec)[0] if _codecs(codec) else codec


def _common_share(text: str) -> float:
    """Share of hanzi among the commonly used ones: a short GBK text read as Big5 (or the
    reverse) decodes without error but into rare characters, which detection cannot see."""
    hanzi = [c for c in text[:4000] if "\u4e00" <= c <= "\u9fff"]
    return sum(map(_is_common_hanzi, hanzi)) / len(hanzi) if hanzi else 0.0


@cache
def _is_common_hanzi(char: str) -> bool:
    """In GB2312 level 1 (B0A1-D7F9) or Big5 frequently-used (A440-C67E)."""
    for codec, low, high in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            lead = char.encode(codec)[0]
        except UnicodeEncodeError:
            continue
        if low <= lead <= high:
            return True
    return False
