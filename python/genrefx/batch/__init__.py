"""Batch extraction: audio archives to one feature table (``genrefx batch-extract``).

The names below are imported from their submodules on first use (PEP 562), so that importing
:mod:`genrefx` (whose :func:`genrefx.load` decodes through :mod:`genrefx.batch.audio`) does
not import the batch runner and pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .audio import DecodeError, load
    from .features import BatchOptions, schema
    from .runner import BatchResult, extract_files, run_batch
    from .sources import Source, expand_inputs

#: Public name -> the submodule that defines it.
_NAMES = {
    "BatchOptions": "features",
    "BatchResult": "runner",
    "DecodeError": "audio",
    "Source": "sources",
    "expand_inputs": "sources",
    "extract_files": "runner",
    "load": "audio",
    "run_batch": "runner",
    "schema": "features",
}

#: Submodules that ``import genrefx.batch`` made attributes of the package before it was lazy.
_SUBMODULES = ("audio", "features", "presets", "runner", "sources", "summary")

__all__ = [
    "BatchOptions",
    "BatchResult",
    "DecodeError",
    "Source",
    "expand_inputs",
    "extract_files",
    "load",
    "run_batch",
    "schema",
]


def __getattr__(name: str):
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # the public names and the submodules, without this module's own helpers
    names = {n for n in globals() if not n.startswith("_") or n.startswith("__")}
    return sorted((names - {"annotations", "importlib", "TYPE_CHECKING"}) | {*_NAMES, *_SUBMODULES})
