"""Great Expectations contexts: one per process, set up once, and the Data Docs site.

Importing GX costs ~5 s and setting up a context's data source, suites and validation
definitions ~0.1 s, so both happen once per process and per context (module caches); the flow
then validates each document with one run per suite (STACK-NOTES §2).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhibiao.expectations import suites

DATASOURCE = "zhibiao"
ASSET = "figures"
BATCH = "document"
SITE = "local_site"
SITE_DIR = f"uncommitted/data_docs/{SITE}"  # under data_dir/gx, where GX keeps its project
# The Data Docs index lists the newest validation results only: rebuilding pages for every
# stored result grows with history (GX #2024); one nightly run writes two results a document.
VALIDATION_RESULTS_LIMIT = 200

_LOCK = threading.Lock()
# One validation at a time per process: GX contexts are not documented as thread-safe, and
# validation is CPU-bound Python, so threads would gain nothing from running two at once.
RUN_LOCK = threading.Lock()
_EPHEMERAL: Any = None
_FILE_CONTEXTS: dict[Path, Any] = {}
_PREPARED: dict[int, Prepared] = {}


@dataclass
class Prepared:
    """A context with our suites and one validation definition per suite registered."""

    context: Any
    definitions: dict[str, Any]  # suite name -> gx.ValidationDefinition
    ephemeral: bool


def default_context():
    """The process-wide ephemeral context: results stay in memory, nothing is written."""
    global _EPHEMERAL
    with _LOCK:
        if _EPHEMERAL is None:
            import great_expectations as gx

            _EPHEMERAL = gx.get_context(mode="ephemeral")
            _quiet(_EPHEMERAL)
        return _EPHEMERAL


def open_context(data_dir: Path):
    """A File context under data_dir/gx, whose stored results the Data Docs site shows."""
    root = Path(data_dir).resolve()
    with _LOCK:
        if root not in _FILE_CONTEXTS:
            import great_expectations as gx

            root.mkdir(parents=True, exist_ok=True)
            # mode="file" explicitly: get_context() alone picks up any context it finds.
            # GX keeps its project in <project_root_dir>/gx.
            context = gx.get_context(mode="file", project_root_dir=str(root))
            _quiet(context)
            _limit_data_docs(context)
            _FILE_CONTEXTS[root] = context
        return _FILE_CONTEXTS[root]


def prepared(context=None) -> Prepared:
    """Register the suites in the context once; later calls reuse the registration."""
    context = context if context is not None else default_context()
    with _LOCK:
        known = _PREPARED.get(id(context))
        if known is None or known.context is not context:  # ids are reused after GC
            _PREPARED[id(context)] = _prepare(context)
        return _PREPARED[id(context)]


def refreshed(ready: Prepared) -> Prepared:
    """Register the suites again: another process sharing the File context (a second run at
    the same time) re-registered them, and GX refuses to run definitions it holds stale."""
    with _LOCK:
        _PREPARED[id(ready.context)] = _prepare(ready.context)
        return _PREPARED[id(ready.context)]


def _prepare(context) -> Prepared:
    import great_expectations as gx

    source = context.data_sources.add_or_update_pandas(DATASOURCE)
    batch = source.add_dataframe_asset(ASSET).add_batch_definition_whole_dataframe(BATCH)
    definitions = {}
    for name, rule_list in suites.all_suites().items():
        # add_or_update: the suite in a File context mirrors the code, never the reverse.
        suite = context.suites.add_or_update(suites.build_suite(name, rule_list))
        definition = gx.ValidationDefinition(name=f"{name}_per_document", data=batch, suite=suite)
        definitions[name] = context.validation_definitions.add_or_update(definition)
    ephemeral = type(context).__name__ == "EphemeralDataContext"
    return Prepared(context=context, definitions=definitions, ephemeral=ephemeral)


def forget_results(ready: Prepared) -> None:
    """Drop results an ephemeral context keeps in memory: a backfill would otherwise grow."""
    if not ready.ephemeral:
        return
    store = ready.context.validation_results_store
    for key in list(store.list_keys()):
        store.remove_key(key)


def _quiet(context) -> None:
    """No tqdm bars: 70 'Calculating Metrics' bars per document drown the flow's logs."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)


def _limit_data_docs(context) -> None:
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": f"{SITE_DIR}/",
        },
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "validation_results_limit": VALIDATION_RESULTS_LIMIT,
        },
    }
    if SITE in context.list_data_docs_sites():
        context.update_data_docs_site(SITE, site)
    else:
        context.add_data_docs_site(SITE, site)


def docs_index_path(data_dir: Path) -> Path:
    """Where the site's index.html is once built, known without importing GX (5 s)."""
    return Path(data_dir).resolve() / "gx" / SITE_DIR / "index.html"


def docs_index(context) -> str | None:
    """file:// URL of the site's index.html when it has been built, else None."""
    if type(context).__name__ != "FileDataContext":
        return None
    urls = context.get_docs_sites_urls(site_name=SITE, only_if_exists=True)
    return next((u["site_url"] for u in urls if u.get("site_url")), None)


def build_data_docs(data_dir: Path) -> str:
    """Build the Data Docs site of data_dir/gx once (nightly), return its index's file URL."""
    context = open_context(data_dir)
    prepared(context)  # the suites' pages exist even before the first validation
    built = context.build_data_docs(site_names=[SITE])
    url = built.get(SITE) or docs_index(context)
    if not url:
        raise RuntimeError(f"Data Docs were not built under {Path(data_dir) / 'gx'}")
    return url
