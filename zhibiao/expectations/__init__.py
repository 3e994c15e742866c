"""Great Expectations suites as code: every figure is validated before it reaches the warehouse.

Importing this package is cheap; Great Expectations itself is imported on the first
validation. The flows use validate_batch once a run (validate_figures for one document) and
build_data_docs once a run.
"""

from zhibiao.expectations.context import open_context
from zhibiao.expectations.validate import (
    ValidationOutcome,
    build_data_docs,
    validate_batch,
    validate_figures,
)

__all__ = [
    "ValidationOutcome",
    "build_data_docs",
    "open_context",
    "validate_batch",
    "validate_figures",
]
