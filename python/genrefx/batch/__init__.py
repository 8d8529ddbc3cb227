"""Batch extraction: audio archives to one feature table (``genrefx batch-extract``)."""

from .audio import DecodeError, load
from .features import BatchOptions, schema
from .runner import BatchResult, extract_files, run_batch
from .sources import Source, expand_inputs

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
