"""Chromagrams from the constant-Q transform, mirroring ``librosa.feature.chroma_cqt`` and
``librosa.feature.chroma_cens``."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .._validation import check_positive_int
from ..constantq import cqt
from ..exceptions import ParameterError
from ..filters import cq_to_chroma, get_window
from ..util import normalize

__all__ = ["chroma_cens", "chroma_cqt"]


def chroma_cqt(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    C: np.ndarray | None = None,
    hop_length: int = 512,
    fmin: float | None = None,
    norm: float | None = np.inf,
    threshold: float = 0.0,
    tuning: float | None = None,
    n_chroma: int = 12,
    n_octaves: int = 7,
    window: np.ndarray | None = None,
    bins_per_octave: int | None = 36,
    cqt_mode: str = "full",
) -> np.ndarray:
    """Chromagram of the constant-Q transform; mirrors ``librosa.feature.chroma_cqt``.

    ``C`` (a CQT magnitude) is computed with :func:`genrefx.cqt` from ``y`` when not given:
    ``n_octaves * bins_per_octave`` bins from ``fmin`` (C1), ``tuning`` estimated when None
    (librosa's default, on the whole input at ``bins_per_octave``). The CQ bins are folded
    into ``n_chroma`` classes (:func:`genrefx.filters.cq_to_chroma`), values below
    ``threshold`` zeroed, and each frame normalized by ``norm``.

    Returns
    -------
    chromagram : np.ndarray [shape=(..., n_chroma, t)]

    See Also
    --------
    librosa.feature.chroma_cqt
    """
    if cqt_mode != "full":
        raise ParameterError(f"cqt_mode={cqt_mode!r}: genrefx implements 'full' only")
    n_chroma = check_positive_int(n_chroma, "n_chroma")  # (librosa: ZeroDivisionError for 0)
    if bins_per_octave is None:
        bins_per_octave = n_chroma
    elif np.remainder(bins_per_octave, n_chroma) != 0:
        raise ParameterError(
            f"bins_per_octave={bins_per_octave} must be an integer multiple of n_chroma={n_chroma}"
        )
    if C is None:
        if y is None:
            raise ParameterError("At least one of C or y must be provided to compute chroma")
        C = np.abs(
            cqt(
                y,
                sr=sr,
                hop_length=hop_length,
                fmin=fmin,
                n_bins=n_octaves * bins_per_octave,
                bins_per_octave=bins_per_octave,
                tuning=tuning,
            )
        )
    C = np.asarray(C)
    if C.ndim < 2:
        raise ParameterError(f"C must have shape (..., n_bins, t), got {C.shape}")
    cq_to_chr = cq_to_chroma(
        C.shape[-2], bins_per_octave=bins_per_octave, n_chroma=n_chroma, fmin=fmin, window=window
    )
    # librosa's einsum("cf,...ft->...ct", optimize=True) as a matmul: the same sums, ~200x
    # faster on numpy 2.4. A stack goes one 2-D product at a time, each slice in the layout of
    # one signal's cqt (Fortran order): numpy before 2.3 multiplied a stack's strided slices
    # without BLAS (numpy 2.2: chroma 2.4e-7 apart), and extract(independent=True) promises
    # each signal's own call.
    chroma = np.empty(
        (*C.shape[:-2], cq_to_chr.shape[0], C.shape[-1]), np.result_type(cq_to_chr, C)
    )
    for idx in np.ndindex(C.shape[:-2]):
        chroma[idx] = np.matmul(cq_to_chr, np.asfortranarray(C[idx]))
    if threshold is not None:
        chroma[chroma < threshold] = 0.0
    return normalize(chroma, norm=norm, axis=-2)


def chroma_cens(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    C: np.ndarray | None = None,
    hop_length: int = 512,
    fmin: float | None = None,
    tuning: float | None = None,
    n_chroma: int = 12,
    n_octaves: int = 7,
    bins_per_octave: int = 36,
    cqt_mode: str = "full",
    window: np.ndarray | None = None,
    norm: float | None = 2,
    win_len_smooth: int | None = 41,
    smoothing_window: Any = "hann",
) -> np.ndarray:
    """Chroma Energy Normalized Statistics; mirrors ``librosa.feature.chroma_cens``.

    The un-normalized :func:`chroma_cqt`, L1-normalized per frame, quantized (thresholds
    0.4, 0.2, 0.1, 0.05, a quarter each), smoothed over time with a ``win_len_smooth``-point
    ``smoothing_window`` (zero boundary, as ``scipy.ndimage.convolve``), then normalized by
    ``norm``.

    Returns
    -------
    cens : np.ndarray [shape=(..., n_chroma, t)]

    See Also
    --------
    librosa.feature.chroma_cens
    """
    import scipy.ndimage

    if not (
        win_len_smooth is None
        or (isinstance(win_len_smooth, (int, np.integer)) and win_len_smooth > 0)
    ):
        raise ParameterError(f"win_len_smooth={win_len_smooth} must be a positive integer or None")
    chroma = chroma_cqt(
        y=y,
        C=C,
        sr=sr,
        hop_length=hop_length,
        fmin=fmin,
        bins_per_octave=bins_per_octave,
        tuning=tuning,
        norm=None,
        n_chroma=n_chroma,
        n_octaves=n_octaves,
        cqt_mode=cqt_mode,
        window=window,
    )
    chroma = normalize(chroma, norm=1, axis=-2)
    # librosa adds (chroma > step) * 0.25 for each step; counting the steps exceeded in
    # chroma's dtype and scaling once gives the same multiples of 0.25, without float64
    # temporaries cast back in place
    chroma_quant = (chroma > 0.05).astype(chroma.dtype)
    for step in (0.1, 0.2, 0.4):
        chroma_quant += chroma > step
    chroma_quant *= 0.25
    if win_len_smooth:
        # librosa's scipy.ndimage.convolve with the window along the last axis, as the 1-D
        # filter (~2x faster): both sum the products in float64 (in another order: the result
        # agrees to the last bit of the float64 sums, so float32 chroma matches exactly)
        win = _smoothing_window(smoothing_window, win_len_smooth)
        cens = scipy.ndimage.convolve1d(chroma_quant, win, axis=-1, mode="constant")
    else:
        cens = chroma_quant
    return normalize(cens, norm=norm, axis=-2)


def _smoothing_window(window: Any, win_len_smooth: int) -> np.ndarray:
    """chroma_cens' unit-sum smoothing window of ``win_len_smooth + 2`` points (cached and
    read-only for hashable ``window`` specifications)."""
    try:
        hash(window)
    except TypeError:
        return _unit_sum_window(window, win_len_smooth)
    return _cached_smoothing_window(window, int(win_len_smooth))


@functools.lru_cache(maxsize=16)
def _cached_smoothing_window(window: Any, win_len_smooth: int) -> np.ndarray:
    win = _unit_sum_window(window, win_len_smooth).copy()  # not a callable's own array
    win.setflags(write=False)
    return win


def _unit_sum_window(window: Any, win_len_smooth: int) -> np.ndarray:
    win = get_window(window, win_len_smooth + 2, fftbins=False)
    win /= np.sum(win)
    return win
