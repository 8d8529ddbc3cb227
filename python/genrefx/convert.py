"""Frequency axes and the mel scale, mirroring ``librosa.core.convert``: the frequencies of FFT
bins, mel bands and tempo bins, and Hz <-> mels (float64, the same formulas in the same order:
librosa's numbers, bit for bit).

Pitch notation (MIDI numbers, note names, octaves, tuning) is in :mod:`genrefx.notes`; time
units in :mod:`genrefx.time_units`."""

from __future__ import annotations

import numpy as np

from ._validation import check_positive, check_positive_int, is_integer, is_real
from .exceptions import ParameterError

__all__ = [
    "fft_frequencies",
    "fourier_tempo_frequencies",
    "hz_to_mel",
    "mel_frequencies",
    "mel_to_hz",
    "tempo_frequencies",
]

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
    if not is_integer(n_fft) or n_fft == 0:
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
    if not is_integer(n_mels) or n_mels < 0:
        raise ParameterError(f"n_mels={n_mels!r} must be a non-negative integer")
    min_mel = hz_to_mel(fmin, htk=htk)
    max_mel = hz_to_mel(fmax, htk=htk)
    mels = np.linspace(min_mel, max_mel, n_mels)
    return mel_to_hz(mels, htk=htk)


# --- tempo bins ---------------------------------------------------------------------------------


def tempo_frequencies(n_bins: int, *, hop_length: int = 512, sr: float = 22050) -> np.ndarray:
    """The tempo in BPM of each lag bin of a tempogram (bin 0: ``inf``); mirrors
    ``librosa.tempo_frequencies``: ``60 * sr / (hop_length * lag)``.

    Parameters
    ----------
    n_bins : int > 0
    hop_length : int > 0
    sr : number > 0

    Raises
    ------
    ParameterError
        If ``n_bins`` is not a positive integer (librosa: numpy's IndexError or ValueError),
        or ``hop_length`` / ``sr`` not positive numbers.

    See Also
    --------
    librosa.tempo_frequencies : the reference implementation.
    """
    if not is_real(n_bins) or not np.isfinite(n_bins) or n_bins < 1 or int(n_bins) != n_bins:
        raise ParameterError(f"n_bins={n_bins!r} must be a positive integer")
    check_positive(hop_length, "hop_length")
    check_positive(sr, "sr")
    bin_frequencies = np.zeros(int(n_bins), dtype=np.float64)
    bin_frequencies[0] = np.inf
    bin_frequencies[1:] = 60.0 * sr / (hop_length * np.arange(1.0, n_bins))
    return bin_frequencies


def fourier_tempo_frequencies(
    *, sr: float = 22050, win_length: int = 384, hop_length: int = 512
) -> np.ndarray:
    """The tempo in BPM of each bin of a Fourier tempogram; mirrors
    ``librosa.fourier_tempo_frequencies``: ``fft_frequencies(sr=sr * 60 / hop_length,
    n_fft=win_length)``.

    Raises
    ------
    ParameterError
        If ``win_length`` is not a positive integer, or ``sr`` / ``hop_length`` not positive
        numbers (librosa: numpy's ValueError or a ZeroDivisionError).

    See Also
    --------
    librosa.fourier_tempo_frequencies : the reference implementation.
    """
    check_positive_int(win_length, "win_length")
    check_positive(sr, "sr")
    check_positive(hop_length, "hop_length")
    return fft_frequencies(sr=sr * 60 / float(hop_length), n_fft=win_length)
