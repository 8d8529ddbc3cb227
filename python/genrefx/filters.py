"""Filterbanks and windows, mirroring ``librosa.filters`` (cached by their parameters).

The mel filterbank is computed with librosa's formulas in the requested dtype, exactly as
``librosa.filters.mel``; the float32 chroma filterbank is built by the core (a port of
``librosa.filters.chroma``) because its tuning is only known after the first pass.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from . import _core
from ._validation import check_positive_int, check_positive_number, check_tuning
from .convert import fft_frequencies, mel_frequencies
from .exceptions import ParameterError

__all__ = ["chroma", "cq_to_chroma", "dct_matrix", "get_window", "mel", "stft_window"]


def get_window(window: Any, Nx: int, *, fftbins: bool = True) -> np.ndarray:
    """A window of length ``Nx``; mirrors ``librosa.filters.get_window``.

    ``window`` may be a name or tuple understood by ``scipy.signal.get_window`` ("hann",
    "hamming", "blackman", ("kaiser", 8.0) ...), a callable taking the length, or an array of
    length ``Nx``.
    """
    if callable(window):
        return np.asarray(window(Nx))
    if isinstance(window, str) and isinstance(Nx, int) and Nx > 1:
        # librosa's default and the CQT's window, without importing scipy.signal (~0.6 s):
        # scipy's own arithmetic (general_cosine with a = [0.5, 0.5]; np.ones), so the same
        # numbers bit for bit
        if window == "hann":
            return _hann(Nx, fftbins)
        if window in ("ones", "boxcar", "box", "rect", "rectangular"):
            return np.ones(Nx, dtype=np.float64)
    if isinstance(window, (str, tuple)) or np.isscalar(window):
        import scipy.signal

        try:
            return scipy.signal.get_window(window, Nx, fftbins=fftbins)
        except (ValueError, TypeError) as exc:
            raise ParameterError(f"window={window!r} is not a known window: {exc}") from None
    if isinstance(window, (np.ndarray, list)):
        if len(window) == Nx:
            return np.asarray(window)
        raise ParameterError(f"window has {len(window)} samples, expected win_length={Nx}")
    raise ParameterError(f"window={window!r} is not a valid window specification")


def _hann(n: int, fftbins: bool) -> np.ndarray:
    """``scipy.signal.get_window("hann", n, fftbins=fftbins)`` for n > 1, as scipy computes it."""
    m = n + 1 if fftbins else n  # (periodic: the symmetric window one longer, truncated)
    fac = np.linspace(-np.pi, np.pi, m, dtype=np.float64)
    w = np.zeros(m, dtype=np.float64)
    for k, a in enumerate((0.5, 0.5)):
        w += np.float64(a) * np.cos(k * fac)
    return w[:-1] if fftbins else w


@functools.lru_cache(maxsize=64)
def _cached_window(window: Any, win_length: int, n_fft: int) -> np.ndarray:
    return _build_window(window, win_length, n_fft)


def _build_window(window: Any, win_length: int, n_fft: int) -> np.ndarray:
    w = np.asarray(get_window(window, win_length, fftbins=True))
    if np.iscomplexobj(w) or not (np.issubdtype(w.dtype, np.number) or w.dtype == np.bool_):
        # (librosa.stft: scipy's rfft refuses a complex product; istft fails too)
        raise ParameterError(f"window must be real-valued, got dtype {w.dtype}")
    w = w.astype(np.float64, copy=False)
    if w.shape != (win_length,):
        raise ParameterError(f"window must have shape ({win_length},), got {w.shape}")
    if not np.isfinite(w).all():
        raise ParameterError("window is not finite everywhere")
    lpad = (n_fft - win_length) // 2
    padded = np.zeros(n_fft, dtype=np.float64)
    padded[lpad : lpad + win_length] = w  # librosa.util.pad_center
    padded.setflags(write=False)
    return padded


def stft_window(window: Any, win_length: int, n_fft: int) -> np.ndarray:
    """The float64 analysis window of ``win_length`` samples centred in ``n_fft`` (cached)."""
    try:
        hash(window)
    except TypeError:
        return _build_window(window, win_length, n_fft)
    return _cached_window(window, win_length, n_fft)


_FLOAT32 = np.dtype(np.float32)


@functools.lru_cache(maxsize=32)
def _mel_cached(sr, n_fft, n_mels, fmin, fmax, htk, norm, dtype=_FLOAT32):
    """librosa.filters.mel step for step, in ``dtype`` as librosa (the ramps are float64,
    rounded once into the bank, then scaled in place); the float32 bank also in the core's
    sparse form."""
    from .util import normalize

    if fmax is None:
        fmax = float(sr) / 2
    weights = np.zeros((n_mels, int(1 + n_fft // 2)), dtype=dtype)
    fftfreqs = fft_frequencies(sr=sr, n_fft=n_fft)
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if isinstance(norm, str):
        if norm != "slaney":
            raise ParameterError(f"norm={norm!r} is not supported; use 'slaney', a number or None")
        if weights.dtype.kind not in "fc":  # (librosa: numpy cannot scale integers in place)
            raise ParameterError(f"dtype={dtype} cannot hold the slaney-normalized filterbank")
        enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    else:
        weights = normalize(weights, norm=norm, axis=-1)
    if not np.all((mel_f[:-2] == 0) | (weights.max(axis=1) > 0)):
        warnings.warn(
            "Empty filters detected in mel frequency basis. Some channels will produce empty "
            "responses. Try increasing your sampling rate (and fmax) or reducing n_mels.",
            UserWarning,
            stacklevel=4,
        )
    weights.setflags(write=False)
    return weights, (_core.SparseBank(weights) if dtype == np.float32 else None)


def _check_bank_sizes(sr: Any, n_fft: Any, min_n_fft: int) -> None:
    """A filterbank's ``sr`` (finite, > 0) and ``n_fft`` (an integer >= ``min_n_fft``)."""
    if check_positive_int(n_fft, "n_fft") < min_n_fft:  # (librosa: numpy's errors)
        raise ParameterError(f"n_fft={n_fft} must be at least {min_n_fft}")
    check_positive_number(sr, "sr")


def _mel_args(sr, n_fft, n_mels, fmin, fmax, htk, norm):
    _check_bank_sizes(sr, n_fft, 1)
    n_mels = int(n_mels)
    if n_mels <= 0:
        raise ParameterError(f"n_mels={n_mels} must be a positive integer")
    if fmin < 0:
        raise ParameterError(f"fmin={fmin} must be non-negative")
    if fmax is not None and fmax <= fmin:
        raise ParameterError(f"fmax={fmax} must be greater than fmin={fmin}")
    if not (norm is None or isinstance(norm, str)):
        real = np.isscalar(norm) and np.isreal(norm) and not isinstance(norm, bool)
        if not (real and (norm > 0 or norm == 0 or norm == -np.inf)):  # librosa.util.normalize's
            raise ParameterError(
                f"norm={norm!r} must be 'slaney', None, np.inf, -np.inf, 0 or a positive number"
            )
    return (
        float(sr),
        int(n_fft),
        n_mels,
        float(fmin),
        None if fmax is None else float(fmax),
        bool(htk),
        norm,
    )


def mel(
    *,
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: Any = "slaney",
    dtype: Any = np.float32,
) -> np.ndarray:
    """Mel filterbank (n_mels, 1 + n_fft // 2); mirrors ``librosa.filters.mel``.

    Computed in ``dtype`` as librosa does (so a float64 bank has float64 precision, a float16
    one librosa's float16 rounding); cached by the arguments.
    """
    try:
        dtype = np.dtype(dtype)
    except TypeError as error:
        raise ParameterError(f"dtype={dtype!r} is not a numpy dtype") from error
    weights, _ = _mel_cached(*_mel_args(sr, n_fft, n_mels, fmin, fmax, htk, norm), dtype)
    return weights.copy()


def mel_bank(sr, n_fft, n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    """The core's sparse form of :func:`mel` (cached)."""
    return _mel_cached(*_mel_args(sr, n_fft, n_mels, fmin, fmax, htk, norm))[1]


def octave_weighting(ctroct: Any, octwidth: Any) -> tuple[float, float]:
    """``(ctroct, octwidth)`` of librosa's chroma filterbank as the core takes them.

    Only ``octwidth``'s square enters librosa's Gaussian octave weighting, so its magnitude is
    passed; ``None`` (no weighting, and then librosa does not use ``ctroct``) becomes 0.
    An infinite width weights every bin by exp(-0) = 1 exactly, as no weighting does: it
    becomes 0 too. Raises ParameterError for a non-finite ``ctroct`` (with a width) or a zero
    or NaN ``octwidth`` (librosa gives NaN or all-zero weights there).
    """
    if octwidth is None:  # no weighting: librosa does not use ctroct then
        return 0.0, 0.0
    if not (np.isscalar(ctroct) and np.isfinite(ctroct)):
        raise ParameterError(f"ctroct={ctroct!r} must be a finite number")
    if not (np.isscalar(octwidth) and not np.isnan(octwidth) and octwidth):
        raise ParameterError(f"octwidth={octwidth!r} must be a nonzero number or None")
    if np.isinf(octwidth):
        return 0.0, 0.0
    return float(ctroct), abs(float(octwidth))


def chroma(
    *,
    sr: float,
    n_fft: int,
    n_chroma: int = 12,
    tuning: float = 0.0,
    ctroct: float = 5.0,
    octwidth: float | None = 2,
    norm: float | None = 2,
    base_c: bool = True,
    dtype: Any = np.float32,
) -> np.ndarray:
    """Chroma filterbank (n_chroma, 1 + n_fft // 2); mirrors ``librosa.filters.chroma``.

    ``norm=2`` (librosa's default, and what ``chroma_stft`` uses) in float32 comes from the
    core's cached filterbank; other norms (``librosa.util.normalize``'s: None, np.inf, -np.inf,
    0, p > 0) and dtypes follow librosa's steps in numpy (float64, cast to ``dtype``).
    """
    _check_bank_sizes(sr, n_fft, 2)  # (librosa: n_fft = 1 has no bins past DC to place)
    check_positive_int(n_chroma, "n_chroma")
    if check_tuning(tuning) is None:
        raise ParameterError("tuning=None: the filterbank needs a number")
    ctroct_, octwidth_ = octave_weighting(ctroct, octwidth)
    if norm != 2 or np.dtype(dtype) != np.float32:  # (the core's bank is float32)
        return _chroma_numpy(
            float(sr), int(n_fft), int(n_chroma), float(tuning), ctroct_, octwidth_, norm, base_c
        ).astype(dtype)
    fb = _core.chroma_filterbank(
        float(sr), int(n_fft), int(n_chroma), float(tuning), ctroct_, octwidth_, bool(base_c)
    )
    return fb.astype(dtype, copy=False)


def _chroma_numpy(sr, n_fft, n_chroma, tuning, ctroct, octwidth, norm, base_c) -> np.ndarray:
    """librosa.filters.chroma's steps in float64, for the norms the core does not build."""
    from .util import normalize

    frequencies = np.linspace(0, sr, n_fft, endpoint=False)[1:]
    a440 = 440.0 * 2.0 ** (tuning / n_chroma)
    frqbins = n_chroma * np.log2(frequencies / (a440 / 16))
    # the 0 Hz bin: 1.5 octaves below bin 1
    frqbins = np.concatenate(([frqbins[0] - 1.5 * n_chroma], frqbins))
    binwidthbins = np.concatenate((np.maximum(frqbins[1:] - frqbins[:-1], 1.0), [1]))
    D = np.subtract.outer(frqbins, np.arange(0, n_chroma, dtype="d")).T
    half = np.round(float(n_chroma) / 2)
    D = np.remainder(D + half + 10 * n_chroma, n_chroma) - half
    wts = normalize(np.exp(-0.5 * (2 * D / np.tile(binwidthbins, (n_chroma, 1))) ** 2), norm=norm)
    if octwidth:  # (octave_weighting's 0: None, no weighting)
        wts = wts * np.exp(-0.5 * (((frqbins / n_chroma - ctroct) / octwidth) ** 2))
    if base_c:
        wts = np.roll(wts, -3 * (n_chroma // 12), axis=0)
    return np.ascontiguousarray(wts[:, : int(1 + n_fft / 2)])


@functools.lru_cache(maxsize=32)
def dct_matrix(n_mfcc: int, n_mels: int, dct_type: int, norm: str | None, lifter: float):
    """Rows of ``scipy.fft.dct(type=dct_type, norm=norm)`` over ``n_mels`` points, liftered.

    ``dct_matrix(...) @ x`` equals ``scipy.fft.dct(x, axis=0, ...)[:n_mfcc]`` times librosa's
    lifter ``1 + (lifter / 2) sin(pi k / lifter)``, k = 1..n_mfcc.
    """
    import scipy.fft

    basis = scipy.fft.dct(np.eye(n_mels), type=dct_type, norm=norm, axis=0)[:n_mfcc]
    if lifter > 0:
        li = np.sin(np.pi * np.arange(1, 1 + n_mfcc, dtype=np.float64) / lifter)
        basis = basis * (1 + (lifter / 2) * li)[:, np.newaxis]
    out = np.ascontiguousarray(basis, dtype=np.float32)
    out.setflags(write=False)
    return out


def cq_to_chroma(
    n_input: int,
    *,
    bins_per_octave: int = 12,
    n_chroma: int = 12,
    fmin: float | None = None,
    window: np.ndarray | None = None,
    base_c: bool = True,
    dtype: Any = np.float32,
) -> np.ndarray:
    """Matrix folding ``n_input`` constant-Q bins into ``n_chroma`` chroma bins; mirrors
    ``librosa.filters.cq_to_chroma``.

    Each chroma bin sums the ``bins_per_octave / n_chroma`` CQ bins centred on it in every
    octave, rotated so that the first row is C (``base_c``) or A, given the CQT's ``fmin``
    (C1 by default).
    """
    if window is None:
        # cached by the parameters (a copy out: the cache's array is read-only); fmin's type is
        # part of the key, since a float32 fmin gives librosa's float32 arithmetic
        key = (n_input, bins_per_octave, n_chroma, fmin, type(fmin), bool(base_c), np.dtype(dtype))
        try:
            hash(key)
        except TypeError:
            pass
        else:
            return _cached_cq_to_chroma(*key).copy()
    return _build_cq_to_chroma(n_input, bins_per_octave, n_chroma, fmin, window, base_c, dtype)


@functools.lru_cache(maxsize=64)
def _cached_cq_to_chroma(
    n_input, bins_per_octave, n_chroma, fmin, fmin_type, base_c, dtype
) -> np.ndarray:
    folding = _build_cq_to_chroma(n_input, bins_per_octave, n_chroma, fmin, None, base_c, dtype)
    folding.setflags(write=False)
    return folding


def _build_cq_to_chroma(n_input, bins_per_octave, n_chroma, fmin, window, base_c, dtype):
    """librosa.filters.cq_to_chroma, step for step."""
    import scipy.signal

    from .constantq import note_to_hz

    n_merge = float(bins_per_octave) / n_chroma
    if np.mod(n_merge, 1) != 0:
        raise ParameterError(
            f"Incompatible CQ merge: bins_per_octave={bins_per_octave} must be an integer "
            f"multiple of n_chroma={n_chroma}"
        )
    fmin_ = note_to_hz("C1") if fmin is None else fmin
    cq_to_ch = np.repeat(np.eye(n_chroma), int(n_merge), axis=1)
    cq_to_ch = np.roll(cq_to_ch, -int(n_merge // 2), axis=1)
    n_octaves = np.ceil(float(n_input) / bins_per_octave)
    cq_to_ch = np.tile(cq_to_ch, int(n_octaves))[:, :n_input]
    midi_0 = np.mod(12 * (np.log2(np.asanyarray(fmin_)) - np.log2(440.0)) + 69, 12)  # hz_to_midi
    roll = midi_0 if base_c else midi_0 - 9
    roll = int(np.round(roll * (n_chroma / 12.0)))
    cq_to_ch = np.roll(cq_to_ch, roll, axis=0).astype(dtype)
    if window is not None:
        cq_to_ch = scipy.signal.convolve(cq_to_ch, np.atleast_2d(window), mode="same")
    return cq_to_ch
