"""Frequency conversions, mirroring ``librosa.core.convert`` (float64, same formulas)."""

from __future__ import annotations

import numbers

import numpy as np

from .exceptions import ParameterError

__all__ = ["fft_frequencies", "hz_to_mel", "mel_frequencies", "mel_to_hz"]

_F_SP = 200.0 / 3
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def fft_frequencies(*, sr: float = 22050, n_fft: int = 2048) -> np.ndarray:
    """Frequencies of the ``1 + n_fft // 2`` FFT bins; mirrors ``librosa.fft_frequencies``.

    Raises
    ------
    ParameterError
        If ``n_fft`` is not a nonzero integer or ``sr`` is 0 (librosa: numpy's ValueError or a
        ZeroDivisionError).
    """
    # (librosa: a negative n_fft gives no bins, as numpy's rfftfreq)
    if isinstance(n_fft, bool) or not isinstance(n_fft, numbers.Integral) or n_fft == 0:
        raise ParameterError(f"n_fft={n_fft!r} must be a positive integer")
    if np.ndim(sr) == 0 and sr == 0:
        raise ParameterError("sr=0 has no frequency resolution; pass a nonzero rate")
    return np.fft.rfftfreq(n=n_fft, d=1.0 / sr)


def hz_to_mel(frequencies, *, htk: bool = False):
    """Hz to mels (Slaney by default, HTK with ``htk=True``); mirrors ``librosa.hz_to_mel``."""
    frequencies = np.asanyarray(frequencies)
    if htk:
        return 2595.0 * np.log10(1.0 + frequencies / 700.0)
    mels = frequencies / _F_SP
    if frequencies.ndim:
        log_t = frequencies >= _MIN_LOG_HZ
        mels[log_t] = _MIN_LOG_MEL + np.log(frequencies[log_t] / _MIN_LOG_HZ) / _LOGSTEP
    elif frequencies >= _MIN_LOG_HZ:
        mels = _MIN_LOG_MEL + np.log(frequencies / _MIN_LOG_HZ) / _LOGSTEP
    return mels


def mel_to_hz(mels, *, htk: bool = False):
    """Mels to Hz; mirrors ``librosa.mel_to_hz``."""
    mels = np.asanyarray(mels)
    if htk:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    freqs = _F_SP * mels
    if mels.ndim:
        log_t = mels >= _MIN_LOG_MEL
        freqs[log_t] = _MIN_LOG_HZ * np.exp(_LOGSTEP * (mels[log_t] - _MIN_LOG_MEL))
    elif mels >= _MIN_LOG_MEL:
        freqs = _MIN_LOG_HZ * np.exp(_LOGSTEP * (mels - _MIN_LOG_MEL))
    return freqs


def mel_frequencies(
    n_mels: int = 128, *, fmin: float = 0.0, fmax: float = 11025.0, htk: bool = False
) -> np.ndarray:
    """``n_mels`` frequencies evenly spaced in mels; mirrors ``librosa.mel_frequencies``.

    Raises
    ------
    ParameterError
        If ``n_mels`` is not a non-negative integer (librosa: numpy's TypeError or ValueError).
    """
    if isinstance(n_mels, bool) or not isinstance(n_mels, numbers.Integral) or n_mels < 0:
        raise ParameterError(f"n_mels={n_mels!r} must be a non-negative integer")
    min_mel = hz_to_mel(fmin, htk=htk)
    max_mel = hz_to_mel(fmax, htk=htk)
    mels = np.linspace(min_mel, max_mel, n_mels)
    return mel_to_hz(mels, htk=htk)
