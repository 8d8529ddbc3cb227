"""Chromagram from the STFT, mirroring ``librosa.feature.chroma_stft``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _requests
from .._engine import compute

__all__ = ["chroma_stft"]


def chroma_stft(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    norm: float | None = np.inf,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    tuning: float | None = None,
    n_chroma: int = 12,
    **kwargs: Any,
) -> np.ndarray:
    """Chromagram of the power spectrogram; mirrors ``librosa.feature.chroma_stft``.

    With ``tuning=None`` the tuning is estimated as ``librosa.estimate_tuning`` does: piptrack
    peaks (150-4000 Hz, above 10 % of the frame maximum, parabolic interpolation), the median
    peak magnitude as threshold, and the mode of a 0.01-semitone histogram of the pitches'
    deviations. As in librosa, ONE tuning is estimated for the whole input, all channels
    together. The chroma filterbank (``kwargs``: ctroct, octwidth, base_c) is then applied and
    each frame normalized by ``norm``.

    Returns
    -------
    chromagram : np.ndarray [shape=(..., n_chroma, t)], float32 (float64 for float64 input)

    See Also
    --------
    librosa.feature.chroma_stft
    """
    return compute(
        ["chroma_stft"],
        lambda n, f, shape: _requests.chroma_part(n, n_chroma, tuning, norm, kwargs),
        y=y,
        S=S,
        sr=sr,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
    )["chroma_stft"]
