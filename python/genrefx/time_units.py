"""Time in frames, samples, seconds and blocks, mirroring ``librosa.core.convert``: the same
formulas in the same order, so librosa's numbers bit for bit, and its scalar / array types (a
scalar in gives a numpy scalar out, except where librosa gives a 0-d array:
``samples_to_frames`` and ``time_to_frames``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import as_numeric, check_axis, check_positive, is_real
from .exceptions import ParameterError

__all__ = [
    "blocks_to_frames",
    "blocks_to_samples",
    "blocks_to_time",
    "frames_to_samples",
    "frames_to_time",
    "samples_like",
    "samples_to_frames",
    "samples_to_time",
    "time_to_frames",
    "time_to_samples",
    "times_like",
]


def _counts(x: Any, name: str) -> np.ndarray:
    """``np.asanyarray(x)`` of real numbers that are cast to integers: finite ones (numpy's
    cast of NaN or inf is undefined, with a warning)."""
    arr = as_numeric(x, name)
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ParameterError(f"{name} must be finite, got {x!r}")
    return arr


def _offset(n_fft: Any) -> int:
    """librosa's frame offset: ``n_fft // 2`` samples when ``n_fft`` is given, else 0."""
    if n_fft is None:
        return 0
    return int(check_positive(n_fft, "n_fft") // 2)


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
    check_positive(hop_length, "hop_length")
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
    check_positive(hop_length, "hop_length")
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
    samples = as_numeric(samples, "samples")
    return samples / float(check_positive(sr, "sr"))


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
    return (times * check_positive(sr, "sr")).astype(int)


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
        if not is_real(X) or not np.isfinite(X):
            raise ParameterError(f"X={X!r} must be an array or a number of frames")
        frames = np.arange(X)
    else:
        shape = getattr(X, "shape", None)
        if shape is None:
            raise ParameterError(f"X must be an array or a number, got {type(X).__name__}")
        frames = np.arange(shape[check_axis(axis, len(shape), "X")])
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
    blocks = as_numeric(blocks, "blocks")
    return check_positive(block_length, "block_length") * blocks


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
