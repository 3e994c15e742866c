"""A folder source's files: the documents analysts drop into a folder under the data directory."""

from __future__ import annotations

from pathlib import Path

from zhibiao.fetch import FetchError, inside_data_dir
from zhibiao.settings import Settings


def folder_files(url: str, pattern: str, settings: Settings) -> list[Path]:
    """The regular files of the folder matching the glob, by name; hidden files are skipped
    (an editor's .swp, a .DS_Store). FetchError when the folder is missing or lies outside
    the data directory, which bounds what a registry entry may read."""
    resolved = inside_data_dir(url, settings)
    if not resolved.is_dir():
        raise FetchError(url, f"{resolved} is not a folder")
    return sorted(
        p
        for p in resolved.glob(pattern)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(resolved).parts)
    )
