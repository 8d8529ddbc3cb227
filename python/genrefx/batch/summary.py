"""Summary statistics of frame-level features and the feature table's column names."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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
    """Statistics of a (rows, frames) feature over its frames, stat-major, as float32 (see
    :func:`_summarize_rows`). ``values`` may also be a list of (rows, frames_i) pieces of one
    feature (a long track's windows), taken as joined along the frames. Rows are processed a
    few at a time, so that a long track's float64 temporaries stay small."""
    pieces = list(values) if isinstance(values, list) else [np.asarray(values)]
    n_rows = pieces[0].shape[0]
    n_frames = sum(p.shape[1] for p in pieces)
    step = max(1, (1 << 21) // max(1, n_frames))  # about 16 MB of float64 per block

    def rows(i: int) -> np.ndarray:
        parts = [p[i : i + step] for p in pieces]
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)

    if n_rows <= step:
        return _summarize_rows(rows(0), stats)
    blocks = [_summarize_rows(rows(i), stats) for i in range(0, n_rows, step)]
    sizes = [min(step, n_rows - i) for i in range(0, n_rows, step)]
    # each block is stat-major over its rows: regroup to stat-major over all rows
    per_stat = [np.split(b, len(stats)) for b in blocks]
    return np.concatenate(
        [np.concatenate([per_stat[j][k] for j in range(len(sizes))]) for k in range(len(stats))]
    )


def _summarize_rows(values: np.ndarray, stats: Sequence[str]) -> np.ndarray:
    """Statistics of a (rows, frames) feature over its frames, stat-major, as float32.

    ``skew`` and ``kurtosis`` are ``scipy.stats.skew`` / ``kurtosis`` with their defaults
    (biased, Fisher's kurtosis); a constant row gives 0 for both (scipy gives NaN) so that a
    silent track still yields a usable row; ``std`` and ``var`` are the population ones.
    Moments are computed in float64; median, min and max on the feature's own values.
    """
    raw = np.asarray(values)
    x = raw.astype(np.float64, copy=False)
    mean = x.mean(axis=1)
    need_moments = any(s in ("std", "var", "skew", "kurtosis") for s in stats)
    if need_moments:
        c = x - mean[:, None]
        c2 = c * c
        m2 = c2.mean(axis=1)
    out = []
    for s in stats:
        if s == "mean":
            out.append(mean)
        elif s == "std":
            out.append(np.sqrt(m2))
        elif s == "var":
            out.append(m2)
        elif s == "median":
            out.append(np.median(raw, axis=1))
        elif s == "min":
            out.append(raw.min(axis=1))
        elif s == "max":
            out.append(raw.max(axis=1))
        elif s in ("skew", "kurtosis"):
            flat = m2 <= (np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1e-300)) ** 2
            safe = np.where(flat, 1.0, m2)
            if s == "skew":
                val = (c2 * c).mean(axis=1) / (safe * np.sqrt(safe))
            else:
                val = (c2 * c2).mean(axis=1) / (safe * safe) - 3.0
            out.append(np.where(flat, 0.0, val))
    return np.concatenate([np.asarray(o, dtype=np.float64) for o in out]).astype(np.float32)
