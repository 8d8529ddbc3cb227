"""numpy equivalents of librosa's numba kernels for local extrema and peak picking.

librosa 0.11 computes ``util.localmax`` / ``util.localmin`` with a numba stencil and
``util.peak_pick`` with a numba ``guvectorize`` loop; the functions here compute the same
booleans, bit for bit, with whole-array numpy operations (see tests/test_api_util_onset.py).
The public wrappers (argument checks, axes, output layout) are in :mod:`genrefx.util`.
"""

from __future__ import annotations

import numpy as np

#: numba's loop dtypes, in the order numpy's type resolution tries them (first safe cast wins)
LOCALMAX_LOOPS = (np.int16, np.int32, np.int64, np.float32, np.float64)
PEAK_PICK_LOOPS = (np.float32, np.float64)


def loop_dtype(dtype: np.dtype, loops: tuple) -> np.dtype | None:
    """The dtype numba's ufunc computes ``dtype`` input in: the first loop it casts to safely
    (None: librosa raises TypeError)."""
    for loop in loops:
        if np.can_cast(dtype, loop, casting="safe"):
            return np.dtype(loop)
    return None


def local_extrema(xi: np.ndarray, out: np.ndarray, *, maxima: bool) -> None:
    """librosa's ``_localmax`` / ``_localmin`` stencil along the last axis of ``xi`` (at least
    two elements), written into the boolean ``out`` of the same shape.

    Interior points: ``x[i] > x[i-1] & x[i] >= x[i+1]`` (``<``, ``<=`` for minima) in numba's
    loop dtype; the first point is False (the stencil's border value); the last point is
    ``x[-1] > x[-2]`` in ``xi``'s own dtype, as librosa computes it after the stencil.
    """
    xc = xi.astype(loop_dtype(xi.dtype, LOCALMAX_LOOPS), copy=False)
    mid, left, right = xc[..., 1:-1], xc[..., :-2], xc[..., 2:]
    out[..., 0] = False
    if maxima:
        np.logical_and(mid > left, mid >= right, out=out[..., 1:-1])
        np.greater(xi[..., -1], xi[..., -2], out=out[..., -1])
    else:
        np.logical_and(mid < left, mid <= right, out=out[..., 1:-1])
        np.less(xi[..., -1], xi[..., -2], out=out[..., -1])


def _window_max_candidates(x: np.ndarray, pre_max: int, post_max: int) -> np.ndarray:
    """``x[n] == max(x[max(0, n - pre_max) : min(n + post_max, N)])`` along the last axis,
    where (as numba's ``np.max``) a NaN anywhere in the window makes the maximum NaN."""
    import scipy.ndimage

    n = x.shape[-1]
    pre_max = min(pre_max, n - 1)  # wider windows are cut at the edges all the same
    post_max = min(post_max, n)
    size = pre_max + post_max
    has_nan = np.isnan(x).any()
    xf = np.where(np.isnan(x), -np.inf, x) if has_nan else x
    # mode="nearest" repeats the edge value, which the truncated window holds already
    wmax = scipy.ndimage.maximum_filter1d(
        xf, size, axis=-1, mode="nearest", origin=pre_max - size // 2
    )
    cand = x == wmax
    if has_nan:
        counts = np.zeros((*x.shape[:-1], n + 1), dtype=np.intp)
        np.cumsum(np.isnan(x), axis=-1, out=counts[..., 1:])
        idx = np.arange(n)
        lo = np.maximum(idx - pre_max, 0)
        hi = np.minimum(idx + post_max, n)
        cand &= (counts[..., hi] - counts[..., lo]) == 0
    return cand


def _window_means(x: np.ndarray, pre_avg: int, post_avg: int) -> np.ndarray:
    """numba's ``np.mean(x[max(0, n - pre_avg) : min(n + post_avg, N)])`` for every ``n``
    along the last axis: a sequential sum in the array's dtype starting from zero, divided by
    the window's size in float64, and cast back to the array's dtype (numba 0.6x's
    ``array_mean``).

    The sums run over ``x`` padded with zeros on both sides, one shifted slice at a time, in
    the window's order: the leading zeros leave the running sum at +0.0 (as numba's start) and
    the trailing ones add +0.0 to a sum that is never -0.0, so every rounding is numba's.
    """
    n = x.shape[-1]
    width = pre_avg + post_avg
    padded = np.zeros((*x.shape[:-1], n + width - 1), dtype=x.dtype)
    padded[..., pre_avg : pre_avg + n] = x
    acc = np.zeros(x.shape, dtype=x.dtype)
    for k in range(width):
        acc += padded[..., k : k + n]
    idx = np.arange(n)
    size = np.minimum(idx + post_avg, n) - np.maximum(idx - pre_avg, 0)
    return (acc.astype(np.float64) / size).astype(x.dtype, copy=False)


def _greedy_wait(rows: np.ndarray, cols: np.ndarray, n: int, wait: int) -> np.ndarray:
    """librosa's scan over each row: take the first candidate, skip the next ``wait`` frames,
    take the first candidate after them, and so on. ``rows``, ``cols``: the candidates in
    row-major order; returns which of them are taken.

    The picks are the path ``0, J(0), J(J(0)) ...`` under ``J(i)`` = the first candidate at
    least ``wait + 1`` frames after candidate ``i``, marked by pointer doubling (``log2`` of
    the number of candidates whole-array steps, not one per peak). Rows are laid end to end
    far enough apart that ``J`` of a row's last pick is the next row's first candidate, which
    is taken in any case.
    """
    key = rows.astype(np.int64) * (n + wait + 2) + cols
    close = np.diff(key) <= wait
    if not close.any():  # no two candidates within wait frames: all are taken
        return np.ones(key.size, dtype=bool)
    m = key.size
    jump = np.empty(m + 1, dtype=np.intp)
    jump[:m] = np.searchsorted(key, key + (wait + 1))
    jump[m] = m  # the end of the path
    marked = np.zeros(m + 1, dtype=bool)
    marked[0] = True
    reach = 1
    while reach < m:
        marked[jump[marked]] = True
        jump = jump[jump]
        reach *= 2
    return marked[:m]


def peak_pick_rows(
    x: np.ndarray,
    pre_max: int,
    post_max: int,
    pre_avg: int,
    post_avg: int,
    delta: np.float32,
    wait: int,
) -> np.ndarray:
    """librosa's ``__peak_pick`` loop over each row of ``x`` (shape (rows, n), n >= 1, in
    its loop dtype float32 or float64): the boolean peaks.

    A frame is a candidate when it equals its window maximum and is at least its window mean
    plus ``delta`` (float32 arithmetic for float32 ``x``, float64 otherwise, as numba's);
    frames are then taken greedily, ``wait`` frames apart.
    """
    n = x.shape[-1]
    cand = _window_max_candidates(x, pre_max, post_max)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf, float32 overflow: as numba
        mean = _window_means(x, min(pre_avg, n - 1), min(post_avg, n))
        # float32 + float32 for float32 x, float64 + float64 otherwise, as numba's
        cand &= x >= mean + (delta if x.dtype == np.float32 else np.float64(delta))
    if wait == 0:
        return cand
    rows, cols = np.nonzero(cand)
    if rows.size:
        cand[rows, cols] = _greedy_wait(rows, cols, n, min(wait, n))
    return cand
