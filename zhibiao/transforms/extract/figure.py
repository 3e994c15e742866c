"""What a rule sees: the clause a quantity stands in (with the context it inherits) and the
figure being built, field by field."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhibiao.transforms.extract.quantities import Quantity


@dataclass(frozen=True)
class Document:
    """What the whole document says about itself, or what its source says by default."""

    region: str  # the document's region: its title's, else the source's
    year: int | None  # reference year: a release's title year, a work report's year
    work_report: bool
    title: str | None = None
    published_year: int | None = None  # the year of writing: 今年, 去年, 过去五年 count from it


@dataclass(frozen=True)
class Sentence:
    """One sentence part with the context it inherits from the document."""

    text: str  # the clause group read for figures (a sentence or one of its ；-parts)
    index: int
    paragraph: int
    heading: str | None  # the nearest heading above
    year: int | None  # year in force: heading year, else document year
    suffix: str  # sub-year period in force from a heading or a leading adverbial ("M01-M06")
    period_type: str
    mode: str  # review, plan, release, or declared_plan (after 今年…主要预期目标是)
    full: str = ""  # the whole sentence up to 。！？: the evidence a person reads
    earlier: str = ""  # the sentence's text before this part
    now: bool = False  # its year is the time of writing (截至目前…。其中，…): never a plan
    since: int | None = None  # an undated paragraph of a story looking back to that year


@dataclass
class Group:
    """A 分别 list: the quantities it distributes and what each one is of."""

    start: int  # index of the first quantity of the group in the clause
    size: int
    window: str  # the words before the first quantity, 分别 included
    lo: int  # where that window starts in the clause
    labels: list[str] | None = None  # one per quantity, when the list names them
    regions: list[str | None] | None = None
    items: list[str] | None = None  # names parted by commas before the 分别 clause, the last in it


@dataclass
class Figure:
    """A figure under construction; each stage fills its field."""

    q: Quantity
    window: str  # the words between the clause start (or the previous quantity) and q
    lo: int  # where the window starts in the clause text
    group: Group | None = None
    position: int = 0  # index in the group
    measure: str | None = None
    sign: float = 1.0
    label: str = ""  # the indicator phrase: what the catalog matches
    prefix: str = ""  # words before it that qualify the series (国庆黄金周)
    suffix: str = ""  # words after it that qualify the series (环比, 比2020年, 增速高于全国)
    qualifier: str | None = None
    status: str | None = None
    period: str | None = None
    period_type: str = "year"
    region: str | None = None
    code: str | None = None
    after: str = ""  # the noun after the number, when the label came from there
    flags: set[str] = field(default_factory=set)  # inherited, quoted, change …
    trace: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        """The year of its period key (2024 of 2024M01-M09, the last year of a span's end)."""
        return int(self.period[:4]) if self.period and self.period[:4].isdigit() else None

    @property
    def full_label(self) -> str:
        """The label a reader sees: the phrase with the words that qualify its series."""
        return self.prefix + self.label + self.suffix

    def set(self, **fields) -> Figure:
        """Set fields and return the figure: a rule's one-line decision."""
        for name, value in fields.items():
            setattr(self, name, value)
        return self


@dataclass
class Clause:
    """A sentence part as the rules read it, with the figures said before it."""

    text: str  # numerals spelled as digits
    sentence: Sentence
    document: Document
    quantities: list[Quantity]
    memory: list[Figure]  # figures of the paragraph before this part
    own: list[Figure] = field(default_factory=list)  # figures of this part so far
    preliminary: bool = False  # 初步核算 is in force for every figure
    accounts_preliminary: bool = False  # …for the national-accounts figures
    subject: str | None = None  # the paragraph's subject region
    default_region: str = ""  # the sentence's region when no clause names one
    periods: list = field(default_factory=list)  # period mentions of the text
    topic: str | None = None  # what the paragraph says it is about (茶产业方面，…)
    sequential: bool = False  # the paragraph opened on month-on-month change (…价格环比四涨二降)
    move_before: tuple[str, str] | None = None  # periods of the last dated move (由…到…)
