"""A page's visible text in one flat pass, for markup lxml's tree cannot hold.

libxml2 stops parsing at the 256th level of nesting (2048 with XML_PARSE_HUGE) and at a text
node over 10 MB, and keeps only the tree built so far: 10,000 nested divs or 3,000 unclosed
tables lose every sentence below that depth. html.parser builds no tree, so nesting costs it
nothing; this pass keeps the text with a line break at every block element and drops what
a reader never sees (scripts, styles, the <title>). It has no boilerplate removal and no
table sentences: it is the fallback that keeps the figures, not the usual route.
"""

from __future__ import annotations

from html.parser import HTMLParser

# Elements whose end tag HTML requires: an omitted </head> must not hide the page.
_HIDDEN = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "svg", "select", "button",
     "title"}
)  # fmt: skip
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
     "article", "blockquote", "pre", "dd", "dt", "caption", "td", "th", "ul", "ol", "hr",
     "header", "footer", "nav", "aside", "main", "body", "dl", "form", "figure"}
)  # fmt: skip


class _FlatText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: dict[str, int] = {}  # open hidden elements by tag: their text is skipped

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden[tag] = self.hidden.get(tag, 0) + 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:  # <br/>, <hr/>
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.hidden.get(tag):
            self.hidden[tag] -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not any(self.hidden.values()):
            self.parts.append(data)


def flat_text(markup: str) -> str:
    """Visible text of the markup, one block per line, however deep or unclosed its tags."""
    parser = _FlatText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())
