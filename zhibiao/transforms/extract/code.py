"""Stage 8, code: the catalog code of the indicator a label names, or `unmapped`.

A wrong code silently corrupts a series; an unmapped figure costs a row in a review queue.
So a label gets a code only when the catalog (data/indicators.csv) is certain of it.
"""

from __future__ import annotations

from functools import cache

from zhibiao.schema import UNMAPPED
from zhibiao.transforms import catalog, lexicon
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.rules import rule


def code_of(label: str, measure: str | None, unit: str) -> str | None:
    """The level's unit picks the member of a family (商品房销售 套 vs 元) and refuses a match
    it cannot be (粮食 in 亩 is no grain output); a rate's unit says nothing."""
    if not label:
        return None
    level_unit = unit if measure == "level" else None
    aside = lexicon.regex("label_aside")
    for candidate in (label, *aside.findall(label), aside.sub("", label)):
        code = catalog.match_indicator(candidate, unit=level_unit) if candidate else None
        if code:
            return code
    if label in lexicon.word_set("industry_names") and measure in ("level", "growth_pct"):
        # 分行业看，制造业增长9.3%: an industry named alone with an amount or a growth is its
        # value added (its unit still has to fit: 制造业企业15家 is no value added)
        return catalog.match_indicator(
            label + lexicon.words("industry_measure")[0], unit=level_unit
        )
    return None


@cache
def _column(name: str) -> dict[str, str]:
    frame = catalog.load_catalog()
    return dict(zip(frame["code"], frame[name], strict=True))


def indicator_kind(fig: Figure) -> str | None:
    """stock, flow or rate, as the catalog says of the indicator the label names."""
    code = code_of(fig.label, fig.measure, fig.q.unit)
    return _column("kind").get(code) if code else None


def indicator_category(fig: Figure) -> str | None:
    """The catalog category (national_accounts, prices …) of the indicator the label names."""
    code = code_of(fig.label, fig.measure, fig.q.unit)
    return category(code) if code else None


def growth_basis(fig: Figure) -> str | None:
    """real, nominal or none: how the catalog states the indicator's growth."""
    code = code_of(fig.label, fig.measure, fig.q.unit)
    return _column("growth_basis").get(code) if code else None


def category(code: str) -> str | None:
    return _column("category").get(code)


@rule("code")
def growth_of_the_member_before(clause: Clause, fig: Figure) -> Figure:
    """进出口总额160.9亿美元，增长12.1%: the growth of an amount whose unit picked a member of
    a family (…in 美元) is that member's, not the family's first."""
    if fig.measure == "level" or not fig.label:
        return fig
    level = next((f for f in reversed(clause.own) if f.measure == "level"), None)
    if level is None or level.label != fig.label or level.code in (None, UNMAPPED):
        return fig
    if level.code != code_of(fig.label, "level", None):
        fig.code = level.code
    return fig


@rule("code")
def catalog_indicator(clause: Clause, fig: Figure) -> Figure:
    """地区生产总值, 生产总值 and GDP are one series: the catalog's alias match."""
    fig.code = code_of(fig.label, fig.measure, fig.q.unit)
    return fig


@rule("code")
def otherwise_unmapped(clause: Clause, fig: Figure) -> Figure:
    """A label the catalog does not know keeps its label and gets no guessed code."""
    fig.code = UNMAPPED
    return fig
