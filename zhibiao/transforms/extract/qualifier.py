"""Stage 4, qualifier: eq, ge, gt, le, lt or approx, from the words around the number.

以上/突破/超过/不少于 make a lower bound (ge), 余/多 a strict one (gt), 以内/控制在/不超过 an
upper bound (le), 不到 (lt), 左右/约/近 an approximation; a range 3-5家 is at least 3.
"""

from __future__ import annotations

from zhibiao.transforms import lexicon
from zhibiao.transforms.extract.figure import Clause, Figure
from zhibiao.transforms.extract.rules import rule


def _before(window: str) -> str | None:
    if lexicon.regex("approx_words").search(window):
        return "approx"
    tail = window.rstrip()[-4:]
    for word, qualifier in lexicon.mapping("qualifier_before"):
        if tail.endswith(word):
            return qualifier
    return None


def _after(clause: Clause, end: int) -> str | None:
    aside = lexicon.regex("unit_aside").match(clause.text[end:])
    end += aside.end() if aside else 0  # 400万头（只、匹）左右
    after = clause.text[end : end + 2]
    for word, qualifier in lexicon.mapping("qualifier_after"):
        if after.startswith(word):
            return qualifier
    return None


@rule("qualifier")
def more_than_is_gt(clause: Clause, fig: Figure) -> Figure:
    """1.6万余人次, 三百多人: 余/多 make the number a strict lower bound."""
    return fig.set(qualifier="gt") if fig.q.more_than else fig


@rule("qualifier")
def bound_said_before(clause: Clause, fig: Figure) -> Figure:
    """控制在5.5%, 超过60%, 约占全市的1/3: a bound or an approximation said before it."""
    if fig.group is not None:
        own = clause.text[fig.group.lo : fig.q.start]
        return fig.set(qualifier=_before(own))
    return fig.set(qualifier=_before(fig.window))


@rule("qualifier")
def list_shares_its_bound(clause: Clause, fig: Figure) -> Figure:
    """增长分别不低于6.5%和9%, 分别控制在5%、3%以内: one bound for every number of the list."""
    group = fig.group
    if group is None:
        return fig
    last = clause.quantities[group.start + group.size - 1]
    return fig.set(qualifier=_before(group.window) or _after(clause, last.end))


@rule("qualifier")
def bound_said_after(clause: Clause, fig: Figure) -> Figure:
    """增长10%左右, 11%以上, 3%以内: a bound said after the number and its unit."""
    if fig.group is not None or "quoted" in fig.flags:
        return fig
    return fig.set(qualifier=_after(clause, fig.q.end))


@rule("qualifier")
def range_is_at_least_its_low_end(clause: Clause, fig: Figure) -> Figure:
    """培育龙头企业3-5家: the value is the low end, value_high the high end, at least 3."""
    if fig.q.value_high is None or fig.group is not None or "change" in fig.flags:
        return fig
    return fig.set(qualifier="ge")


@rule("qualifier")
def otherwise_exact(clause: Clause, fig: Figure) -> Figure:
    """Nothing bounds the number."""
    return fig.set(qualifier="eq")
