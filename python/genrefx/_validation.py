"""Validation at the Python boundary: every check the C++ core relies on happens here, and the
argument checks the librosa-mirroring functions share (each raises a ParameterError naming the
argument and its value)."""

from __future__ import annotations

import numbers
import operator
from typing import Any

import numpy as np

from . import _core
from .exceptions import ParameterError

__all__ = [
    "as_numeric",
    "as_signal_batch",
    "as_spectrogram_batch",
    "check_axis",
    "check_dtype",
    "check_finite_scalar",
    "check_index",
    "check_nonnegative",
    "check_positive",
    "check_positive_int",
    "check_positive_number",
    "check_threads",
    "filterbank_dtype",
    "is_integer",
    "is_real",
    "restore_shape",
    "valid_audio",
]


def valid_audio(y: Any) -> np.ndarray:
    """Check audio like ``librosa.util.valid_audio`` and return it as an array.

    Raises
    ------
    ParameterError
        If ``y`` is not a floating-point ndarray, is 0-d or empty, or has NaN/Inf samples.
    """
    if not isinstance(y, np.ndarray):
        raise ParameterError(f"y must be a numpy.ndarray, got {type(y).__name__}")
    if np.issubdtype(y.dtype, np.complexfloating):
        raise ParameterError(f"y must be real floating-point audio, got dtype {y.dtype}")
    if not np.issubdtype(y.dtype, np.floating):
        raise ParameterError(
            f"y must be floating-point audio, got dtype {y.dtype}; "
            "convert integer PCM with y.astype(np.float32) / scale"
        )
    if y.ndim == 0:
        raise ParameterError(f"y must be at least one-dimensional, given y.shape={y.shape}")
    if y.shape[-1] == 0 or y.size == 0:
        raise ParameterError(f"y is empty, given y.shape={y.shape}")
    return y


def as_signal_batch(
    y: np.ndarray, check_finite: bool = True, n_threads: int = 1
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Return audio ``y`` (checked by :func:`valid_audio`) as a C-contiguous float32 array
    (B, n) and its leading shape.

    Raises
    ------
    ParameterError
        If a sample is NaN or Inf, or (float64 input) beyond float32's range; the core computes
        on float32 samples.
    """
    lead = y.shape[:-1]
    batch = np.ascontiguousarray(y.reshape(-1, y.shape[-1]), dtype=np.float32)
    if check_finite and not _core.all_finite(batch, n_threads):
        raise ParameterError(
            "y is not finite everywhere (it contains NaN or Inf samples, or values beyond "
            "float32's range)"
        )
    return batch, lead


def as_spectrogram_batch(S: Any, name: str = "S") -> tuple[np.ndarray, tuple[int, ...]]:
    """Return a real, finite spectrogram (..., F, T) as C-contiguous float32 (B, F, T)."""
    S = np.asarray(S)
    if np.iscomplexobj(S):
        raise ParameterError(f"{name} must be real-valued (got dtype {S.dtype}); pass np.abs(D)")
    if not np.issubdtype(S.dtype, np.number):
        raise ParameterError(f"{name} must be numeric, got dtype {S.dtype}")
    if S.ndim < 2:
        raise ParameterError(f"{name} must have shape (..., n_bins, n_frames), got {S.shape}")
    if S.shape[-2] < 2 or S.shape[-1] < 1:
        raise ParameterError(f"{name} needs at least 2 frequency bins and 1 frame, got {S.shape}")
    if not np.isfinite(S).all():
        raise ParameterError(f"{name} is not finite everywhere")
    lead = S.shape[:-2]
    batch = np.ascontiguousarray(S.reshape(-1, S.shape[-2], S.shape[-1]), dtype=np.float32)
    return batch, lead


def restore_shape(out: np.ndarray, lead: tuple[int, ...]) -> np.ndarray:
    """Reshape a (B, rows, T) core result to (..., rows, T)."""
    return out.reshape(*lead, *out.shape[1:])


def is_integer(value: Any) -> bool:
    """Whether ``value`` is an integer: a Python or numpy integer or a 0-d integer array (as
    librosa's arithmetic takes them), not a bool."""
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iu"
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number: a Python or numpy int or float or a 0-d array of
    one, not a bool."""
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_int(value: Any, name: str) -> int:
    """Return ``value`` as an int, or raise naming ``name`` unless it is an integer > 0."""
    if not is_integer(value):
        raise ParameterError(f"{name}={value!r} must be a positive integer")
    if value <= 0:
        raise ParameterError(f"{name}={value} must be a positive integer")
    if value > 2**31 - 1:
        raise ParameterError(f"{name}={value} is too large (at most {2**31 - 1})")
    return int(value)


def _check_real(value: Any, name: str, requirement: str, *, strict: bool) -> Any:
    """``value`` as given if it is a finite real number > 0 (``strict``) or >= 0, else raise
    naming ``name`` and what is required."""
    if not is_real(value):
        raise ParameterError(f"{name}={value!r} must be {requirement}")
    if not np.isfinite(value) or (value <= 0 if strict else value < 0):
        raise ParameterError(f"{name}={value} must be {requirement}")
    return value


def check_positive(value: Any, name: str) -> Any:
    """Return ``value`` as given (its type enters librosa's arithmetic), or raise naming
    ``name`` unless it is a finite number > 0."""
    return _check_real(value, name, "a positive number", strict=True)


def check_positive_number(value: Any, name: str) -> float:
    """Return ``value`` as a float, or raise naming ``name`` unless it is a finite number > 0."""
    return float(check_positive(value, name))


def check_nonnegative(value: Any, name: str) -> Any:
    """Return ``value`` as given, or raise naming ``name`` unless it is a finite number >= 0."""
    return _check_real(value, name, "a finite number >= 0", strict=False)


def check_finite_scalar(value: Any, name: str) -> Any:
    """Return ``value`` as given, or raise naming ``name`` unless it is a finite real number
    (a Python or numpy number, or a 0-d array)."""
    arr = None if isinstance(value, bool) else np.asarray(value)
    if arr is None or arr.ndim != 0 or arr.dtype.kind not in "iuf" or not np.isfinite(arr):
        raise ParameterError(f"{name}={value!r} must be a finite real number")
    return value


def check_index(value: Any, name: str) -> int:
    """``value`` as a Python int (a bool excepted, anything with ``__index__``), or raise
    naming ``name``."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise ParameterError(f"{name}={value!r} must be an integer")


def check_axis(axis: Any, ndim: int, name: str) -> int:
    """``axis`` as an int in ``[-ndim, ndim)`` (its sign kept), or raise naming the array
    ``name`` it should index."""
    axis = check_index(axis, "axis")
    if not -ndim <= axis < ndim:
        raise ParameterError(f"axis={axis} is out of range for {name} with {ndim} dimension(s)")
    return axis


def as_numeric(x: Any, name: str, kinds: str = "biuf") -> np.ndarray:
    """``np.asanyarray(x)`` (what librosa computes on), or raise naming ``name`` unless its
    dtype is one of ``kinds`` (numpy kind codes: the default takes booleans, integers and
    floats)."""
    arr = np.asanyarray(x)
    if arr.dtype.kind not in kinds:
        raise ParameterError(f"{name} must be numeric, got {type(x).__name__} of dtype {arr.dtype}")
    return arr


def check_tuning(value: Any, name: str = "tuning") -> float | None:
    """Return a given tuning (fractions of a bin) as a float, None as None; raise naming
    ``name`` unless it is a finite real number."""
    if value is None:
        return None
    if not is_real(value) or not np.isfinite(value):
        raise ParameterError(f"{name}={value!r} must be a finite number or None")
    return float(value)


def check_threads(n_threads: Any) -> int:
    """Validate ``n_threads`` (a positive integer)."""
    return check_positive_int(n_threads, "n_threads")


def filterbank_dtype(dtype: Any) -> np.dtype:
    """A filterbank's ``dtype=`` argument (librosa's ``filters.mel`` / ``filters.chroma``): a
    real floating-point dtype.

    Raises
    ------
    ParameterError
        For anything else (librosa fails later, or returns complex spectrograms).
    """
    return check_dtype(dtype, np.floating, "a real floating-point dtype")


def check_dtype(dtype: Any, kind: type, description: str) -> np.dtype:
    """``dtype`` as a numpy dtype of ``kind`` (``np.floating``, ``np.inexact`` ...); raises
    ParameterError "dtype=... must be <description>" for anything else."""
    try:
        out = np.dtype(dtype)
    except TypeError:
        out = None
    if out is None or not np.issubdtype(out, kind):
        raise ParameterError(f"dtype={dtype!r} must be {description}")
    return out


def store_output(
    result: np.ndarray, out: Any, *, spare_frames: bool = False, complex_only: bool = False
) -> np.ndarray:
    """``result``, or ``out`` holding it (librosa's ``out=`` of stft and istft).

    ``spare_frames``: ``out`` may have more frames (its last axis) than ``result``, which then
    fills the first ones; that view is returned (librosa.stft). ``complex_only``: ``out`` must
    be complex (stft). Raises ParameterError naming ``out`` otherwise.
    """
    if out is None:
        return result
    if not isinstance(out, np.ndarray):
        raise ParameterError(f"out must be a numpy.ndarray, got {type(out).__name__}")
    fits = out.shape == result.shape or (
        spare_frames and out.shape[:-1] == result.shape[:-1] and out.shape[-1] >= result.shape[-1]
    )
    if not fits:
        more = " (or more frames)" if spare_frames else ""
        raise ParameterError(
            f"Shape mismatch for provided output array: out.shape={out.shape}, the result's "
            f"is {result.shape}{more}"
        )
    if complex_only and not np.iscomplexobj(out):
        raise ParameterError(f"out has dtype={out.dtype}, which is not of complex type")
    target = out if out.shape == result.shape else out[..., : result.shape[-1]]
    target[...] = result
    return target
