"""Polynomial fits to spectrogram frames, mirroring ``librosa.feature.poly_features``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._framing import stft_arguments
from .._validation import is_real
from ..convert import fft_frequencies
from ..exceptions import ParameterError
from ..spectrum import spectrogram

__all__ = ["poly_features"]


def _degree(order: Any) -> int:
    """``numpy.polyfit``'s degree, ``int(order)``; -1 where that fails (NaN, inf)."""
    try:
        return int(order)
    except (OverflowError, ValueError):
        return -1


def poly_features(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    order: int = 1,
    freq: np.ndarray | None = None,
) -> np.ndarray:
    """Coefficients of an ``order``-th degree polynomial fitted to each spectrogram frame;
    mirrors ``librosa.feature.poly_features``.

    Each column of the magnitude spectrogram is fitted against the bin frequencies by
    ``numpy.polyfit``, called exactly as librosa calls it (all frames of a channel in one
    least-squares solve for 1-D ``freq``; one solve per frame for per-frame frequencies), so
    for a given ``S`` the coefficients equal librosa's bit for bit. From ``y``, ``S`` is
    ``abs(stft(y))`` from the float64 FFT, as librosa's.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio; leading dimensions are channels or a batch.
    sr : number != 0
        Sampling rate, for the default bin frequencies.
    S : np.ndarray [shape=(..., d, t)] or None
        Magnitude spectrogram; used instead of ``y`` when given. Its ``n_fft`` is the given
        one if ``n_fft // 2 + 1 == d``, else ``2 * (d - 1)`` (librosa's rule).
    n_fft, hop_length, win_length, window, center, pad_mode
        As :func:`genrefx.stft`, for ``y``.
    order : int >= 0
        Degree of the polynomial. As ``numpy.polyfit`` (and so librosa), a fractional order
        is truncated (``int(order)``).
    freq : None or np.ndarray [shape=(d,) or shape=(..., d, t)]
        Bin frequencies; ``None`` means ``fft_frequencies(sr=sr, n_fft=n_fft)``. Per-frame
        frequencies (for example from a reassigned spectrogram) broadcast against ``S``'s
        frames, as librosa's ``np.vectorize`` does.

    Returns
    -------
    coefficients : np.ndarray [shape=(..., order + 1, t)]
        Highest degree first (``coefficients[..., order, :]`` is the constant term); float64
        (complex128 for a complex ``S``), as ``numpy.polyfit``.

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S``; ``S`` not ``(..., d, t)`` or with no channels; ``order``
        negative or not a number; ``freq`` whose bins do not match ``S``'s or whose frames do
        not broadcast; ``sr == 0``. (librosa raises bare numpy errors for these, and rejects
        a list ``freq``, which is converted here.)

    Warns
    -----
    numpy.exceptions.RankWarning
        From ``numpy.polyfit`` when the fit is poorly conditioned (high orders), as librosa.

    See Also
    --------
    librosa.feature.poly_features : the reference implementation.
    numpy.polyfit

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> genrefx.feature.poly_features(y=y, order=2).shape
    (3, 44)
    """
    if not is_real(order) or not _degree(order) >= 0:
        raise ParameterError(f"order={order!r} must be a non-negative integer")
    if S is None and y is None:
        raise ParameterError("Input signal must be provided to compute a spectrogram: y or S")
    framing = stft_arguments(n_fft, hop_length, win_length, window, center, pad_mode)
    S, n_fft = spectrogram(y, S, 1, framing)
    if S.shape[-2] == 0 or 0 in S.shape[:-2]:  # (librosa: numpy's TypeError / ValueError)
        raise ParameterError(f"S has no frequency bins or no channels, given S.shape={S.shape}")

    if freq is None:
        freq = fft_frequencies(sr=sr, n_fft=n_fft)
    freq = np.asarray(freq)
    n_bins = S.shape[-2]
    if freq.ndim == 1:
        if freq.shape[0] != n_bins:
            raise ParameterError(
                f"freq has {freq.shape[0]} entries, S has {n_bins} frequency bins "
                f"(S.shape={S.shape})"
            )
        if S.ndim == 2:
            return np.polyfit(freq, S, order)
        # librosa's np.vectorize "(f,t)->(d,t)": one fit per channel
        rows = [np.polyfit(freq, S[index], order) for index in np.ndindex(S.shape[:-2])]
        return np.stack(rows).reshape(*S.shape[:-2], *rows[0].shape)

    # per-frame frequencies: librosa's np.vectorize "(f),(f)->(d)" over the (..., t, f) frames
    if freq.ndim < 2 or freq.shape[-2] != n_bins:
        raise ParameterError(
            f"freq must have shape (d,) or (..., d, t) with d={n_bins} bins as S "
            f"(S.shape={S.shape}), got {freq.shape}"
        )
    try:
        frames_x, frames_y = np.broadcast_arrays(freq.swapaxes(-2, -1), S.swapaxes(-2, -1))
    except ValueError:
        raise ParameterError(
            f"freq with shape {freq.shape} does not broadcast against S with shape {S.shape}"
        ) from None
    loop = frames_x.shape[:-1]
    if not all(loop):
        raise ParameterError(f"no frames to fit: freq {freq.shape} against S {S.shape}")
    fits = [np.polyfit(frames_x[index], frames_y[index], order) for index in np.ndindex(loop)]
    return np.stack(fits).reshape(*loop, -1).swapaxes(-2, -1)
