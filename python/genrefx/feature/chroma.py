"""Chromagram from the STFT, mirroring ``librosa.feature.chroma_stft``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _requests, filters
from .._engine import compute
from .._framing import stft_arguments
from .._validation import filterbank_dtype
from ..pitch import estimate_tuning
from ..spectrum import spectrogram
from ..util import normalize

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
    framing = stft_arguments(n_fft, hop_length, win_length, window, center, pad_mode)
    dtype = filterbank_dtype(kwargs.pop("dtype", np.float32))
    if dtype != np.float32:  # a filterbank in another dtype: librosa's product, in numpy
        return _chroma_in_dtype(y, sr, S, norm, tuning, n_chroma, framing, kwargs, dtype)
    return compute(
        ["chroma_stft"],
        lambda n, f, shape: _requests.chroma_part(n, n_chroma, tuning, norm, kwargs),
        y=y,
        S=S,
        sr=sr,
        **framing,
    )["chroma_stft"]


def _chroma_in_dtype(y, sr, S, norm, tuning, n_chroma, framing, chroma_kwargs, dtype):
    """chroma_stft with ``filters.chroma(..., dtype=dtype)``: librosa's steps in numpy (the
    power spectrogram, its tuning estimate, ``einsum(chromafb, S)``, the frames' norm), so that
    the result takes the filterbank's dtype."""
    S, n_fft = spectrogram(y, S, 2.0, framing)
    if tuning is None:
        tuning = estimate_tuning(S=S, sr=sr, bins_per_octave=n_chroma)
    bank = filters.chroma(
        sr=sr, n_fft=n_fft, tuning=tuning, n_chroma=n_chroma, dtype=dtype, **chroma_kwargs
    )
    return normalize(np.einsum("cf,...ft->...ct", bank, S, optimize=True), norm=norm, axis=-2)
