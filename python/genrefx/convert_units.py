"""Unit conversions of time (frames, samples, seconds, blocks) and level (decibels, frequency
weightings, magnitude and phase), and tempo-bin frequencies, mirroring ``librosa.core.convert``
and ``librosa.core.spectrum``: the same formulas in the same order, so librosa's numbers bit for
bit, and its scalar / array types (a scalar in gives a numpy scalar out, except where librosa
gives a 0-d array: ``samples_to_frames`` and ``time_to_frames``)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .convert import _numeric, _positive, fft_frequencies
from .exceptions import ParameterError
from .spectrum import power_to_db

__all__ = [
    "A_weighting",
    "B_weighting",
    "C_weighting",
    "D_weighting",
    "Z_weighting",
    "blocks_to_frames",
    "blocks_to_samples",
    "blocks_to_time",
    "db_to_amplitude",
    "db_to_power",
    "fourier_tempo_frequencies",
    "frames_to_samples",
    "frames_to_time",
    "frequency_weighting",
    "magphase",
    "multi_frequency_weighting",
    "perceptual_weighting",
    "samples_like",
    "samples_to_frames",
    "samples_to_time",
    "tempo_frequencies",
    "time_to_frames",
    "time_to_samples",
    "times_like",
]


def _counts(x: Any, name: str) -> np.ndarray:
    """``np.asanyarray(x)`` of real numbers that are cast to integers: finite ones (numpy's
    cast of NaN or inf is undefined, with a warning)."""
    arr = _numeric(x, name)
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ParameterError(f"{name} must be finite, got {x!r}")
    return arr


def _offset(n_fft: Any) -> int:
    """librosa's frame offset: ``n_fft // 2`` samples when ``n_fft`` is given, else 0."""
    if n_fft is None:
        return 0
    return int(_positive(n_fft, "n_fft") // 2)


# --- frames, samples, seconds ------------------------------------------------------------------


def frames_to_samples(frames: Any, *, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Frame indices to sample indices, ``frames * hop_length + n_fft // 2``; mirrors
    ``librosa.frames_to_samples``.

    Parameters
    ----------
    frames : number or array_like
    hop_length : int > 0
    n_fft : int > 0 or None
        With ``n_fft``, the sample at the centre of an uncentred frame.

    Returns
    -------
    samples : np.int64 or np.ndarray of int

    Raises
    ------
    ParameterError
        If ``frames`` is not numeric or not finite, or ``hop_length`` / ``n_fft`` are not
        positive numbers.

    See Also
    --------
    librosa.frames_to_samples : the reference implementation.
    """
    frames = _counts(frames, "frames")
    _positive(hop_length, "hop_length")
    offset = _offset(n_fft)
    return (frames * hop_length + offset).astype(int)


def samples_to_frames(samples: Any, *, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Sample indices to frame indices, ``floor((samples - n_fft // 2) // hop_length)``;
    mirrors ``librosa.samples_to_frames``.

    Returns
    -------
    frames : np.ndarray of int
        A 0-d array for a scalar, as librosa (``np.asarray(..., dtype=int)``).

    Raises
    ------
    ParameterError
        As :func:`frames_to_samples`, for ``samples``.

    See Also
    --------
    librosa.samples_to_frames : the reference implementation.
    """
    samples = _counts(samples, "samples")
    _positive(hop_length, "hop_length")
    offset = _offset(n_fft)
    return np.asarray(np.floor((samples - offset) // hop_length), dtype=int)


def samples_to_time(samples: Any, *, sr: float = 22050) -> Any:
    """Sample indices to seconds, ``samples / sr``; mirrors ``librosa.samples_to_time``.

    Raises
    ------
    ParameterError
        If ``samples`` is not numeric or ``sr`` not a positive number.

    See Also
    --------
    librosa.samples_to_time : the reference implementation.
    """
    samples = _numeric(samples, "samples")
    return samples / float(_positive(sr, "sr"))


def time_to_samples(times: Any, *, sr: float = 22050) -> Any:
    """Seconds to sample indices, ``int(times * sr)`` (truncated towards 0); mirrors
    ``librosa.time_to_samples``.

    Raises
    ------
    ParameterError
        If ``times`` is not numeric or not finite, or ``sr`` not a positive number.

    See Also
    --------
    librosa.time_to_samples : the reference implementation.
    """
    times = _counts(times, "times")
    return (times * _positive(sr, "sr")).astype(int)


def frames_to_time(
    frames: Any, *, sr: float = 22050, hop_length: int = 512, n_fft: int | None = None
) -> Any:
    """Frame indices to seconds; mirrors ``librosa.frames_to_time``
    (``samples_to_time(frames_to_samples(frames))``).

    Raises
    ------
    ParameterError
        As :func:`frames_to_samples` and :func:`samples_to_time`.

    See Also
    --------
    librosa.frames_to_time : the reference implementation.
    """
    samples = frames_to_samples(frames, hop_length=hop_length, n_fft=n_fft)
    return samples_to_time(samples, sr=sr)


def time_to_frames(
    times: Any, *, sr: float = 22050, hop_length: int = 512, n_fft: int | None = None
) -> Any:
    """Seconds to frame indices; mirrors ``librosa.time_to_frames``
    (``samples_to_frames(time_to_samples(times))``: a 0-d array for a scalar).

    Raises
    ------
    ParameterError
        As :func:`time_to_samples` and :func:`samples_to_frames`.

    See Also
    --------
    librosa.time_to_frames : the reference implementation.
    """
    samples = time_to_samples(times, sr=sr)
    return samples_to_frames(samples, hop_length=hop_length, n_fft=n_fft)


def samples_like(
    X: Any, *, hop_length: int = 512, n_fft: int | None = None, axis: int = -1
) -> np.ndarray:
    """Sample indices of the frames of ``X`` (or of ``X`` frames when ``X`` is a number);
    mirrors ``librosa.samples_like``.

    Parameters
    ----------
    X : np.ndarray or number
        A feature matrix whose ``axis`` counts frames, or the number of frames
        (``np.arange(X)``: a non-integer count rounds up, as in librosa).

    Raises
    ------
    ParameterError
        If ``X`` is neither a number nor an array with an ``axis`` (librosa: numpy's errors),
        or as :func:`frames_to_samples`.

    See Also
    --------
    librosa.samples_like : the reference implementation.
    """
    if np.isscalar(X):
        if isinstance(X, bool) or not isinstance(X, numbers.Real) or not np.isfinite(X):
            raise ParameterError(f"X={X!r} must be an array or a number of frames")
        frames = np.arange(X)
    else:
        shape = getattr(X, "shape", None)
        if shape is None:
            raise ParameterError(f"X must be an array or a number, got {type(X).__name__}")
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise ParameterError(f"axis={axis!r} must be an integer")
        if not -len(shape) <= axis < len(shape):
            raise ParameterError(f"axis={axis} is out of range for X of shape {shape}")
        frames = np.arange(shape[axis])
    return frames_to_samples(frames, hop_length=hop_length, n_fft=n_fft)


def times_like(
    X: Any, *, sr: float = 22050, hop_length: int = 512, n_fft: int | None = None, axis: int = -1
) -> np.ndarray:
    """Times in seconds of the frames of ``X``; mirrors ``librosa.times_like``.

    Raises
    ------
    ParameterError
        As :func:`samples_like` and :func:`samples_to_time`.

    See Also
    --------
    librosa.times_like : the reference implementation.
    """
    samples = samples_like(X, hop_length=hop_length, n_fft=n_fft, axis=axis)
    return samples_to_time(samples, sr=sr)


def blocks_to_frames(blocks: Any, *, block_length: int) -> Any:
    """Block indices to frame indices, ``block_length * blocks``; mirrors
    ``librosa.blocks_to_frames`` (blocks of ``soundfile.blocks`` / ``librosa.stream``).

    Raises
    ------
    ParameterError
        If ``blocks`` is not numeric or ``block_length`` not a positive number.

    See Also
    --------
    librosa.blocks_to_frames : the reference implementation.
    """
    blocks = _numeric(blocks, "blocks")
    return _positive(block_length, "block_length") * blocks


def blocks_to_samples(blocks: Any, *, block_length: int, hop_length: int) -> Any:
    """Block indices to sample indices; mirrors ``librosa.blocks_to_samples``.

    Raises
    ------
    ParameterError
        As :func:`blocks_to_frames` and :func:`frames_to_samples`.

    See Also
    --------
    librosa.blocks_to_samples : the reference implementation.
    """
    frames = blocks_to_frames(blocks, block_length=block_length)
    return frames_to_samples(frames, hop_length=hop_length)


def blocks_to_time(blocks: Any, *, block_length: int, hop_length: int, sr: float) -> Any:
    """Block indices to seconds; mirrors ``librosa.blocks_to_time``.

    Raises
    ------
    ParameterError
        As :func:`blocks_to_samples` and :func:`samples_to_time`.

    See Also
    --------
    librosa.blocks_to_time : the reference implementation.
    """
    samples = blocks_to_samples(blocks, block_length=block_length, hop_length=hop_length)
    return samples_to_time(samples, sr=sr)


# --- levels -------------------------------------------------------------------------------------


def _levels(S: Any, name: str) -> Any:
    """``S`` as librosa computes on it: an array or a number as given, a sequence as an array
    (librosa: a TypeError multiplying a list)."""
    if isinstance(S, np.ndarray | np.generic | numbers.Number) and not isinstance(S, bool):
        _numeric(S, name, "biufc")
        return S
    return _numeric(S, name, "biufc")


def db_to_power(S_db: Any, *, ref: float = 1.0) -> Any:
    """Decibels to power, ``ref * 10 ** (S_db / 10)``; mirrors ``librosa.db_to_power``.

    Parameters
    ----------
    S_db : number or array_like
    ref : number or np.ndarray
        The power of 0 dB.

    Returns
    -------
    S : np.floating or np.ndarray
        In ``S_db``'s float precision (float32 stays float32), as librosa.

    Raises
    ------
    ParameterError
        If ``S_db`` or ``ref`` is not numeric.

    See Also
    --------
    librosa.db_to_power : the reference implementation.
    """
    S_db = _levels(S_db, "S_db")
    ref = _levels(ref, "ref")
    return ref * np.power(10.0, S_db * 0.1)


def db_to_amplitude(S_db: Any, *, ref: float = 1.0) -> Any:
    """Decibels to amplitude, ``db_to_power(S_db, ref=ref**2) ** 0.5``; mirrors
    ``librosa.db_to_amplitude``.

    Raises
    ------
    ParameterError
        As :func:`db_to_power`.

    See Also
    --------
    librosa.db_to_amplitude : the reference implementation.
    """
    ref = _levels(ref, "ref")
    return db_to_power(S_db, ref=ref**2) ** 0.5


def magphase(D: Any, *, power: float = 1) -> tuple[Any, np.ndarray]:
    """Split a complex spectrogram into magnitude and phase, ``D = S * P``; mirrors
    ``librosa.magphase``.

    ``S = abs(D) ** power``; ``P = D / abs(D)`` computed as real and imaginary parts apart
    (no NaN from denormal values), and ``1 + 0j`` where ``D`` is 0.

    Parameters
    ----------
    D : np.ndarray or array_like, complex or real
    power : float > 0
        Exponent of the magnitude (2 for power).

    Returns
    -------
    S : np.ndarray, real (``abs(D)``'s dtype; a numpy scalar for a 0-d ``D``)
    P : np.ndarray, complex64 for float32 / complex64 ``D``, complex128 for float64 /
        complex128 (complex64 otherwise, as librosa's ``dtype_r2c``)

    Raises
    ------
    ParameterError
        If ``D`` is not numeric, or is boolean, or is integer with a ``power`` that is not a
        non-negative integer (librosa: numpy's error raising the magnitude in place).

    See Also
    --------
    librosa.magphase : the reference implementation.
    """
    D = np.asanyarray(D)
    if D.dtype.kind not in "iufc":
        raise ParameterError(f"D must be a numeric (not boolean) array, got dtype {D.dtype}")
    if isinstance(power, bool) or not isinstance(power, numbers.Real):
        raise ParameterError(f"power={power!r} must be a real number")
    if D.dtype.kind in "iu" and not (isinstance(power, numbers.Integral) and power >= 0):
        raise ParameterError(
            f"power={power!r} needs floating-point D (integer D's magnitude is raised in place "
            "and stays integer); pass D.astype(float)"
        )
    mag = np.abs(D)
    # no NaN: magnitude 0 gives phase 1 + 0j
    zeros_to_ones = mag == 0
    mag_nonzero = mag + zeros_to_ones
    # real and imaginary parts apart: complex division can give NaN for denormal values
    complex_dtype = D.dtype if D.dtype.kind == "c" else _COMPLEX_OF.get(D.dtype, np.complex64)
    phase = np.empty_like(D, dtype=complex_dtype)
    phase.real = D.real / mag_nonzero + zeros_to_ones
    phase.imag = D.imag / mag_nonzero
    mag **= power
    return mag, phase


# librosa.util.dtype_r2c's table (anything else: complex64)
_COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


# --- frequency weightings -------------------------------------------------------------------------


def _f_sq(frequencies: Any) -> Any:
    return _numeric(frequencies, "frequencies") ** 2.0


def A_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """A-weighting (IEC 61672) in dB of frequencies in Hz; mirrors ``librosa.A_weighting``.

    Parameters
    ----------
    frequencies : number or array_like
    min_db : float or None
        Floor of the weights (``None``: none; 0 Hz is then ``-inf``).

    Returns
    -------
    A_weighting : np.float64 or np.ndarray
        librosa's numbers; 0 Hz gives ``min_db`` without numpy's divide-by-zero warning.

    Raises
    ------
    ParameterError
        If ``frequencies`` is not numeric.

    See Also
    --------
    librosa.A_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([12194.217, 20.598997, 107.65265, 737.86223]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 2.0 + 20.0 * (
            np.log10(const[0])
            + 2 * np.log10(f_sq)
            - np.log10(f_sq + const[0])
            - np.log10(f_sq + const[1])
            - 0.5 * np.log10(f_sq + const[2])
            - 0.5 * np.log10(f_sq + const[3])
        )
    return weights if min_db is None else np.maximum(min_db, weights)


def B_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """B-weighting in dB of frequencies in Hz; mirrors ``librosa.B_weighting``
    (as :func:`A_weighting`).

    See Also
    --------
    librosa.B_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([12194.217, 20.598997, 158.48932]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 0.17 + 20.0 * (
            np.log10(const[0])
            + 1.5 * np.log10(f_sq)
            - np.log10(f_sq + const[0])
            - np.log10(f_sq + const[1])
            - 0.5 * np.log10(f_sq + const[2])
        )
    return weights if min_db is None else np.maximum(min_db, weights)


def C_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """C-weighting (IEC 61672) in dB of frequencies in Hz; mirrors ``librosa.C_weighting``
    (as :func:`A_weighting`).

    See Also
    --------
    librosa.C_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([12194.217, 20.598997]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 0.062 + 20.0 * (
            np.log10(const[0])
            + np.log10(f_sq)
            - np.log10(f_sq + const[0])
            - np.log10(f_sq + const[1])
        )
    return weights if min_db is None else np.maximum(min_db, weights)


def D_weighting(frequencies: Any, *, min_db: float | None = -80.0) -> Any:  # noqa: N802
    """D-weighting (IEC 537) in dB of frequencies in Hz; mirrors ``librosa.D_weighting``
    (as :func:`A_weighting`).

    See Also
    --------
    librosa.D_weighting : the reference implementation.
    """
    f_sq = _f_sq(frequencies)
    const = np.array([8.3046305e-3, 1018.7, 1039.6, 3136.5, 3424, 282.7, 1160]) ** 2.0
    with np.errstate(divide="ignore"):
        weights = 20.0 * (
            0.5 * np.log10(f_sq)
            - np.log10(const[0])
            + 0.5
            * (
                +np.log10((const[1] - f_sq) ** 2 + const[2] * f_sq)
                - np.log10((const[3] - f_sq) ** 2 + const[4] * f_sq)
                - np.log10(const[5] + f_sq)
                - np.log10(const[6] + f_sq)
            )
        )
    return weights if min_db is None else np.maximum(min_db, weights)


def Z_weighting(frequencies: Any, *, min_db: float | None = None) -> np.ndarray:  # noqa: N802
    """Z-weighting (none): zeros, ``np.zeros(len(frequencies))``; mirrors
    ``librosa.Z_weighting``, whose length is ``len(frequencies)`` (the first axis of an array).

    Raises
    ------
    ParameterError
        If ``frequencies`` has no length (a number; librosa: a TypeError).

    See Also
    --------
    librosa.Z_weighting : the reference implementation.
    """
    try:
        n = len(frequencies)
    except TypeError:
        raise ParameterError(
            f"frequencies={frequencies!r} must be a sequence or an array: Z_weighting takes its "
            "len()"
        ) from None
    weights = np.zeros(n)
    return weights if min_db is None else np.maximum(min_db, weights)


WEIGHTING_FUNCTIONS = {
    "A": A_weighting,
    "B": B_weighting,
    "C": C_weighting,
    "D": D_weighting,
    "Z": Z_weighting,
    None: Z_weighting,
}


def frequency_weighting(frequencies: Any, *, kind: str = "A", **kwargs: Any) -> Any:
    """The weighting ``kind`` ("A", "B", "C", "D", "Z" in any case, or None for Z) of
    frequencies in Hz; mirrors ``librosa.frequency_weighting``.

    Parameters
    ----------
    frequencies : number or array_like
    kind : str or None
    **kwargs
        ``min_db`` of the weighting function.

    Raises
    ------
    ParameterError
        For an unknown ``kind`` (librosa: a KeyError), or as the weighting function.

    See Also
    --------
    librosa.frequency_weighting : the reference implementation.
    """
    if isinstance(kind, str):
        kind = kind.upper()
    try:
        function = WEIGHTING_FUNCTIONS[kind]
    except (KeyError, TypeError):
        raise ParameterError(
            f"kind={kind!r} is not a frequency weighting; use one of 'A', 'B', 'C', 'D', 'Z' "
            "or None"
        ) from None
    return function(frequencies, **kwargs)


def multi_frequency_weighting(frequencies: Any, *, kinds: Any = "ZAC", **kwargs: Any) -> np.ndarray:
    """Several weightings stacked, one row per kind; mirrors
    ``librosa.multi_frequency_weighting``.

    Parameters
    ----------
    frequencies : array_like
    kinds : iterable of str
        Each a ``kind`` of :func:`frequency_weighting` (the default: "Z", "A", "C").
    **kwargs
        ``min_db``, for every kind (else each kind's default: None for Z, -80 for the others).

    Returns
    -------
    weights : np.ndarray [shape=(len(kinds), len(frequencies))]

    Raises
    ------
    ParameterError
        If ``kinds`` is empty (librosa: np.stack's ValueError), or as
        :func:`frequency_weighting`.

    See Also
    --------
    librosa.multi_frequency_weighting : the reference implementation.
    """
    rows = [frequency_weighting(frequencies, kind=k, **kwargs) for k in kinds]
    if not rows:
        raise ParameterError(f"kinds={kinds!r} names no weighting")
    try:
        return np.stack(rows, axis=0)
    except ValueError:  # (librosa: Z's length is that of frequencies' first axis)
        raise ParameterError(
            f"the weightings of frequencies of shape {np.shape(frequencies)} do not stack: "
            "with 'Z' among the kinds, frequencies must be one-dimensional"
        ) from None


def perceptual_weighting(S: Any, frequencies: Any, *, kind: str = "A", **kwargs: Any) -> Any:
    """A power spectrogram in dB with a frequency weighting added per row; mirrors
    ``librosa.perceptual_weighting``: ``frequency_weighting(frequencies, kind=kind)`` (as a
    column) ``+ power_to_db(S, **kwargs)``.

    Parameters
    ----------
    S : np.ndarray [shape=(..., d, t)]
        Power spectrogram.
    frequencies : np.ndarray [shape=(d,)]
        The centre frequency of each row of ``S``.
    kind : str or None
        As :func:`frequency_weighting`.
    **kwargs
        ``ref``, ``amin``, ``top_db`` of :func:`genrefx.power_to_db`.

    Returns
    -------
    S_p : np.ndarray [shape=(..., d, t)], float64 (the weights are float64)

    Raises
    ------
    ParameterError
        If the weights of ``frequencies`` do not broadcast against the rows of ``S``
        (librosa: numpy's broadcasting error), or as :func:`frequency_weighting` and
        :func:`genrefx.power_to_db`.

    See Also
    --------
    librosa.perceptual_weighting : the reference implementation.
    """
    offset = frequency_weighting(frequencies, kind=kind).reshape((-1, 1))
    S_db = power_to_db(S, **kwargs)
    try:
        np.broadcast_shapes(offset.shape, np.shape(S_db))
    except ValueError:
        raise ParameterError(
            f"frequencies gives {offset.shape[0]} weights for S of shape {np.shape(S)}: "
            "one per row (S.shape[-2]) is needed"
        ) from None
    return offset + S_db


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
    if (
        isinstance(n_bins, bool)
        or not isinstance(n_bins, numbers.Real)
        or not np.isfinite(n_bins)
        or n_bins < 1
        or int(n_bins) != n_bins
    ):
        raise ParameterError(f"n_bins={n_bins!r} must be a positive integer")
    _positive(hop_length, "hop_length")
    _positive(sr, "sr")
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
    if (
        isinstance(win_length, bool)
        or not isinstance(win_length, numbers.Integral)
        or win_length < 1
    ):
        raise ParameterError(f"win_length={win_length!r} must be a positive integer")
    _positive(sr, "sr")
    _positive(hop_length, "hop_length")
    return fft_frequencies(sr=sr * 60 / float(hop_length), n_fft=win_length)
