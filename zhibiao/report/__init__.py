"""`zhibiao report`: the warehouse as a static site that opens from the file system."""

from zhibiao.report.site import Report, build_report, data_docs_link

__all__ = ["Report", "build_report", "data_docs_link"]
