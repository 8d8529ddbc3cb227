"""Time-domain harmonic-percussive separation, mirroring ``librosa.effects.hpss``,
``harmonic`` and ``percussive``: :func:`genrefx.stft`, :func:`genrefx.decompose.hpss`, then
:func:`genrefx.istft` with the input's length."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._framing import framing
from ._inverse import istft
from ._validation import check_threads, valid_audio
from .decompose import hpss as _hpss_spectrogram
from .spectrum import stft

__all__ = ["harmonic", "hpss", "percussive"]


def _separate(
    y: np.ndarray,
    which: tuple[bool, bool],
    *,
    kernel_size: Any,
    power: float,
    mask: bool,
    margin: Any,
    n_fft: int,
    hop_length: int | None,
    win_length: int | None,
    window: Any,
    center: bool,
    pad_mode: str,
    n_threads: int,
) -> list[np.ndarray]:
    y = valid_audio(y)
    n_threads = check_threads(n_threads)
    fr = framing(
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
    )
    D = stft(
        y,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )
    parts = _hpss_spectrogram(
        D, kernel_size=kernel_size, power=power, mask=mask, margin=margin, n_threads=n_threads
    )
    out = []
    for wanted, part in zip(which, parts, strict=True):
        if wanted:
            if part.dtype == np.bool_:  # power=np.inf with mask=True: boolean masks
                part = part.astype(np.float32)
            out.append(
                istft(
                    part,
                    dtype=y.dtype,
                    n_fft=fr.n_fft,
                    hop_length=fr.hop_length,
                    win_length=fr.win_length,
                    window=window,
                    center=center,
                    length=y.shape[-1],
                    n_threads=n_threads,
                )
            )
    return out


_SHARED_DOC = """
    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], floating-point
        Audio; leading dimensions are channels or a batch.
    kernel_size, power, mask, margin
        As :func:`genrefx.decompose.hpss`. With ``mask=True`` the masks themselves are
        inverted, as librosa does.
    n_fft, hop_length, win_length, window, center, pad_mode
        As :func:`genrefx.stft`; the same framing inverts the components. Unlike librosa 0.11,
        whose ``effects`` functions accept ``window`` but always use "hann", the given window
        is used for both transforms (the results agree for the default "hann").
    n_threads : int > 0
        Threads for the STFT, the median filters and the inverse STFT.
"""


def hpss(
    y: np.ndarray,
    *,
    kernel_size: Any = 31,
    power: float = 2.0,
    mask: bool = False,
    margin: Any = 1.0,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    n_threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Split audio into harmonic and percussive signals; mirrors ``librosa.effects.hpss``.

    ``istft(decompose.hpss(stft(y)))`` for each component, with ``length=y.shape[-1]`` so that
    both signals have the input's length.
    {shared}
    Returns
    -------
    y_harmonic : np.ndarray [shape=(..., n)], y's dtype
    y_percussive : np.ndarray [shape=(..., n)], y's dtype

    Raises
    ------
    ParameterError
        Invalid audio or arguments (see :func:`genrefx.stft` and
        :func:`genrefx.decompose.hpss`).

    See Also
    --------
    librosa.effects.hpss : the reference implementation.
    harmonic, percussive : one component only.
    genrefx.decompose.hpss : the separation on a spectrogram.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> y_h, y_p = genrefx.effects.hpss(y)
    >>> y_h.shape == y.shape
    True
    """
    h, p = _separate(
        y,
        (True, True),
        kernel_size=kernel_size,
        power=power,
        mask=mask,
        margin=margin,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )
    return h, p


def harmonic(
    y: np.ndarray,
    *,
    kernel_size: Any = 31,
    power: float = 2.0,
    mask: bool = False,
    margin: Any = 1.0,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    n_threads: int = 1,
) -> np.ndarray:
    """The harmonic component of audio; mirrors ``librosa.effects.harmonic``.
    {shared}
    Returns
    -------
    y_harmonic : np.ndarray [shape=(..., n)], y's dtype

    See Also
    --------
    librosa.effects.harmonic : the reference implementation.
    hpss, percussive
    """
    return _separate(
        y,
        (True, False),
        kernel_size=kernel_size,
        power=power,
        mask=mask,
        margin=margin,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )[0]


def percussive(
    y: np.ndarray,
    *,
    kernel_size: Any = 31,
    power: float = 2.0,
    mask: bool = False,
    margin: Any = 1.0,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    n_threads: int = 1,
) -> np.ndarray:
    """The percussive component of audio; mirrors ``librosa.effects.percussive``.
    {shared}
    Returns
    -------
    y_percussive : np.ndarray [shape=(..., n)], y's dtype

    See Also
    --------
    librosa.effects.percussive : the reference implementation.
    hpss, harmonic
    """
    return _separate(
        y,
        (False, True),
        kernel_size=kernel_size,
        power=power,
        mask=mask,
        margin=margin,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )[0]


for _f in (hpss, harmonic, percussive):
    _f.__doc__ = _f.__doc__.replace("{shared}", _SHARED_DOC)
del _f
