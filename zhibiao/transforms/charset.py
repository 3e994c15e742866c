"""Which charset a document's bytes are in: BOM, HTTP header, <meta>, then detection.

Chinese official sites declare gb2312 while serving GBK or GB18030 characters, keep a
gb2312 <meta> after moving to UTF-8, and serve Big5 from Hong Kong, Macao and Taiwan.
A wrong declaration must not produce mojibake: it falls back to detection.
"""

import codecs
import re
from functools import cache

import charset_normalizer


class CharsetError(ValueError):
    """No charset decodes the bytes; the message says why in one line."""


BINARY = "binary content, not text, HTML or PDF"
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
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
# Detection chooses among the charsets Chinese official sites use; anything else would be
# mojibake (a Japanese or Cyrillic code page "decoding" GBK bytes), so it is an error instead.
_DETECTABLE = ["utf_8", "gb18030", "big5", "big5hkscs"]


def declared_charsets(raw: bytes, content_type: str | None) -> list[str]:
    """Charsets the document claims, most authoritative first: HTTP header, then markup."""
    declared = []
    if content_type and (match := _CHARSET_PARAM.search(content_type)):
        declared.append(match.group(1))
    head = raw[:4096]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        if match := pattern.search(head):
            declared.append(match.group(1).decode("ascii", "replace"))
    return declared


def decode_bytes(raw: bytes, declared: list[str]) -> tuple[str, str]:
    """Text and the charset that decoded it: BOM, then each declared charset, then detection.

    A declared charset that does not decode the bytes is a wrong declaration, so detection
    takes over instead of producing mojibake; so does a legacy declaration on valid UTF-8
    (sites that moved to UTF-8 and kept their gb2312 template).
    """
    for bom, codec in BOMS:
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
    except CharsetError:
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
    if codec := utf16_codec(raw):
        try:
            return raw.decode(codec), "utf-16"
        except UnicodeDecodeError:
            pass
    raise CharsetError(BINARY)


def utf16_codec(raw: bytes) -> str | None:
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
        raise CharsetError(
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
