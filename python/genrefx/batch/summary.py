"""Summary statistics of frame-level features and the feature table's column names."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _core
from ..exceptions import ParameterError

__all__ = ["DEFAULT_STATS", "STATS", "column_names", "summarize"]

#: Statistics over frames, as the Free Music Archive's features.csv (plus ``var``).
STATS = ("mean", "std", "skew", "kurtosis", "median", "min", "max", "var")
DEFAULT_STATS = ("mean", "std", "skew", "kurtosis", "median", "min", "max")

# rows of each feature with the default parameters of genrefx.extract (contrast: n_bands + 1)
_SINGLE_ROW = {
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_flatness",
    "zero_crossing_rate",
    "rms",
    "tempo",
}


def check_stats(stats: Sequence[str]) -> tuple[str, ...]:
    """Validate statistic names."""
    stats = tuple(dict.fromkeys(stats))
    unknown = [s for s in stats if s not in STATS]
    if unknown or not stats:
        raise ParameterError(
            f"stats: unknown or empty {unknown or list(stats)}; choose from {STATS}"
        )
    return stats


def column_names(feature: str, n_rows: int, stats: Sequence[str]) -> list[str]:
    """``{feature}_{stat}`` for one-row features, ``{feature}_{stat}_{index:02d}`` (from 01)
    for multi-row ones, stat-major as in FMA's features.csv."""
    if feature in _SINGLE_ROW and n_rows == 1:
        return [f"{feature}_{s}" for s in stats]
    return [f"{feature}_{s}_{i:02d}" for s in stats for i in range(1, n_rows + 1)]


def summarize(values, stats: Sequence[str]) -> np.ndarray:
    """Statistics of a (rows, frames) feature over its frames, stat-major, as float32.

    ``skew`` and ``kurtosis`` are ``scipy.stats.skew`` / ``kurtosis`` with their defaults
    (biased, Fisher's kurtosis); a constant row gives 0 for both (scipy gives NaN) so that a
    silent track still yields a usable row; ``std`` and ``var`` are the population ones;
    ``median`` is numpy's. Computed by the core (moments in float64). ``values`` may also be
    a list of (rows, frames_i) pieces of one feature (a long track's windows), joined along
    the frames a few rows at a time.
    """
    pieces = list(values) if isinstance(values, list) else [np.asarray(values)]
    dtype = np.float64 if any(p.dtype == np.float64 for p in pieces) else np.float32
    n_rows = pieces[0].shape[0]
    if len(pieces) == 1:
        return _core.row_stats(np.ascontiguousarray(pieces[0], dtype=dtype), list(stats))
    n_frames = sum(p.shape[1] for p in pieces)
    step = max(1, (1 << 22) // max(1, n_frames))  # about 16 MB of float32 per block
    blocks, sizes = [], []
    for i in range(0, n_rows, step):
        rows = np.concatenate([p[i : i + step] for p in pieces], axis=1).astype(dtype, copy=False)
        blocks.append(
            np.split(_core.row_stats(np.ascontiguousarray(rows), list(stats)), len(stats))
        )
        sizes.append(rows.shape[0])
    # each block is stat-major over its rows: regroup to stat-major over all rows
    return np.concatenate(
        [np.concatenate([blocks[j][k] for j in range(len(sizes))]) for k in range(len(stats))]
    )
