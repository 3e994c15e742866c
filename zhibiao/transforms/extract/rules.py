"""The rule registry: every rule of every stage, in order, with one signature.

A rule is a function (clause, figure) -> figure. Stages run in the order of STAGES; within a
stage, rules run in the order their modules register them. A *deciding* stage (measure,
qualifier, status, period, region, code) stops at the first rule that sets its field, so
"what decides the status?" is the list of status rules, read top to bottom in status.py. The
label stage *refines*: every label rule runs on what the previous one left. The quantity
stage *admits*: a rule returns None to refuse a candidate.

Every rule that changes a figure leaves its name in figure.trace, and tests can switch a rule
off (`disabled`) to prove that some sentence case depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Measure comes before label: a growth's label loses its growth words and a pp change names
# its comparator, so the label rules need to know what the number measures. Period comes
# before status: a figure of a year after the document's is a plan, and last year's figure
# in a 预计 sentence is already known.
STAGES = ("quantity", "measure", "label", "qualifier", "period", "status", "region", "code")
DECIDES = {
    "measure": "measure",
    "qualifier": "qualifier",
    "status": "status",
    "period": "period",
    "region": "region",
    "code": "code",
}


@dataclass(frozen=True)
class Rule:
    stage: str
    name: str
    fn: Callable
    why: str
    refines: bool = False  # in a deciding stage: runs after the decision, on what it decided


_REGISTRY: dict[str, list[Rule]] = {s: [] for s in STAGES}
_DISABLED: set[str] = set()
_ACTIVE: dict[str, tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...]]] = {}


def rule(stage: str, refines: bool = False) -> Callable[[Callable], Callable]:
    """Register a rule of `stage` under its function name; its docstring says why.

    `refines` marks a rule of a deciding stage that adjusts the decision (1-12月 is the
    year) instead of making it.
    """
    if stage not in _REGISTRY:
        raise ValueError(f"unknown stage {stage!r}")

    def register(fn: Callable) -> Callable:
        name = fn.__name__
        if any(r.name == name for rules in _REGISTRY.values() for r in rules):
            raise ValueError(f"two rules named {name!r}")
        _REGISTRY[stage].append(Rule(stage, name, fn, (fn.__doc__ or "").strip(), refines))
        _ACTIVE.clear()
        return fn

    return register


def rules(stage: str) -> list[Rule]:
    return list(_active(stage)[0])


def _active(stage: str) -> tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[Rule, ...]]:
    """(every enabled rule, the deciding ones, the refining ones) of a stage. Kept until a
    rule is registered or switched off: the stages ask for them about 30 times a figure."""
    found = _ACTIVE.get(stage)
    if found is None:
        enabled = tuple(r for r in _REGISTRY[stage] if r.name not in _DISABLED)
        found = (
            enabled,
            tuple(r for r in enabled if not r.refines),
            tuple(r for r in enabled if r.refines),
        )
        _ACTIVE[stage] = found
    return found


def all_rules() -> list[Rule]:
    return [r for s in STAGES for r in _REGISTRY[s]]


@contextmanager
def disabled(*names: str) -> Iterator[None]:
    """Switch rules off for a block (tests: a rule some case depends on)."""
    unknown = set(names) - {r.name for r in all_rules()}
    if unknown:
        raise KeyError(f"no such rules: {sorted(unknown)}")
    _DISABLED.update(names)
    _ACTIVE.clear()
    try:
        yield
    finally:
        _DISABLED.difference_update(names)
        _ACTIVE.clear()


def decide(stage: str, clause, figure):
    """Run a deciding stage: the first rule that sets the field wins, then the refining
    rules adjust what it decided."""
    field = DECIDES[stage]
    _, deciding, refining = _active(stage)
    for r in deciding:
        figure = r.fn(clause, figure)
        if getattr(figure, field) is not None:
            figure.trace.append(r.name)
            break
    else:
        raise LookupError(f"no {stage} rule decided {figure!r}")
    for r in refining:
        before = getattr(figure, field)
        figure = r.fn(clause, figure)
        if getattr(figure, field) != before:
            figure.trace.append(r.name)
    return figure


def refine(stage: str, clause, figure, field: str) -> list:
    """Run a refining stage: every rule runs on what the last one left. A rule may return a
    list: one figure distributed over several (one growth for two indicators), each of which
    goes on through the rules after it."""
    figures = [figure]
    for r in _active(stage)[0]:
        out = []
        for fig in figures:
            before = getattr(fig, field)
            result = r.fn(clause, fig)
            if type(result) is list:
                for one in result:
                    one.trace.append(r.name)
                out.extend(result)
            else:
                if getattr(result, field) != before:
                    result.trace.append(r.name)
                out.append(result)
        figures = out
    return figures


def admit(clause, candidate):
    """Run the admitting stage: a candidate refused by any rule is no quantity."""
    for r in _active("quantity")[0]:
        if r.fn(clause, candidate) is None:
            return None
    return candidate
