"""Per-feature parts of a core request: the parameters librosa's functions take, validated.

Each builder gets the effective ``n_fft`` and the bin frequencies (known only once the input,
y or S, is seen) and returns the entries the core reads for that feature.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np

from ._validation import check_positive_int, check_positive_number, check_tuning
from .exceptions import ParameterError
from .filters import dct_matrix, mel_bank, octave_weighting

__all__ = [
    "bandwidth_part",
    "chroma_part",
    "contrast_part",
    "flatness_part",
    "mel_part",
    "mfcc_part",
    "rolloff_part",
]

_MEL_KEYS = {"n_mels", "fmin", "fmax", "htk", "norm"}


def mel_part(sr: float, n_fft: int, mel_kwargs: dict[str, Any], power: float) -> dict[str, Any]:
    """melspectrogram's filterbank (``n_mels, fmin, fmax, htk, norm``) and ``power``."""
    unknown = set(mel_kwargs) - _MEL_KEYS
    if unknown:
        raise ParameterError(f"unknown mel filterbank argument(s): {sorted(unknown)}")
    kw = {"n_mels": 128, "fmin": 0.0, "fmax": None, "htk": False, "norm": "slaney"}
    kw.update(mel_kwargs)
    if power not in (1, 2):  # (melspectrogram makes |D|**power itself for other powers)
        raise ParameterError(f"power={power!r}: the fused mel takes 1 (magnitude) or 2 (power)")
    bank = mel_bank(sr, n_fft, kw["n_mels"], kw["fmin"], kw["fmax"], kw["htk"], kw["norm"])
    # (fmin / fmax are valid numbers here: mel_bank checked them)
    full_band = kw["fmin"] <= 0 and (kw["fmax"] is None or kw["fmax"] >= 0.5 * sr)
    return {"mel_bank": bank, "mel_power": float(power), "mel_full_band": bool(full_band)}


def mfcc_part(n_mfcc: Any, n_mels: int, dct_type: Any, norm: Any, lifter: Any) -> dict[str, Any]:
    """mfcc's DCT basis (``n_mfcc`` rows, ``dct_type``, ``norm``, ``lifter``) and librosa's dB."""
    n_mfcc = check_positive_int(n_mfcc, "n_mfcc")
    if dct_type not in (1, 2, 3, 4):
        raise ParameterError(f"dct_type={dct_type!r} must be 1, 2, 3 or 4 (scipy.fft.dct's types)")
    if norm not in (None, "backward", "ortho", "forward"):
        raise ParameterError(
            f"norm={norm!r} must be None, 'backward', 'ortho' or 'forward' (scipy.fft.dct's)"
        )
    if lifter < 0:
        raise ParameterError(f"MFCC lifter={lifter} must be a non-negative number")
    if n_mfcc > n_mels:
        raise ParameterError(f"n_mfcc={n_mfcc} must be at most n_mels={n_mels}")
    return {
        "dct": dct_matrix(n_mfcc, n_mels, dct_type, norm, float(lifter)),
        "top_db": 80.0,
        "db_amin": 1e-10,
    }


def chroma_part(
    n_fft: int, n_chroma: Any, tuning: Any, norm: Any, kwargs: dict[str, Any]
) -> dict[str, Any]:
    """chroma_stft's filterbank arguments, tuning (None: estimated) and output norm."""
    n_chroma = check_positive_int(n_chroma, "n_chroma")
    unknown = set(kwargs) - {"ctroct", "octwidth", "base_c"}
    if unknown:
        raise ParameterError(f"unknown chroma filterbank argument(s): {sorted(unknown)}")
    tuning = check_tuning(tuning)
    # (the core's codes: 0 none, -1 librosa.util.normalize's norm=0, the count of non-zero
    # values; inf / -inf the largest / smallest magnitude; else the p-norm)
    real = isinstance(norm, (int, float, np.number)) and np.isscalar(norm)
    if norm is not None and not (real and (norm == 0 or norm == -np.inf or norm > 0)):
        raise ParameterError(f"norm={norm!r} must be None, np.inf, -np.inf, 0 or a positive number")
    chroma_norm = 0.0 if norm is None else (-1.0 if norm == 0 else float(norm))
    ctroct, octwidth = octave_weighting(kwargs.get("ctroct", 5.0), kwargs.get("octwidth", 2))
    return {
        "n_chroma": n_chroma,
        "chroma_n_fft": n_fft,
        "tuning": None if tuning is None else float(tuning),
        "ctroct": ctroct,
        "octwidth": octwidth,
        "base_c": bool(kwargs.get("base_c", True)),
        "chroma_norm": chroma_norm,
    }


def contrast_part(
    freq: np.ndarray, sr: float, fmin: Any, n_bands: Any, quantile: Any, linear: bool
) -> dict[str, Any]:
    """spectral_contrast's bands as bin ranges, with librosa's edges.

    Band k covers ``[fmin 2^(k-1), fmin 2^k]`` (band 0 starts at 0 Hz), extended one bin down
    for k > 0 and to the top bin for the last band; every band but the last drops its top bin;
    the peak and valley average the ``max(1, rint(quantile * n))`` largest and smallest values.
    """
    if isinstance(n_bands, bool) or not isinstance(n_bands, (int, np.integer)) or n_bands < 1:
        raise ParameterError(f"n_bands={n_bands!r} must be a positive integer")
    if not 0.0 < quantile < 1.0:
        raise ParameterError(f"quantile={quantile} must lie in the range (0, 1)")
    if fmin <= 0:
        raise ParameterError(f"fmin={fmin} must be a positive number")
    octa = np.zeros(n_bands + 2)
    octa[1:] = fmin * (2.0 ** np.arange(0, n_bands + 1))
    if np.any(octa[:-1] >= 0.5 * sr):
        raise ParameterError(
            f"Frequency band exceeds Nyquist: fmin={fmin} with n_bands={n_bands} reaches "
            f"{octa[-2]:g} Hz >= sr/2={0.5 * sr:g} Hz. Reduce either fmin or n_bands."
        )
    freq = np.ascontiguousarray(freq, dtype=np.float64)
    lo, hi, count = _contrast_bands(freq.tobytes(), float(fmin), int(n_bands), float(quantile))
    return {
        "contrast_lo": lo,
        "contrast_hi": hi,
        "contrast_count": count,
        "contrast_linear": bool(linear),
        "top_db": 80.0,
    }


@functools.lru_cache(maxsize=32)
def _contrast_bands(freq_bytes: bytes, fmin: float, n_bands: int, quantile: float):
    """Band bin ranges and counts of :func:`contrast_part`, cached by their parameters."""
    freq = np.frombuffer(freq_bytes, dtype=np.float64)
    octa = np.zeros(n_bands + 2)
    octa[1:] = fmin * (2.0 ** np.arange(0, n_bands + 1))
    if np.any(np.diff(freq) <= 0):
        raise ParameterError("freq must be strictly increasing for spectral_contrast")
    lo, hi, count = [], [], []
    n_bins = len(freq)
    for k, (f_low, f_high) in enumerate(itertools.pairwise(octa)):
        idx = np.flatnonzero((freq >= f_low) & (freq <= f_high))
        if idx.size == 0:
            raise ParameterError(
                f"spectral_contrast band {k} ({f_low:g}-{f_high:g} Hz) holds no frequency bin; "
                "increase n_fft or fmin"
            )
        start = int(idx[0]) - 1 if k > 0 else int(idx[0])
        stop = n_bins if k == n_bands else int(idx[-1]) + 1
        n_band = stop - start
        if k < n_bands:
            stop -= 1
        if stop <= start or start < 0:
            raise ParameterError(
                f"spectral_contrast band {k} ({f_low:g}-{f_high:g} Hz) is too narrow for "
                "n_fft; increase n_fft or fmin"
            )
        lo.append(start)
        hi.append(stop)
        # librosa slices sorted[:idx] / sorted[-idx:], which stops at the band's size
        count.append(min(max(int(np.rint(quantile * n_band)), 1), stop - start))
    arrays = tuple(np.asarray(v, dtype=np.int32) for v in (lo, hi, count))
    for a in arrays:
        a.setflags(write=False)
    return arrays


def rolloff_part(roll_percent: Any) -> dict[str, Any]:
    """spectral_rolloff's ``roll_percent`` in (0, 1)."""
    if not 0.0 < roll_percent < 1.0:
        raise ParameterError(f"roll_percent={roll_percent} must lie in the range (0, 1)")
    return {"roll_percent": float(roll_percent)}


def flatness_part(amin: Any, power: Any) -> dict[str, Any]:
    """spectral_flatness's ``amin`` (> 0) and ``power`` (> 0)."""
    if amin <= 0:
        raise ParameterError(f"amin={amin} must be strictly positive")
    return {"flat_amin": float(amin), "flat_power": check_positive_number(power, "power")}


def bandwidth_part(p: Any, norm: bool, centroid: Any, lead_frames: tuple | None) -> dict[str, Any]:
    """spectral_bandwidth's exponent ``p``, ``norm`` and optional precomputed ``centroid``."""
    part: dict[str, Any] = {"bw_p": check_positive_number(p, "p"), "bw_norm": bool(norm)}
    if centroid is not None:
        c = np.asarray(centroid, dtype=np.float64)
        if lead_frames is not None and c.shape != lead_frames:
            raise ParameterError(f"centroid has shape {c.shape}, expected {lead_frames}")
        part["bw_centroid"] = np.ascontiguousarray(c.reshape(-1))
    return part
