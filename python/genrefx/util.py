"""Array utilities librosa's features rely on, mirroring ``librosa.util``."""

from __future__ import annotations

import numpy as np

from .exceptions import ParameterError

__all__ = ["normalize", "tiny"]


def tiny(x: np.ndarray | float) -> float:
    """The smallest positive normal number of ``x``'s floating dtype (float32's for
    integers); mirrors ``librosa.util.tiny``."""
    x = np.asarray(x)
    if np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.complexfloating):
        return np.finfo(x.dtype).tiny
    return np.finfo(np.float32).tiny


def normalize(
    S: np.ndarray,
    *,
    norm: float | None = np.inf,
    axis: int | None = 0,
    threshold: float | None = None,
    fill: bool | None = None,
) -> np.ndarray:
    """Normalize ``S`` along ``axis`` by its ``norm``; mirrors ``librosa.util.normalize``.

    Slices whose norm is below ``threshold`` (default: :func:`tiny` of S's dtype) are left
    as they are (``fill=None``), set to zero (``fill=False``) or filled with the value of unit
    norm (``fill=True``). Norms are computed in float64 from ``abs(S)``, as librosa does.

    See Also
    --------
    librosa.util.normalize
    """
    if threshold is None:
        threshold = tiny(S)
    elif threshold <= 0:
        raise ParameterError(f"threshold={threshold} must be strictly positive")
    if fill not in (None, False, True):
        raise ParameterError(f"fill={fill} must be None or boolean")
    if not np.isfinite(S).all():
        raise ParameterError("Input must be finite")
    if norm is None:
        return S
    if isinstance(norm, (complex, np.complexfloating)):  # (librosa: TypeError comparing it)
        raise ParameterError(f"Unsupported norm: {norm!r}")
    if np.ndim(S) == 0:  # (librosa: a TypeError or IndexError from numpy)
        raise ParameterError("S must have at least one dimension to normalize")
    mag = np.abs(S).astype(float, copy=False)  # a new array for real S, never written to
    if axis is not None and not -mag.ndim <= axis < mag.ndim:  # (librosa: numpy's AxisError)
        raise ParameterError(f"axis={axis} is out of bounds for S of {mag.ndim} dimension(s)")
    empty = mag.size == 0 if axis is None else mag.shape[axis] == 0
    if empty and norm in (np.inf, -np.inf):  # (librosa: numpy's zero-size reduction error)
        raise ParameterError(f"S has no values along axis={axis} to take the norm of")
    fill_norm = 1.0
    if norm == np.inf:
        length = np.max(mag, axis=axis, keepdims=True)
    elif norm == -np.inf:
        length = np.min(mag, axis=axis, keepdims=True)
    elif norm == 0:
        if fill is True:
            raise ParameterError("Cannot normalize with norm=0 and fill=True")
        length = np.sum(mag > 0, axis=axis, keepdims=True, dtype=mag.dtype)
    elif np.issubdtype(type(norm), np.number) and norm > 0:
        # mag ** 1 is mag, bit for bit: skip that copy for the L1 norm
        powered = mag if norm == 1 else mag**norm
        length = np.sum(powered, axis=axis, keepdims=True) ** (1.0 / norm)
        size = mag.size if axis is None else mag.shape[axis]
        try:
            fill_norm = size ** (-1.0 / norm)
        except ZeroDivisionError:  # (librosa's error with a Python float exponent)
            raise ParameterError(f"S has no values along axis={axis} to take the norm of") from None
    else:
        raise ParameterError(f"Unsupported norm: {norm!r}")
    small = length < threshold
    out = np.empty_like(S)
    if fill is None:
        length[small] = 1.0
        # out[:] = S / length without the temporary: the same loop (in the promoted dtype),
        # cast into out as the assignment casts
        np.divide(S, length, out=out, casting="unsafe")
    elif fill:
        length[small] = np.nan
        out[:] = S / length
        out[np.isnan(out)] = fill_norm
    else:
        length[small] = np.inf
        out[:] = S / length
    return out
