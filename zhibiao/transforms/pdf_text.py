"""PDF text layer, and the repair of layout text (PDF or plain text copied from one).

A PDF's text layer keeps the page layout: sentences broken at every line end, running
headers and footers on each page, page numbers, tables as rows of space-separated cells.
The extractor needs whole sentences, so ``repair_layout`` undoes the layout.
"""

import io
import re
import unicodedata
from statistics import median

import pypdf

from zhibiao.transforms.table_text import is_number, table_sentences

# A paragraph ends at 。！？ or ：; after ； or a closing quote a line ends its paragraph only
# when it is short: at the full line width, ；and ” are where the wrap fell mid-sentence.
_ENDS_SENTENCE = "。！？：!?:"
_ENDS_IF_SHORT = "；;”」』"
_CONTINUES = "，、（(“《「—-"
_PAGE_NUMBER = re.compile(
    r"^(?:\d{1,4}|[-—–－~]+\s*\d{1,4}\s*[-—–－~]+|第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．](?!\d)"
    r"|第[一二三四五六七八九十\d]+[章节部分篇条]|[表图]\s*\d|附件|附表|注[:：]|——|[●○■□◆▲★•])"
)
_TABLE_HEADER_WORD = re.compile(r"单位|绝对|增长|增速|同比|比上年|比重|数值|本年|本期|\d+月|±")
_EDGE = 3  # lines at the top and bottom of a page where running headers and footers sit
_RUNNING_MAX = 40  # characters: a running header or footer is a short line
_SHORT = 0.7  # a line narrower than this share of a full line may end its paragraph
_INDENTS = ("\u3000", "  ", "\t")
_CLAUSE = re.compile(r"[，、；：,;:]")
_NEW_PARAGRAPH = "\u2029"  # an indented line opens a paragraph (a page-edge blank does not)


def pdf_pages(raw: bytes) -> tuple[list[str], str | None]:
    """Text of each page and the document-info title; ValueError for an unreadable PDF."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted PDF: cannot read its text without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except ValueError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files
        raise ValueError(f"unreadable PDF: {type(exc).__name__}: {exc}".splitlines()[0]) from exc
    return pages, title


def looks_like_layout_text(text: str) -> bool:
    """Plain text copied out of a PDF: form feeds, or mostly lines broken mid-sentence."""
    if "\f" in text:
        return True
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 5:
        return False
    ends = _ENDS_SENTENCE + _ENDS_IF_SHORT
    broken = sum(1 for line in lines[:-1] if line[-1] not in ends and not _HEADING.match(line))
    return broken >= 0.5 * (len(lines) - 1) and median(_width(line) for line in lines) <= 90


def repair_layout(pages: list[str]) -> str:
    """Whole paragraphs from page texts: page furniture dropped, broken lines joined. A
    blank line at a page's edge is layout (the gap under a running header), not the end of
    a paragraph: …下降2.4%。人均地区 | — 1 — | header | 生产总值58438元 is one sentence."""
    page_lines = _mark_indented_paragraphs([page.strip("\n\r\f").split("\n") for page in pages])
    page_lines = [_drop_page_numbers(lines) for lines in page_lines]
    page_lines = [_trim_blank_edges(lines) for lines in _drop_running_lines(page_lines)]
    flat = ["" if line == _NEW_PARAGRAPH else line for lines in page_lines for line in lines]
    return "\n".join(_join_broken_lines(_tables_to_sentences(flat)))


def _trim_blank_edges(lines: list[str]) -> list[str]:
    """The page without blank lines at its edges; an indented first line still opens a
    paragraph."""
    filled = [i for i, line in enumerate(lines) if _filled(line)]
    if not filled:
        return []
    start = filled[0] - 1 if filled[0] and lines[filled[0] - 1] == _NEW_PARAGRAPH else filled[0]
    return lines[start : filled[-1] + 1]


def _mark_indented_paragraphs(pages: list[list[str]]) -> list[list[str]]:
    """Stripped lines, with a paragraph break ("") before an indented first line, where
    indentation marks paragraphs (some lines indented, not nearly all: that is layout)."""
    filled = [line for lines in pages for line in lines if line.strip()]
    indented = sum(1 for line in filled if line.startswith(_INDENTS))
    use_indent = 0 < indented < 0.9 * len(filled)
    marked = []
    for lines in pages:
        page: list[str] = []
        for line in lines:
            if use_indent and line.startswith(_INDENTS):
                page.append(_NEW_PARAGRAPH)
            page.append(line.strip())
        marked.append(page)
    return marked


def _drop_page_numbers(lines: list[str]) -> list[str]:
    filled = [i for i, line in enumerate(lines) if _filled(line)]
    edges = set(filled[:1] + filled[-1:])
    return [
        line
        for i, line in enumerate(lines)
        if not (_PAGE_NUMBER.match(line) and (not _BARE_NUMBER.match(line) or i in edges))
    ]


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """A short line found at the top (or the bottom) of most pages is a running header
    (or footer); body lines are long or end a sentence, even where a document repeats them."""
    if len(pages) < 2:
        return pages
    running: set[str] = set()
    for edge in (_top, _bottom):
        counts: dict[str, int] = {}
        for lines in pages:
            for key in {_running_key(lines[i]) for i in edge(lines) if _may_run(lines[i])}:
                counts[key] = counts.get(key, 0) + 1
        running |= {key for key, n in counts.items() if n >= 2 and n > len(pages) / 2}
    kept = []
    for lines in pages:
        edges = _top(lines) | _bottom(lines)
        kept.append(
            [
                line
                for i, line in enumerate(lines)
                if i not in edges or _running_key(line) not in running
            ]
        )
    return kept


def _may_run(line: str) -> bool:
    return 0 < len(line) <= _RUNNING_MAX and line[-1] not in "。！？"


def _filled(line: str) -> bool:
    return bool(line) and line != _NEW_PARAGRAPH


def _top(lines: list[str]) -> set[int]:
    return set([i for i, line in enumerate(lines) if _filled(line)][:_EDGE])


def _bottom(lines: list[str]) -> set[int]:
    return set([i for i, line in enumerate(lines) if _filled(line)][-_EDGE:])


def _running_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _tables_to_sentences(lines: list[str]) -> list[str]:
    """Space-separated table rows under a header line become sentences (table_text)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        header = lines[i].split()
        rows = []
        if _is_table_header(header):
            while i + 1 + len(rows) < len(lines) and (
                row := _table_row(lines[i + 1 + len(rows)], header)
            ):
                rows.append(row)
        if rows:
            out.extend(["", *table_sentences([header, *rows]), ""])  # "" = paragraph break
            i += 1 + len(rows)
        else:
            out.append(lines[i])
            i += 1
    return out


def _is_table_header(cells: list[str]) -> bool:
    return (
        len(cells) >= 3
        and not any(is_number(c) for c in cells)
        and bool(_TABLE_HEADER_WORD.search("".join(cells[1:])))
    )


def _table_row(line: str, header: list[str]) -> list[str] | None:
    cells = unicodedata.normalize("NFKC", line).split()
    if len(cells) < 2 or is_number(cells[0]) or not is_number(cells[-1]):
        return None
    if len(cells) == len(header):
        return cells
    unit_at = next((i for i, h in enumerate(header) if re.fullmatch(r"(?:计量)?单位", h)), None)
    if unit_at and len(cells) == len(header) - 1:
        return cells[:unit_at] + [""] + cells[unit_at:]
    return None


def _join_broken_lines(lines: list[str]) -> list[str]:
    widths = sorted(_width(line) for line in lines if len(line) > 5)
    full = widths[int(len(widths) * 0.8)] if len(widths) >= 5 else 0
    paragraphs: list[str] = []
    open_paragraph = False
    for line in lines:
        if not line:
            open_paragraph = False
            continue
        if open_paragraph and not _HEADING.match(line):
            paragraphs[-1] = _glue(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        open_paragraph = _continues(paragraphs[-1], line, full)
    return paragraphs


def _continues(paragraph: str, last_line: str, full: int) -> bool:
    """A line continues unless it ends a sentence, or is short where lines are usually long
    and reads as a title (no clause punctuation: 2024年一季度全区经济运行情况)."""
    end = paragraph[-1]
    if end in _ENDS_SENTENCE or (
        end in "”」』" and len(paragraph) > 1 and paragraph[-2] in _ENDS_SENTENCE
    ):
        return False
    if end in _CONTINUES:
        return True
    if _is_row_of_numbers(last_line) or (_HEADING.match(last_line) and len(last_line) <= 20):
        return False
    return _width(last_line) >= _SHORT * full or bool(_CLAUSE.search(last_line))


def _is_row_of_numbers(line: str) -> bool:
    cells = line.split()
    return len(cells) >= 3 and sum(is_number(c) for c in cells) >= 2 and is_number(cells[-1])


def _glue(left: str, right: str) -> str:
    pair = left[-1] + right[0]
    space = " " if pair.isascii() and pair.isalnum() and not pair.isdigit() else ""
    return left + space + right


def _width(line: str) -> int:
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in line)
