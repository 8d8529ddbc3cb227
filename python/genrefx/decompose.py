"""Spectrogram decompositions, mirroring ``librosa.decompose`` (harmonic-percussive separation)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import _core
from ._validation import check_threads
from .exceptions import ParameterError

__all__ = ["hpss"]


def _pair(value: Any, name: str) -> tuple[Any, Any]:
    """librosa's (harmonic, percussive) pair: a tuple or list of two, or one value for both (a
    0-d array too). (librosa ignores the items of a longer tuple after the second; refused here:
    most likely a mistake.)"""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ParameterError(f"{name}={value!r} must be a number or a pair of numbers")
        return value[0], value[1]
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    return value, value


def _kernel(value: Any, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name}={value!r} must be a positive integer")
    if value < 1:
        raise ParameterError(f"{name}={value} must be a positive integer")
    if value > 2**30:
        raise ParameterError(f"{name}={value} is too large")
    return int(value)


def _margin(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name}={value!r} must be a number >= 1")
    if not value >= 1:
        raise ParameterError(
            f"{name}={value} must be >= 1.0 (margins below 1 are not allowed; a typical range "
            "is between 1 and 10)"
        )
    if not np.isfinite(value):
        raise ParameterError(f"{name}={value} must be finite")
    return float(value)


def hpss(
    S: np.ndarray,
    *,
    kernel_size: Any = 31,
    power: float = 2.0,
    mask: bool = False,
    margin: Any = 1.0,
    n_threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Median-filtering harmonic-percussive source separation; mirrors
    ``librosa.decompose.hpss``.

    The harmonic part is enhanced by a median filter along time, the percussive part by one
    along frequency (both with scipy.ndimage's ``mode="reflect"`` boundary and, for an even
    size ``k``, the window ``[i - k // 2, i - k // 2 + k)`` and its upper median, as
    ``scipy.ndimage.median_filter``); soft masks then split ``S`` [1]_ [2]_::

        H = median_t(|S|),  P = median_f(|S|)
        M_H = softmask(H, margin_H * P, power),  M_P = softmask(P, margin_P * H, power)
        softmask(X, X_ref, p) = X^p / (X^p + X_ref^p)

    (``0.5`` each where both are below ``tiny`` and both margins are 1, else ``0``; with
    ``power=np.inf`` the masks are ``X > X_ref``). The medians are exact selections computed
    by the core's running median across SIMD lanes (a sorted window updated by one
    branch-free delete and insert per step).

    Parameters
    ----------
    S : np.ndarray [shape=(..., d, n)]
        Input spectrogram: complex (an STFT, split into magnitude and phase as
        ``librosa.magphase`` does) or real non-negative (magnitude or power).
    kernel_size : int > 0 or (int, int)
        Median filter lengths: one for both, or ``(harmonic, percussive)``. A kernel longer
        than its axis sees the axis mirrored periodically (``d c b a | a b c d | d c b a |
        a b c d``). (scipy 1.17's median filter, which librosa uses, departs from that for
        kernels around 8 times the axis length and more, and its results there change from
        call to call on the same input.)
    power : float > 0 or np.inf
        Soft mask exponent; ``np.inf`` gives hard (boolean) masks.
    mask : bool
        Return the masks instead of the components.
    margin : float >= 1 or (float, float)
        Separation margins ``(harmonic, percussive)`` [2]_; above 1 leaves a residual
        ``S - (H + P)``.
    n_threads : int > 0
        Threads over blocks of bins and frames (the GIL is released either way).

    Returns
    -------
    harmonic : np.ndarray [shape=(..., d, n)]
        ``(|S| M_H) phase``, or the mask ``M_H`` when ``mask`` is true.
    percussive : np.ndarray [shape=(..., d, n)]
        ``(|S| M_P) phase``, or the mask ``M_P``.

        Components have ``S``'s dtype (complex64 / complex128 for complex ``S``; real ``S``
        follows ``S * float32`` promotion); masks are float32 (float64 for float64 / complex128
        ``S``), boolean for ``power=np.inf``. The core computes in float32.

    Raises
    ------
    ParameterError
        If ``S`` is not a finite numeric array of at least 2 dimensions, a real ``S`` has
        negative values, ``kernel_size`` is not a positive integer (or pair), ``power <= 0`` or
        a margin is below 1.

    See Also
    --------
    librosa.decompose.hpss : the reference implementation.
    genrefx.effects.hpss : the same on a signal (STFT, hpss, inverse STFT).

    References
    ----------
    .. [1] Fitzgerald, Derry. "Harmonic/percussive separation using median filtering."
       13th International Conference on Digital Audio Effects (DAFX10), 2010.
    .. [2] Driedger, Müller, Disch. "Extending harmonic-percussive separation of audio."
       15th International Society for Music Information Retrieval Conference (ISMIR), 2014.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> D = genrefx.stft(y)
    >>> H, P = genrefx.decompose.hpss(D)
    >>> H.shape == D.shape and H.dtype == D.dtype
    True
    """
    if not isinstance(S, np.ndarray):
        raise ParameterError(f"S must be a numpy.ndarray, got {type(S).__name__}")
    if not (np.issubdtype(S.dtype, np.number) or S.dtype == np.bool_):
        raise ParameterError(f"S must be numeric, got dtype {S.dtype}")
    if S.ndim < 2:
        raise ParameterError(f"S must have shape (..., n_bins, n_frames), got {S.shape}")
    win_harm, win_perc = _pair(kernel_size, "kernel_size")
    win_harm = _kernel(win_harm, "kernel_size[0] (harmonic)")
    win_perc = _kernel(win_perc, "kernel_size[1] (percussive)")
    margin_harm, margin_perc = _pair(margin, "margin")
    margin_harm = _margin(margin_harm, "margin[0] (harmonic)")
    margin_perc = _margin(margin_perc, "margin[1] (percussive)")
    if isinstance(power, (bool, np.bool_)) or not isinstance(power, numbers.Real):
        raise ParameterError(f"power={power!r} must be a positive number or np.inf")
    if not power > 0:
        raise ParameterError(f"power={power} must be strictly positive")
    n_threads = check_threads(n_threads)

    complex_in = np.iscomplexobj(S)
    F, T = S.shape[-2], S.shape[-1]
    if complex_in:
        out_dtype = np.dtype(np.complex128) if S.dtype != np.complex64 else np.dtype(np.complex64)
        mask_dtype = np.dtype(np.float64) if out_dtype == np.complex128 else np.dtype(np.float32)
    else:
        out_dtype = np.result_type(S.dtype, np.float32)
        # librosa's softmask divides S's medians by float32 maxima when S is not floating
        # point: float64 masks for 32- and 64-bit integers, float32 for smaller ones
        mask_dtype = np.result_type(S.dtype, np.float32)
    if np.isinf(power):
        mask_dtype = np.dtype(np.bool_)
    if S.size == 0:
        empty = np.zeros(S.shape, dtype=mask_dtype if mask else out_dtype)
        return empty, empty.copy()
    lead = S.shape[:-2]
    batch = S.reshape(-1, F, T)
    # frame-major (B, T, F): librosa's Fortran-ordered STFT needs no copy
    batch = np.ascontiguousarray(
        np.swapaxes(batch, -1, -2), dtype=np.complex64 if complex_in else np.float32
    )
    # the core's scan of the float32 values (complex: both parts); values beyond float32's
    # range became Inf in the conversion
    if not _core.all_finite(batch.reshape(-1).view(np.float32), n_threads):
        raise ParameterError(
            "S is not finite everywhere (it contains NaN or Inf, or values beyond float32's range)"
        )
    if not complex_in and (batch < 0).any():
        raise ParameterError("S must be non-negative (a magnitude or power spectrogram)")
    harm, perc = _core.hpss(
        batch,
        win_harm,
        win_perc,
        float(power),
        margin_harm,
        margin_perc,
        bool(mask),
        True,
        True,
        n_threads,
    )
    dtype = mask_dtype if mask else out_dtype

    def restore(x: np.ndarray) -> np.ndarray:
        # (B, T, F) -> (..., F, T), Fortran-ordered per spectrogram like librosa's
        x = np.swapaxes(x, -1, -2).reshape(*lead, F, T)
        return x.astype(dtype, copy=False)

    return restore(harm), restore(perc)
