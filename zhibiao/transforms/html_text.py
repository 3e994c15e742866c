"""An HTML page's article text, with statistical tables turned into sentences.

trafilatura removes navigation, footers and sidebars; before it runs, each data table is
replaced by one paragraph per row (table_text), because trafilatura flattens tables to
cells the extractor cannot read. Layout tables (no numbers) are left to trafilatura.
"""

import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

from zhibiao.transforms.doc_meta import parse_date
from zhibiao.transforms.html_flat import flat_text
from zhibiao.transforms.table_text import table_sentences

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "svg", "select", "button")
_BLOCKS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
    "article", "blockquote", "pre", "dd", "dt", "caption", "td", "th", "ul", "ol",
}  # fmt: skip
# Inline markup merged into its text: trafilatura's fallback puts each element on its own
# line, which splits <span>230</span><span>.5</span>亿元 into "230" / ".5" / "亿元".
_INLINE = (
    "span", "font", "b", "strong", "i", "em", "u", "sup", "sub", "small", "big", "ins",
    "label", "nobr", "abbr", "cite", "code", "o:p", "st1:chsdate", "st1:chmetcnv",
)  # fmt: skip
_LINK_LIST_TAGS = ("ul", "ol", "div", "table", "p", "dl")  # not td: a linked row label
_BOILERPLATE = ("header", "footer", "nav", "aside", "form")
_BOILERPLATE_WORDS = (
    r"(^|[\s_-])(header|footer|foot|nav|navbar|menu|breadcrumbs?|crumbs?|sidebar|copyright"
    r"|banner|toolbar|share|related)([\s_-]|$)"
)
_BOILERPLATE_CLASS = etree.XPath(
    "//*[re:test(concat(@class, ' ', @id), $words, 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
_TITLE_META = ("articletitle", "og:title", "title", "dc.title")
_SITE_META = ("sitename", "og:site_name", "application-name")
_DATE_META = (
    "pubdate", "publishdate", "publish_date", "firstpublishedtime", "article:published_time",
    "dc.date", "dc.date.issued", "dcterms.created", "date", "publication_date", "releasedate",
)  # fmt: skip
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_SITE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-—–－]\s)\s*")  # 标题_栏目_网站名


@dataclass(frozen=True)
class HtmlText:
    text: str  # article text, one paragraph per line, not yet normalised
    title: str | None
    published_on: str | None  # from <meta>; the caller looks in the text when None
    page_text: str  # all visible text, where a 发布时间 line in the page chrome is found
    publisher: str | None = None  # the site's name (<meta SiteName>, the <title>'s suffix)


def html_text(markup: str) -> HtmlText:
    """Article text, title and meta date of a page; raises ValueError when it does not parse.

    When libxml2 gives up part way (nesting past its depth limit, a huge text node) the
    tree holds only what came before, so the text comes from html_flat's flat pass instead;
    the <head> parsed before the cut still gives the title and the date.
    """
    markup = _XML_DECLARATION.sub("", markup, count=1)
    parser = lxml.html.HTMLParser()  # one per call: its error log says whether it gave up
    root = lxml.html.document_fromstring(markup, parser=parser)
    for element in root.iter(*_DROP):
        element.drop_tree()
    title, published_on, publisher = _meta_title(root), _meta_date(root), _publisher(root)
    if _gave_up(parser):
        text = flat_text(markup)
        return HtmlText(text, title, published_on, text, publisher)
    page_text = block_text(root)
    _drop_boilerplate(root)
    _drop_link_lists(root)
    etree.strip_tags(root, *_INLINE)
    _tables_to_paragraphs(root)
    _unwrap_layout_tables(root)
    article = _article_text(root)
    return HtmlText(article, title, published_on, page_text, publisher)


def _gave_up(parser: etree.HTMLParser) -> bool:
    """A fatal parser error (ERR_RESOURCE_LIMIT: "Excessive depth in document: 256") ends
    parsing; the errors of ordinary sloppy markup (a stray end tag) are not fatal."""
    return any(error.level == etree.ErrorLevels.FATAL for error in parser.error_log)


def _drop_boilerplate(root: etree._Element) -> None:
    """Navigation, headers and footers by tag, class or id, before trafilatura: on a short
    page it falls back to keeping every text node, menus included. An element holding much
    of the page's text is kept whatever its class says (<body class="nav-open">)."""
    page_length = len(root.text_content()) or 1
    found = list(root.iter(*_BOILERPLATE)) + _BOILERPLATE_CLASS(root, words=_BOILERPLATE_WORDS)
    for element in found:
        if element.getparent() is None or element.tag in ("html", "body"):
            continue
        if len(element.text_content()) < 0.3 * page_length:
            element.drop_tree()


def _drop_link_lists(root: etree._Element) -> None:
    """Short blocks that are mostly link text are menus (首页 | 新闻 | 公开), wherever they sit."""
    dropped: set[etree._Element] = set()
    for element in list(root.iter(*_LINK_LIST_TAGS)):
        if element.getparent() is None or any(a in dropped for a in element.iterancestors()):
            continue
        text = re.sub(r"[\s|｜/>»·•,，、]+", "", element.text_content())
        if not text or len(text) > 300:
            continue
        linked = sum(len(re.sub(r"\s+", "", a.text_content())) for a in element.iter("a"))
        if linked >= 0.7 * len(text):
            dropped.add(element)
            element.drop_tree()


def _meta(root: etree._Element, names: tuple[str, ...]) -> list[str]:
    found = {}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if key in names and (meta.get("content") or "").strip():
            found.setdefault(key, meta.get("content").strip())
    return [found[name] for name in names if name in found]


def _meta_title(root: etree._Element) -> str | None:
    for candidate in _meta(root, _TITLE_META[:2]):
        return candidate
    for heading in root.iter("h1"):
        if text := " ".join(heading.text_content().split()):
            return text
    titles = [" ".join(t.text_content().split()) for t in root.iter("title")]
    if titles and titles[0]:
        return _SITE_SEPARATOR.split(titles[0])[0] or titles[0]
    return None


def _publisher(root: etree._Element) -> str | None:
    """拉萨市旅游发展局 of “雪顿节”期间我市旅游接待情况_统计信息_拉萨市旅游发展局: whose page it
    is, the evidence of 我市 when the article names no place."""
    for candidate in _meta(root, _SITE_META):
        return candidate
    titles = [" ".join(t.text_content().split()) for t in root.iter("title")]
    parts = _SITE_SEPARATOR.split(titles[0]) if titles else []
    return parts[-1] if len(parts) > 1 and parts[-1] else None


def _meta_date(root: etree._Element) -> str | None:
    for content in _meta(root, _DATE_META):
        if found := parse_date(content):
            return found
    return None


def _tables_to_paragraphs(root: etree._Element) -> None:
    """Innermost tables only: an outer table holding tables is page layout."""
    for table in list(root.iter("table")):
        if table.find(".//table") is not None:
            continue
        caption = " ".join(c.text_content().strip() for c in table.iter("caption"))
        lines = table_sentences(_grid(table), caption)
        if not lines:
            continue
        block = lxml.html.Element("div")
        for line in [caption, *lines] if caption else lines:
            paragraph = etree.SubElement(block, "p")
            paragraph.text = line
        block.tail = table.tail
        table.getparent().replace(table, block)


def _unwrap_layout_tables(root: etree._Element) -> None:
    """Tables left after _tables_to_paragraphs hold page layout (old CMS pages put the whole
    article in a cell); as divs, trafilatura sees their paragraphs instead of table rows."""
    for element in root.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
        element.tag = "div"
        for attribute in ("colspan", "rowspan"):
            element.attrib.pop(attribute, None)


def _grid(table: etree._Element) -> list[list[str]]:
    """Cells by row with colspan and rowspan copied into every position they cover."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(table.iter("tr")):
        cells, c = [], 0
        for cell in row.iterchildren("td", "th"):
            while (r, c) in pending:
                cells.append(pending.pop((r, c)))
                c += 1
            text = " ".join(cell.text_content().split())
            for dc in range(_span(cell, "colspan")):
                cells.append(text)
                for dr in range(1, _span(cell, "rowspan")):
                    pending[(r + dr, c + dc)] = text
            c += _span(cell, "colspan")
        while (r, c) in pending:
            cells.append(pending.pop((r, c)))
            c += 1
        grid.append(cells)
    return grid


def _span(cell: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, "1")), 50))
    except ValueError:
        return 1


def _article_text(root: etree._Element) -> str:
    markup = lxml.html.tostring(root, encoding="unicode")
    extracted = trafilatura.extract(
        markup,
        favor_recall=True,
        include_tables=True,
        include_comments=False,
        include_links=False,
        include_images=False,
        deduplicate=False,
        output_format="txt",
    )
    if extracted and extracted.strip():
        return extracted
    return block_text(root)


def block_text(root: etree._Element) -> str:
    """Visible text with a line break at every block element: the fallback body text."""
    body = root.find("body")
    parts: list[str] = []
    for event, element in etree.iterwalk(
        body if body is not None else root, events=("start", "end")
    ):
        if not isinstance(element.tag, str):
            if event == "end" and element.tail:
                parts.append(element.tail)
            continue
        if element.tag in _BLOCKS:
            parts.append("\n")
        if event == "start" and element.text and element.tag not in ("title",):
            parts.append(element.text)
        if event == "end" and element.tail:
            parts.append(element.tail)
    return "\n".join(line.strip() for line in "".join(parts).split("\n") if line.strip())
