"""Every quantitative figure of a Chinese official text, as rows of the figure contract."""

from zhibiao.transforms.extract.core import extract_figures, extract_rows, figures_frame

# Recorded on every observation; bump it when a change alters what is extracted, then
# `zhibiao backfill --reextract` rereads the stored snapshots.
EXTRACTOR_VERSION = "0.6.0"

__all__ = ["EXTRACTOR_VERSION", "extract_figures", "extract_rows", "figures_frame"]
