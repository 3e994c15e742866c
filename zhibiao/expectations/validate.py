"""Validate documents' figures with the suites and split them into valid and quarantined.

The nightly flow calls validate_batch once per run: every new document's figures go through
each suite in one run (never a run per document or per figure), failing rows are found by
the unexpected_index_list of result_format COMPLETE and mapped back to their document, and
every failing row comes back with a sentence saying which figure, which value and which
rule. Each document is judged alone (its rejection threshold, its cross-figure checks), so
a batch quarantines the same rows for the same reasons as one run per document would.
Nothing is dropped: a row is either valid or quarantined.
"""

from __future__ import annotations

import copy
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zhibiao.expectations import checks, rules, suites
from zhibiao.expectations import context as gx_context

STAGE = "validate"
REJECTED = "document_rejected"


@dataclass
class ValidationOutcome:
    """What the loader needs: rows to load, rows to quarantine, and whether to hold it all."""

    valid: pd.DataFrame  # rows that passed, the input's columns and index
    quarantined: pd.DataFrame  # failed rows + document_id, reason, failed_expectation, stage
    rejected: bool  # the whole document is held (threshold passed or a document rule failed)
    reason: str | None  # why it was rejected
    stats: dict = field(default_factory=dict)
    docs_url: str | None = None  # file:// URL of the Data Docs index, when built


def validate_figures(
    figures: pd.DataFrame,
    *,
    document_id: str,
    kind: str,
    catalog: pd.DataFrame | None = None,
    reject_threshold: float = rules.DEFAULT_REJECT_THRESHOLD,
    context=None,
) -> ValidationOutcome:
    """Run the contract suite, then the figure suite, on one document's figures: a batch of
    one (validate_batch).

    `catalog` (codes, kinds, units) enables the indicator-specific rules; None loads the
    project catalog when it exists. `context` is a GX context from context.open_context when
    the results should reach the Data Docs site; None uses the process's ephemeral context.
    """
    return validate_batch(
        [(document_id, kind, figures)],
        catalog=catalog,
        reject_threshold=reject_threshold,
        context=context,
    )[document_id]


@dataclass
class _Document:
    """One document of a batch, and what the suites found in it so far."""

    document_id: str
    kind: str
    figures: pd.DataFrame
    batch: pd.DataFrame  # the rows as the suites see them (enriched for the figure suite)
    stats: dict
    rows: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    document: list[str] = field(default_factory=list)
    evaluated: int = 0


def validate_batch(
    documents: list[tuple[str, str, pd.DataFrame]],
    *,
    catalog: pd.DataFrame | None = None,
    reject_threshold: float = rules.DEFAULT_REJECT_THRESHOLD,
    context=None,
) -> dict[str, ValidationOutcome]:
    """Validate (document_id, kind, figures) triples with one run of each suite over all of
    them; the outcome of each document by its id, as validate_figures would give it alone.

    A failure that names no row (a column of the wrong type, a rule that could not be
    evaluated) cannot be given to one document from a run over many: the suite then runs
    again on each document alone, so only a batch with such a document pays per document.
    """
    started = time.perf_counter()
    docs = [
        _Document(
            document_id,
            kind,
            figures,
            figures.reset_index(drop=True),
            {"rows": len(figures), "missing_headlines": checks.missing_headlines(figures, kind)},
        )
        for document_id, kind, figures in documents
    ]
    live = [d for d in docs if not d.figures.empty]
    docs_url = None
    if live:
        ready = gx_context.prepared(context)
        _suite(ready, suites.CONTRACT_SUITE, live)
        for d in live:
            if d.rows:  # e.g. text in an object-typed value column: no later rule can run
                d.document.append(f"{len(d.rows)} figures break the figure contract")
        passed = [d for d in live if not d.document]
        if passed:
            label, table = _catalog(catalog)
            for d in passed:
                d.stats["catalog"] = label
                d.batch = checks.enrich(d.batch, table)
            _suite(ready, suites.FIGURES_SUITE, passed)
        docs_url = gx_context.docs_index(ready.context)
    outcomes = {}
    for d in docs:
        reasons, url = {}, None
        if not d.figures.empty:  # an empty document went through no suite
            d.stats["expectations"] = d.evaluated
            reasons, url = _row_reasons(d.batch, d.rows), docs_url
        outcomes[d.document_id] = _outcome(
            d.figures, reasons, d.document, d.document_id, reject_threshold, d.stats, started, url
        )
    return outcomes


def _suite(ready: gx_context.Prepared, suite: str, docs: list[_Document]) -> None:
    """Run the suite once over the documents whose frames have the same columns and dtypes
    (all of them, as the extractor writes them): concatenating other frames would change a
    column's dtype, and with it what a type rule sees."""
    groups: dict[tuple, list[_Document]] = {}
    for d in docs:
        signature = tuple((c, str(t)) for c, t in d.batch.dtypes.items())
        groups.setdefault(signature, []).append(d)
    for group in groups.values():
        _suite_once(ready, suite, group)


def _suite_once(ready: gx_context.Prepared, suite: str, docs: list[_Document]) -> None:
    """One run of the suite over the documents' rows together; each failing row goes back
    to its document, found by its position. Any failure that names no row sends every
    document through the suite alone instead."""
    if len(docs) > 1:
        frame = pd.concat([d.batch for d in docs], ignore_index=True)
        label = f"{docs[0].kind}-batch-of-{len(docs)}-from-{docs[0].document_id}"
        results = _run(ready, suite, frame, label)
        rows, document = _failures(results)
        if not document:
            start = 0
            for d in docs:
                end = start + len(d.batch)
                d.rows = {p - start: f for p, f in rows.items() if start <= p < end}
                d.document = []
                d.evaluated += len(results)
                start = end
            return
    for d in docs:
        results = _run(ready, suite, d.batch, f"{d.kind}-{d.document_id}")
        d.rows, d.document = _failures(results)
        d.evaluated += len(results)


def _catalog(catalog: pd.DataFrame | None) -> tuple[str, pd.DataFrame | None]:
    """The given catalog, else the project's; none while transforms.catalog does not exist."""
    if catalog is not None:
        return "given", catalog
    try:
        from zhibiao.transforms.catalog import load_catalog
    except ImportError:
        return "absent: indicator kinds, units and growth bases not checked", None
    return "loaded", load_catalog()


def _run(ready: gx_context.Prepared, suite: str, batch: pd.DataFrame, label: str):
    """The suite's expectation results, with unexpected_index_list on every failed one.

    A File context stores the result for Data Docs, so it gets one COMPLETE run. The
    ephemeral context first runs BOOLEAN_ONLY (about half the cost, STACK-NOTES §4) and
    repeats only the failed expectations with COMPLETE: a clean document pays the least.
    """
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.exceptions.resource_freshness import ResourceFreshnessAggregateError

    run_id = RunIdentifier(run_name=label)  # a folder name in Data Docs
    parameters = {"dataframe": batch}
    with gx_context.RUN_LOCK:
        try:
            return _run_locked(ready, ready.definitions[suite], parameters, run_id)
        except ResourceFreshnessAggregateError:
            ready = gx_context.refreshed(ready)
            return _run_locked(ready, ready.definitions[suite], parameters, run_id)


def _run_locked(ready: gx_context.Prepared, definition, parameters: dict, run_id) -> list:
    if not ready.ephemeral:
        result = definition.run(
            batch_parameters=parameters, result_format="COMPLETE", run_id=run_id
        )
        return list(result.results)
    result = definition.run(
        batch_parameters=parameters, result_format="BOOLEAN_ONLY", run_id=run_id
    )
    gx_context.forget_results(ready)
    failed = [outcome.expectation_config for outcome in result.results if not outcome.success]
    if not failed:
        return list(result.results)
    return [r for r in result.results if r.success] + _details(definition, parameters, failed)


def _details(definition, parameters: dict, failed: list) -> list:
    import great_expectations as gx

    again = gx.ExpectationSuite(
        name=f"{definition.suite.name}_details",
        expectations=[copy.copy(config.to_domain_obj()) for config in failed],  # unbound
    )
    batch = definition.batch_definition.get_batch(batch_parameters=parameters)
    return list(batch.validate(again, result_format="COMPLETE").results)


def _failures(results: list) -> tuple[dict[int, list[tuple[str, str]]], list[str]]:
    """Failing rows by position with (rule, sentence); failures that name no row."""
    rows: dict[int, list[tuple[str, str]]] = defaultdict(list)
    document: list[str] = []
    for outcome in results:
        if outcome.success:
            continue
        meta = outcome.expectation_config.meta or {}
        rule = meta.get("rule", outcome.expectation_config.type)
        says = meta.get("says", rule)
        error = _exception(outcome.exception_info)
        unexpected = (outcome.result or {}).get("unexpected_index_list")
        if error:
            document.append(f"rule {rule} could not be evaluated: {error}")
        elif not unexpected:
            document.append(f"{says} ({_observed(outcome.result or {})}) [{rule}]")
        else:
            for position in unexpected:
                rows[int(position)].append((rule, says))
    return rows, document


def _exception(info) -> str | None:
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info["raised_exception"] else None
    nested = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return nested[0].get("exception_message") if nested else None


def _observed(result: dict) -> str:
    missing = result.get("details", {}).get("mismatched", {}).get("missing")
    if missing:
        return "missing: " + ", ".join(map(str, missing))
    return f"observed: {result.get('observed_value')!r}"


def _row_reasons(batch: pd.DataFrame, failures) -> dict[int, tuple[str, str]]:
    """Position -> (sentence naming the figure, value and rules; the rules' names)."""
    reasons = {}
    for position, failed in sorted(failures.items()):
        fields = row_fields(batch.iloc[position])
        who = _who(fields)
        sentences = dict.fromkeys(says.format_map(fields) for _, says in failed)
        names = dict.fromkeys(rule for rule, _ in failed)
        reasons[position] = (f"{who}: {'; '.join(sentences)}.", ", ".join(names))
    return reasons


def _who(fields: dict) -> str:
    """The figure as a reader finds it: its label, or the sentence when it has no label."""
    label = str(fields.get("indicator_label", "")).strip()
    if label in ("", "missing"):
        sentence = str(fields.get("evidence", ""))
        label = f"the figure in “{sentence[:40]}{'…' if len(sentence) > 40 else ''}”"
    rest = "({region}, {period}, {status} {measure}) = {value} {unit}".format_map(fields)
    return f"{label} {rest}"


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def row_fields(row: pd.Series) -> dict:
    """The row as text a sentence can show: numbers via checks.plain, gaps as 'missing'."""
    fields = _Fields()
    for key, value in row.items():
        if isinstance(value, bool) or key.endswith("_note"):
            fields[key] = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            fields[key] = checks.plain(value)
        else:
            fields[key] = "missing" if pd.isna(value) else value
    return fields


def _outcome(figures, reasons, document_failures, document_id, threshold, stats, started, docs):
    """Split rows by their reasons; hold them all when the document is rejected."""
    rows = len(figures)
    share = len(reasons) / rows if rows else 0.0
    reason = _rejection(document_failures, len(reasons), rows, share, threshold)
    held = range(rows) if reason else sorted(reasons)
    quarantined = figures.iloc[list(held)].copy()
    texts = [_quarantine_reason(reasons.get(p), reason) for p in held]
    quarantined["document_id"] = document_id
    quarantined["reason"] = [text for text, _ in texts]
    quarantined["failed_expectation"] = [name for _, name in texts]
    quarantined["stage"] = STAGE
    valid = figures.iloc[[] if reason else [p for p in range(rows) if p not in reasons]]
    failed = {}
    for _, names in reasons.values():
        for name in names.split(", "):
            failed[name] = failed.get(name, 0) + 1
    stats.update(
        failed=len(reasons),
        quarantined=len(quarantined),
        failure_share=round(share, 4),
        failed_expectations=failed,
        document_failures=document_failures,
        seconds=round(time.perf_counter() - started, 4),
    )
    return ValidationOutcome(valid, quarantined, bool(reason), reason, stats, docs)


def _rejection(document_failures, failed: int, rows: int, share: float, threshold: float):
    if document_failures:
        return "the document breaks rules its figures depend on: " + "; ".join(document_failures)
    if rows and share > threshold:
        return (
            f"{failed} of {rows} figures ({share:.0%}) failed validation, more than the "
            f"{threshold:.0%} a document may fail before it is held whole"
        )
    return None


def _quarantine_reason(own: tuple[str, str] | None, rejection: str | None) -> tuple[str, str]:
    if rejection is None:
        return own
    if own is None:
        return (
            f"Document rejected: {rejection}. This figure passed its own rules and is held "
            "with the rest of the document.",
            REJECTED,
        )
    return f"Document rejected: {rejection}. This figure: {own[0]}", f"{REJECTED}, {own[1]}"


def build_data_docs(data_dir: Path) -> str:
    """Build the Data Docs site under data_dir/gx and return the file:// URL of index.html."""
    return gx_context.build_data_docs(data_dir)
