"""Spectral shape features, mirroring ``librosa.feature.spectral``.

Each function takes audio ``y`` (framed and transformed by the core) or a magnitude spectrogram
``S``; leading dimensions of either are kept. Output dtypes follow librosa: centroid, bandwidth,
contrast and rolloff are float64; flatness follows the input's precision.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _requests
from .._engine import compute

__all__ = [
    "spectral_bandwidth",
    "spectral_centroid",
    "spectral_contrast",
    "spectral_flatness",
    "spectral_rolloff",
]


def spectral_centroid(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    freq: np.ndarray | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Spectral centroid per frame; mirrors ``librosa.feature.spectral_centroid``.

    ``sum_k freq[k] * S[k] / sum_k S[k]`` over the magnitude spectrum, with librosa's
    normalization: the column sum in float64, columns summing below float32's tiny left as is
    (so silent frames give 0).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, t)] or None
        Magnitude spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT arguments, as :func:`genrefx.stft` (hop_length defaults to 512 here).
    freq : np.ndarray [shape=(1 + n_fft // 2,)] or None
        Bin frequencies; default ``fft_frequencies(sr=sr, n_fft=n_fft)``.

    Returns
    -------
    centroid : np.ndarray [shape=(..., 1, t)], float64

    See Also
    --------
    librosa.feature.spectral_centroid
    """
    return compute(
        ["spectral_centroid"],
        lambda n, f, shape: {},
        y=y,
        S=S,
        sr=sr,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        freq=freq,
    )["spectral_centroid"]


def spectral_bandwidth(
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
    freq: np.ndarray | None = None,
    centroid: np.ndarray | None = None,
    norm: bool = True,
    p: float = 2,
) -> np.ndarray:
    """p-th order spectral bandwidth; mirrors ``librosa.feature.spectral_bandwidth``.

    ``(sum_k S[k] |freq[k] - centroid|^p)^(1/p)``, with S normalized per frame when ``norm``.
    The centroid is computed in the same pass unless given.

    Returns
    -------
    bandwidth : np.ndarray [shape=(..., 1, t)], float64

    See Also
    --------
    librosa.feature.spectral_bandwidth
    """
    return compute(
        ["spectral_bandwidth"],
        lambda n, f, shape: _requests.bandwidth_part(p, norm, centroid, shape),
        y=y,
        S=S,
        sr=sr,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        freq=freq,
    )["spectral_bandwidth"]


def spectral_contrast(
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
    freq: np.ndarray | None = None,
    fmin: float = 200.0,
    n_bands: int = 6,
    quantile: float = 0.02,
    linear: bool = False,
) -> np.ndarray:
    """Spectral contrast (peak minus valley per octave band); mirrors
    ``librosa.feature.spectral_contrast``.

    librosa's quirks are kept: band 0 spans 0-fmin Hz, each later band is extended one bin down,
    every band but the last drops its top bin, the last band runs to Nyquist; peak and valley
    are means of the ``max(1, rint(quantile * n))`` largest / smallest magnitudes; with
    ``linear=False`` both go through ``power_to_db`` (top_db=80 over the WHOLE array, all
    channels) before the difference.

    Returns
    -------
    contrast : np.ndarray [shape=(..., n_bands + 1, t)], float64

    Raises
    ------
    ParameterError
        If a band reaches Nyquist, holds no bin, or ``n_bands``/``quantile``/``fmin`` are invalid.

    See Also
    --------
    librosa.feature.spectral_contrast
    """
    return compute(
        ["spectral_contrast"],
        lambda n, f, shape: _requests.contrast_part(f, float(sr), fmin, n_bands, quantile, linear),
        y=y,
        S=S,
        sr=sr,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        freq=freq,
    )["spectral_contrast"]


def spectral_rolloff(
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
    freq: np.ndarray | None = None,
    roll_percent: float = 0.85,
) -> np.ndarray:
    """Roll-off frequency; mirrors ``librosa.feature.spectral_rolloff``.

    The lowest bin frequency whose cumulative magnitude (a float32 running sum, as numpy's
    ``cumsum``) reaches ``roll_percent`` of the frame's total.

    Returns
    -------
    rolloff : np.ndarray [shape=(..., 1, t)], float64

    See Also
    --------
    librosa.feature.spectral_rolloff
    """
    return compute(
        ["spectral_rolloff"],
        lambda n, f, shape: _requests.rolloff_part(roll_percent),
        y=y,
        S=S,
        sr=sr,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        freq=freq,
    )["spectral_rolloff"]


def spectral_flatness(
    *,
    y: np.ndarray | None = None,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    amin: float = 1e-10,
    power: float = 2.0,
) -> np.ndarray:
    """Spectral flatness (geometric over arithmetic mean); mirrors
    ``librosa.feature.spectral_flatness``.

    Computed on ``max(amin, S**power)`` in float32 with the sums numpy does for librosa's
    arrays: pairwise over the bins of one signal's STFT or an ``S`` whose bin axis is
    contiguous, running sums otherwise (a batch's STFT), float64 for float64 input.

    Returns
    -------
    flatness : np.ndarray [shape=(..., 1, t)], float32 (float64 for float64 input)

    See Also
    --------
    librosa.feature.spectral_flatness
    """
    return compute(
        ["spectral_flatness"],
        lambda n, f, shape: _requests.flatness_part(amin, power),
        y=y,
        S=S,
        sr=22050,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
    )["spectral_flatness"]
