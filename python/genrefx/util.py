"""Array utilities librosa's features rely on, mirroring ``librosa.util``."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _peaks
from ._validation import check_axis, check_index
from .exceptions import ParameterError

__all__ = [
    "abs2",
    "expand_to",
    "fix_frames",
    "fix_length",
    "frame",
    "localmax",
    "localmin",
    "normalize",
    "pad_center",
    "peak_pick",
    "phasor",
    "stack",
    "sync",
    "tiny",
    "valid_audio",
]


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


# --- argument checks ---------------------------------------------------------------------------


def _ceil_int(value: Any, name: str, *, positive: bool) -> int:
    """librosa's argument check of ``peak_pick`` (``value < 0`` or ``value <= 0`` raises),
    then ``valid_int(value, cast=np.ceil)``, within numba's uint32 argument."""
    try:
        bad = value <= 0 if positive else value < 0
    except TypeError:
        raise ParameterError(f"{name}={value!r} must be a number") from None
    if bad:
        kind = "positive" if positive else "non-negative"
        raise ParameterError(f"{name}={value!r} must be {kind}")
    try:
        out = int(np.ceil(value))
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{name}={value!r} must be a finite number") from None
    if out > 2**32 - 1:  # numba's uint32 argument (librosa: an OverflowError)
        raise ParameterError(f"{name}={value!r} must be less than 2**32")
    return out


# --- framing and padding -----------------------------------------------------------------------


def frame(
    x: np.ndarray,
    *,
    frame_length: int,
    hop_length: int,
    axis: int = -1,
    writeable: bool = False,
    subok: bool = False,
) -> np.ndarray:
    """Slice an array into overlapping frames, as a strided view; mirrors
    ``librosa.util.frame``.

    ``frames[..., j] == x[..., j * hop_length : j * hop_length + frame_length]`` for
    ``axis=-1``. The new frame axis goes before the framed axis for a negative ``axis`` and
    after it otherwise; the view has librosa's shape and strides (no data is copied).

    Parameters
    ----------
    x : np.ndarray
        Array to frame. Anything else is converted with ``np.asarray`` (librosa 0.11 raises
        numpy 2's "Unable to avoid copy" ValueError for a list).
    frame_length : int >= 0
        Length of a frame (0 gives librosa's empty view of ``n + 1`` frames).
    hop_length : int > 0
        Samples between frames.
    axis : int
        The axis to frame.
    writeable : bool
        ``False``: the view is read-only. ``True``: writing to it writes to ``x`` (when ``x``
        is writeable).
    subok : bool
        Pass subclasses of ndarray through (default: a base-class array).

    Returns
    -------
    x_frames : np.ndarray [shape=(..., frame_length, n_frames, ...)]
        ``n_frames = 1 + (x.shape[axis] - frame_length) // hop_length``.

    Raises
    ------
    ParameterError
        If ``x.shape[axis] < frame_length``, ``hop_length < 1``, ``frame_length < 0``, an
        argument is not an integer, or ``axis`` is out of bounds.

    See Also
    --------
    librosa.util.frame : the reference implementation.
    numpy.lib.stride_tricks.sliding_window_view

    Examples
    --------
    >>> genrefx.util.frame(np.arange(7), frame_length=3, hop_length=2)
    array([[0, 2, 4],
           [1, 3, 5],
           [2, 4, 6]])
    """
    x = np.asanyarray(x) if subok else np.asarray(x)
    frame_length = check_index(frame_length, "frame_length")
    hop_length = check_index(hop_length, "hop_length")
    axis = check_axis(axis, x.ndim, "x")
    if x.shape[axis] < frame_length:
        raise ParameterError(
            f"Input is too short (n={x.shape[axis]}) for frame_length={frame_length} "
            f"along axis={axis}"
        )
    if hop_length < 1:
        raise ParameterError(f"Invalid hop_length: {hop_length}")
    if frame_length < 0:  # (librosa: numpy's "negative dimensions" ValueError)
        raise ParameterError(f"frame_length={frame_length} must be non-negative")
    # librosa's construction (from numpy's sliding_window_view): the frame axis last, then
    # moved beside the framed axis, which is subsampled by hop_length
    shape = list(x.shape)
    shape[axis] -= frame_length - 1
    xw = as_strided(
        x,
        strides=(*x.strides, x.strides[axis]),
        shape=(*shape, frame_length),
        subok=subok,
        writeable=writeable,
    )
    xw = np.moveaxis(xw, -1, axis - 1 if axis < 0 else axis + 1)
    slices = [slice(None)] * xw.ndim
    slices[axis] = slice(0, None, hop_length)
    return xw[tuple(slices)]


def _pad_lengths(data: np.ndarray, axis: int, before: int, after: int) -> list:
    lengths = [(0, 0)] * data.ndim
    lengths[axis] = (before, after)
    return lengths


def pad_center(data: np.ndarray, *, size: int, axis: int = -1, **kwargs: Any) -> np.ndarray:
    """Pad ``data`` to ``size`` along ``axis``, centred; mirrors ``librosa.util.pad_center``.

    ``(size - n) // 2`` values go before the data and the rest after it, with ``np.pad``
    (``mode="constant"`` unless given in ``kwargs``). A non-integer ``size`` is used as
    librosa uses it: ``lpad = int((size - n) // 2)``, ``rpad = int(size - n - lpad)``.

    Parameters
    ----------
    data : np.ndarray
        Array to pad (anything else is converted with ``np.asarray``).
    size : int >= data.shape[axis]
        Target length.
    axis : int
        Axis to pad along.
    **kwargs
        Passed to ``np.pad``.

    Returns
    -------
    data_padded : np.ndarray
        ``data`` centred in ``size`` values along ``axis``.

    Raises
    ------
    ParameterError
        If ``size < data.shape[axis]``, ``size`` is not a number or ``axis`` is out of bounds.

    See Also
    --------
    librosa.util.pad_center : the reference implementation.
    """
    kwargs.setdefault("mode", "constant")
    data = np.asanyarray(data)
    axis = check_axis(axis, data.ndim, "data")
    n = data.shape[axis]
    try:
        lpad = int((size - n) // 2)
        rpad = int(size - n - lpad)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"size={size!r} must be an integer") from None
    if lpad < 0:
        raise ParameterError(
            f"Target size ({size}) must be at least input size ({n}) along axis={axis}"
        )
    return np.pad(data, _pad_lengths(data, axis, lpad, rpad), **kwargs)


def fix_length(data: np.ndarray, *, size: int, axis: int = -1, **kwargs: Any) -> np.ndarray:
    """Trim or pad ``data`` to exactly ``size`` along ``axis``; mirrors
    ``librosa.util.fix_length``.

    Longer data is sliced (a view); shorter data is padded at the end with ``np.pad``
    (``mode="constant"`` unless given in ``kwargs``); data of the right length is returned
    as it is (the same object), as librosa does. A negative ``size`` slices ``[:size]`` as
    librosa does (it drops ``-size`` values from the end).

    Parameters
    ----------
    data : np.ndarray
        Array to adjust (anything else is converted with ``np.asarray``).
    size : int
        Target length (an integral float such as ``10.0`` is accepted; librosa takes it only
        when no trimming or padding is needed).
    axis : int
        Axis to adjust.
    **kwargs
        Passed to ``np.pad``.

    Returns
    -------
    data_fixed : np.ndarray
        ``data`` trimmed or padded to ``size`` along ``axis``.

    Raises
    ------
    ParameterError
        If ``size`` is not an integer or ``axis`` is out of bounds.

    See Also
    --------
    librosa.util.fix_length : the reference implementation.
    """
    kwargs.setdefault("mode", "constant")
    data = np.asanyarray(data)
    axis = check_axis(axis, data.ndim, "data")
    if isinstance(size, (float, np.floating)) and float(size).is_integer():
        size = int(size)
    size = check_index(size, "size")
    n = data.shape[axis]
    if n > size:
        slices = [slice(None)] * data.ndim
        slices[axis] = slice(0, size)
        return data[tuple(slices)]
    if n < size:
        return np.pad(data, _pad_lengths(data, axis, 0, size - n), **kwargs)
    return data


def fix_frames(
    frames: Any,
    *,
    x_min: int | None = 0,
    x_max: int | None = None,
    pad: bool = True,
) -> np.ndarray:
    """Clip frame indices to ``[x_min, x_max]``, sorted and unique; mirrors
    ``librosa.util.fix_frames``.

    With ``pad``, the frames are clipped into the range and ``x_min`` / ``x_max`` are added;
    then frames outside the range are dropped, and the rest are sorted, made unique and cast
    to int (truncating fractional frames after ``np.unique``, as librosa does).

    Parameters
    ----------
    frames : array_like of int >= 0
        Frame indices (any shape; the result is flat).
    x_min, x_max : int >= 0 or None
        The allowed range; ``None``: unbounded on that side.
    pad : bool
        Extend the frames to span ``[x_min, x_max]``.

    Returns
    -------
    fixed_frames : np.ndarray [shape=(n_fixed_frames,), dtype=int]

    Raises
    ------
    ParameterError
        If a frame is negative, not a real number, or NaN / infinite among the frames kept
        (librosa casts those to arbitrary integers).

    See Also
    --------
    librosa.util.fix_frames : the reference implementation.
    """
    frames = np.ravel(np.asarray(frames))  # librosa flattens in the end (pad: a 1-d frames)
    if not (np.issubdtype(frames.dtype, np.number) or frames.dtype == np.bool_) or (
        np.issubdtype(frames.dtype, np.complexfloating)
    ):
        raise ParameterError(f"frames must be real numbers, got dtype {frames.dtype}")
    if np.any(frames < 0):
        raise ParameterError(f"Negative frame index detected: frames.min()={frames.min()}")
    if pad and (x_min is not None or x_max is not None):
        frames = np.clip(frames, x_min, x_max)
    if pad:
        pad_data = [bound for bound in (x_min, x_max) if bound is not None]
        frames = np.concatenate((np.asarray(pad_data), frames))
    if x_min is not None:
        frames = frames[frames >= x_min]
    if x_max is not None:
        frames = frames[frames <= x_max]
    unique = np.unique(frames)
    if not np.isfinite(unique).all():
        raise ParameterError("frames must be finite (they hold NaN or infinite values)")
    return unique.astype(int)


def sync(
    data: np.ndarray,
    idx: Sequence[int] | Sequence[slice],
    *,
    aggregate: Callable[..., Any] | None = None,
    pad: bool = True,
    axis: int = -1,
) -> np.ndarray:
    """Aggregate ``data`` between boundaries along ``axis``; mirrors ``librosa.util.sync``.

    ``data_sync[..., i] = aggregate(data[..., idx[i]:idx[i + 1]], axis=axis)`` (for
    ``axis=-1``), stored in an array of ``data``'s dtype (cast as numpy assigns; Fortran order
    for Fortran-ordered ``data``). Integer boundaries pass through :func:`fix_frames` with
    ``x_min=0, x_max=data.shape[axis]`` (``pad`` adds both ends); a sequence of slices is used
    as it is. The aggregate is called once per segment, as librosa calls it, so the values are
    librosa's (bit for bit with numpy's reductions).

    Parameters
    ----------
    data : np.ndarray
        Features (anything else is converted with ``np.asarray``).
    idx : sequence of int, or sequence of slice
        Boundaries (sorted frame indices) or the segments themselves.
    aggregate : callable or None
        ``aggregate(segment, axis=axis)``; ``None``: ``np.mean``.
    pad : bool
        Extend integer ``idx`` to span ``[0, data.shape[axis]]``.
    axis : int
        The axis to aggregate along.

    Returns
    -------
    data_sync : np.ndarray
        ``data``'s shape with ``axis`` reduced to the number of segments.

    Raises
    ------
    ParameterError
        If ``idx`` mixes integers and slices (or holds anything else), has a negative index,
        ``aggregate`` is not callable, or ``axis`` is out of bounds.

    See Also
    --------
    librosa.util.sync : the reference implementation.

    Examples
    --------
    >>> genrefx.util.sync(np.arange(10.0), [2, 5])
    array([0.5, 3. , 7. ])
    """
    if aggregate is None:
        aggregate = np.mean
    if not callable(aggregate):  # (librosa: a TypeError calling it)
        raise ParameterError(f"aggregate={aggregate!r} must be callable")
    data = np.asanyarray(data)
    axis = check_axis(axis, data.ndim, "data")
    try:
        items = list(idx)
    except TypeError:
        raise ParameterError(f"Invalid index set: {idx!r} (not a sequence)") from None
    if all(isinstance(item, slice) for item in items):
        slices = items
    elif all(np.issubdtype(type(item), np.integer) for item in items):
        bounds = fix_frames(np.asarray(items), x_min=0, x_max=data.shape[axis], pad=pad)
        slices = [slice(start, end) for start, end in itertools.pairwise(bounds)]
    else:
        raise ParameterError(f"Invalid index set: {idx}")
    agg_shape = list(data.shape)
    agg_shape[axis] = len(slices)
    data_agg = np.empty(agg_shape, order="F" if np.isfortran(data) else "C", dtype=data.dtype)
    idx_in = [slice(None)] * data.ndim
    idx_agg = [slice(None)] * data_agg.ndim
    for i, segment in enumerate(slices):
        idx_in[axis] = segment
        idx_agg[axis] = i
        data_agg[tuple(idx_agg)] = aggregate(data[tuple(idx_in)], axis=axis)
    return data_agg


def valid_audio(y: np.ndarray) -> bool:
    """Check that ``y`` is audio; mirrors ``librosa.util.valid_audio`` (0.11's rules).

    ``y`` must be a ``np.ndarray`` of a real floating-point dtype, at least one-dimensional,
    with finite samples. As in librosa 0.11, empty arrays and any number of channels pass
    (``y.shape == (..., n)``).

    Parameters
    ----------
    y : np.ndarray
        The audio to check.

    Returns
    -------
    valid : bool
        True (an invalid ``y`` raises).

    Raises
    ------
    ParameterError
        If a condition above fails; the message names ``y`` and what is wrong.

    See Also
    --------
    librosa.util.valid_audio : the reference implementation.
    """
    if not isinstance(y, np.ndarray):
        raise ParameterError(f"y is a {type(y).__name__}: Audio data must be of type numpy.ndarray")
    if not np.issubdtype(y.dtype, np.floating):
        raise ParameterError(f"y has dtype {y.dtype}: Audio data must be floating-point")
    if y.ndim == 0:
        raise ParameterError(
            f"y is 0-dimensional: Audio data must be at least one-dimensional, given "
            f"y.shape={y.shape}"
        )
    if not np.isfinite(y).all():
        raise ParameterError("y holds NaN or Inf: Audio buffer is not finite everywhere")
    return True


# --- local extrema and peaks -------------------------------------------------------------------


def _extrema(x: Any, axis: Any, maxima: bool) -> np.ndarray:
    x = np.asanyarray(x)
    if _peaks.loop_dtype(x.dtype, _peaks.LOCALMAX_LOOPS) is None:  # (librosa: numba TypeError)
        raise ParameterError(
            f"x has dtype {x.dtype}; local extrema need real numbers (integers or floats up "
            "to float64)"
        )
    if x.ndim == 0:
        raise ParameterError("x must have at least one dimension, got a 0-d array")
    axis = check_axis(axis, x.ndim, "x")
    if x.shape[axis] < 2:  # (librosa: numpy's IndexError)
        raise ParameterError(f"x needs at least 2 values along axis={axis}, got shape {x.shape}")
    xi = x.swapaxes(-1, axis)
    out = np.empty_like(x, dtype=bool)
    _peaks.local_extrema(xi, out.swapaxes(-1, axis), maxima=maxima)
    return out


def localmax(x: np.ndarray, *, axis: int = 0) -> np.ndarray:
    """Local maxima along ``axis``; mirrors ``librosa.util.localmax``.

    ``x[i]`` is a local maximum when ``x[i] > x[i-1]`` and ``x[i] >= x[i+1]``: the first value
    never is, the last one is when ``x[-1] > x[-2]``, and a plateau counts at its first value
    only. The comparisons are librosa's numba stencil's, done with numpy in numba's loop dtype
    (uint64 values are compared as float64, as there; the last value in ``x``'s own dtype).

    Parameters
    ----------
    x : np.ndarray [shape=(d1, d2, ...)]
        Real input, at least 2 values along ``axis``.
    axis : int
        The axis along which to find maxima.

    Returns
    -------
    m : np.ndarray [shape=x.shape, dtype=bool]
        True at local maxima (``x``'s memory layout, as ``np.empty_like``).

    Raises
    ------
    ParameterError
        For complex or non-numeric ``x``, a 0-d ``x``, fewer than 2 values along ``axis`` (a
        numpy IndexError in librosa) or an out-of-bounds ``axis``.

    See Also
    --------
    librosa.util.localmax : the reference implementation.
    localmin, peak_pick

    Examples
    --------
    >>> genrefx.util.localmax(np.array([1, 0, 1, 2, -1, 0, -2, 1]))
    array([False, False, False,  True, False,  True, False,  True])
    """
    return _extrema(x, axis, True)


def localmin(x: np.ndarray, *, axis: int = 0) -> np.ndarray:
    """Local minima along ``axis``; mirrors ``librosa.util.localmin``.

    ``x[i]`` is a local minimum when ``x[i] < x[i-1]`` and ``x[i] <= x[i+1]``; the first value
    never is, the last one is when ``x[-1] < x[-2]`` (see :func:`localmax`).

    Parameters
    ----------
    x : np.ndarray [shape=(d1, d2, ...)]
        Real input, at least 2 values along ``axis``.
    axis : int
        The axis along which to find minima.

    Returns
    -------
    m : np.ndarray [shape=x.shape, dtype=bool]
        True at local minima.

    Raises
    ------
    ParameterError
        As :func:`localmax`.

    See Also
    --------
    librosa.util.localmin : the reference implementation.
    localmax

    Examples
    --------
    >>> genrefx.util.localmin(np.array([1, 0, 1, 2, -1, 0, -2, 1]))
    array([False,  True, False, False,  True, False,  True, False])
    """
    return _extrema(x, axis, False)


def peak_pick(
    x: np.ndarray,
    *,
    pre_max: int,
    post_max: int,
    pre_avg: int,
    post_avg: int,
    delta: float,
    wait: int,
    sparse: bool = True,
    axis: int = -1,
) -> np.ndarray:
    """Pick peaks in a signal; mirrors ``librosa.util.peak_pick``.

    Frame ``n`` is a peak when

    1. ``x[n] == max(x[n - pre_max : n + post_max])``,
    2. ``x[n] >= mean(x[n - pre_avg : n + post_avg]) + delta``, and
    3. ``n - previous_n > wait``, where ``previous_n`` is the last peak picked (greedily),

    with the windows cut at the edges. librosa runs a numba loop; this is its numpy
    equivalent, equal bit for bit (tests/test_api_util_onset.py). Reproduced details of
    librosa's loop:

    - The window arguments are rounded up (``int(np.ceil(v))``).
    - ``x`` is computed in numba's loop dtype: float32 for float32 / float16 / bool and
      integers of up to 16 bits, float64 for float64 and wider integers (int64 values beyond
      2**53 compare as their float64 roundings); ``delta`` is rounded to float32.
    - The mean is a sequential sum in that dtype divided by the window's size and cast back to
      it (numba 0.6x's ``np.mean``); for float32 ``x`` the threshold ``mean + delta`` is
      rounded to float32.
    - A NaN anywhere in a frame's max window keeps it from being a peak.

    librosa raises a TypeError from numba's dispatch for some valid-looking combinations
    (integer or bool ``x`` with a Python float ``delta``, any ``x`` with a np.float64
    ``delta``); genrefx computes those with the loop dtype above.

    Parameters
    ----------
    x : np.ndarray
        The signal (real).
    pre_max : number >= 0
        Frames before ``n`` in the max window.
    post_max : number > 0
        Frames after ``n`` (``n`` included) in the max window.
    pre_avg : number >= 0
        Frames before ``n`` in the mean window.
    post_avg : number > 0
        Frames after ``n`` (``n`` included) in the mean window.
    delta : float >= 0
        Threshold above the mean.
    wait : number >= 0
        Frames to skip after a peak.
    sparse : bool
        True: the indices of the peaks (``x`` must be one-dimensional); False: a boolean
        array of ``x``'s shape.
    axis : int
        The axis to pick peaks along.

    Returns
    -------
    peaks : np.ndarray [shape=(n_peaks,), dtype=int] or [shape=x.shape, dtype=bool]

    Raises
    ------
    ParameterError
        If an argument is outside its range (or not a finite number below 2**32 where an
        integer is taken), ``sparse`` is set for a multi-dimensional ``x``, ``x`` is empty
        along ``axis`` (librosa: numba's ValueError), complex or non-numeric, or ``axis`` is
        out of bounds.

    See Also
    --------
    librosa.util.peak_pick : the reference implementation.
    genrefx.onset.onset_detect : its main user.

    Examples
    --------
    >>> x = np.array([0.0, 1.0, 0.0, 0.5, 3.0, 0.0, 0.2, 0.1])
    >>> genrefx.util.peak_pick(x, pre_max=1, post_max=1, pre_avg=1, post_avg=1, delta=0.1,
    ...                        wait=0)
    array([1, 3, 4])
    """
    pre_max = _ceil_int(pre_max, "pre_max", positive=False)
    pre_avg = _ceil_int(pre_avg, "pre_avg", positive=False)
    try:
        bad_delta = delta < 0
    except TypeError:
        raise ParameterError(f"delta={delta!r} must be a number") from None
    if bad_delta:
        raise ParameterError(f"delta={delta!r} must be non-negative")
    wait = _ceil_int(wait, "wait", positive=False)
    post_max = _ceil_int(post_max, "post_max", positive=True)
    post_avg = _ceil_int(post_avg, "post_avg", positive=True)
    x = np.asanyarray(x)
    if sparse and x.ndim != 1:
        raise ParameterError(
            f"sparse=True (default) does not support {x.ndim}-dimensional inputs. "
            "Either set sparse=False or process each dimension independently."
        )
    loop = _peaks.loop_dtype(x.dtype, _peaks.PEAK_PICK_LOOPS)
    if loop is None or x.dtype.kind not in "biuf":  # (librosa: numba's TypeError)
        raise ParameterError(f"x has dtype {x.dtype}; peak picking needs real numbers")
    if x.ndim == 0:
        raise ParameterError("x must have at least one dimension, got a 0-d array")
    axis = check_axis(axis, x.ndim, "x")
    try:
        delta32 = np.float32(delta)  # numba's float32 argument
    except (TypeError, ValueError):
        raise ParameterError(f"delta={delta!r} must be a real number") from None
    peaks = np.zeros_like(x, dtype=bool)
    xi = x.swapaxes(axis, -1)
    n = xi.shape[-1]
    if xi.size == 0:
        if n == 0 and np.prod(xi.shape[:-1]) > 0:  # (librosa: numba's ValueError)
            raise ParameterError(f"x is empty along axis={axis} (shape {x.shape})")
        return np.flatnonzero(peaks) if sparse else peaks
    rows = np.ascontiguousarray(xi.reshape(-1, n), dtype=loop)
    picked = _peaks.peak_pick_rows(rows, pre_max, post_max, pre_avg, post_avg, delta32, wait)
    peaks.swapaxes(axis, -1)[...] = picked.reshape(xi.shape)
    if sparse:
        return np.flatnonzero(peaks)
    return peaks


# --- shapes ------------------------------------------------------------------------------------


def expand_to(x: np.ndarray, *, ndim: int, axes: int | Sequence[int]) -> np.ndarray:
    """Reshape ``x`` to ``ndim`` dimensions, keeping its axes at ``axes`` and giving the others
    length 1; mirrors ``librosa.util.expand_to``.

    Parameters
    ----------
    x : np.ndarray
        The input (anything else is converted with ``np.asarray``).
    ndim : int >= x.ndim
        The number of dimensions of the result.
    axes : int or sequence of int
        Where ``x``'s axes go, one per axis of ``x`` (negative values count from the end).

    Returns
    -------
    x_exp : np.ndarray
        A view of ``x`` with ``x_exp.ndim == ndim``.

    Raises
    ------
    ParameterError
        If ``axes`` does not have one entry per axis of ``x``, ``ndim < x.ndim``, or an axis
        is out of bounds, repeated in a way that does not fit ``x``, or not an integer.

    See Also
    --------
    librosa.util.expand_to : the reference implementation.

    Examples
    --------
    >>> genrefx.util.expand_to(np.arange(3), ndim=2, axes=1)
    array([[0, 1, 2]])
    """
    x = np.asanyarray(x)
    try:
        axes_tup = tuple(axes)
    except TypeError:
        axes_tup = (axes,)
    if len(axes_tup) != x.ndim:
        raise ParameterError(f"Shape mismatch between axes={axes_tup} and input x.shape={x.shape}")
    ndim = check_index(ndim, "ndim")
    if ndim < x.ndim:
        raise ParameterError(f"Cannot expand x.shape={x.shape} to fewer dimensions ndim={ndim}")
    shape = [1] * ndim
    for i, axi in enumerate(axes_tup):
        try:
            shape[operator.index(axi)] = x.shape[i]
        except (TypeError, IndexError):  # (librosa: a bare IndexError or TypeError)
            raise ParameterError(
                f"axes={axes_tup} holds {axi!r}, not an axis of an array of ndim={ndim}"
            ) from None
    try:
        return x.reshape(shape)
    except ValueError:  # (librosa: numpy's reshape error, for repeated axes)
        raise ParameterError(
            f"axes={axes_tup} does not place x.shape={x.shape} into ndim={ndim} dimensions"
        ) from None


def stack(arrays: list[np.ndarray], *, axis: int = 0) -> np.ndarray:
    """Stack arrays of one shape along a new axis; mirrors ``librosa.util.stack``.

    As ``np.stack``, except that ``axis=0`` gives a Fortran-ordered array, so each input
    (a channel) stays contiguous; the dtype is ``np.result_type`` of the inputs.

    Parameters
    ----------
    arrays : sequence of np.ndarray
        One or more arrays of the same shape (anything else is converted with
        ``np.asarray``).
    axis : int
        The new axis: 0 for a first axis, -1 for a last one.

    Returns
    -------
    arr_stack : np.ndarray [shape=(len(arrays), ...) or (..., len(arrays))]
        F-contiguous for ``axis=0``; otherwise as ``np.stack`` (C-contiguous).

    Raises
    ------
    ParameterError
        If the arrays differ in shape, none is given, or ``axis`` is out of bounds.

    See Also
    --------
    librosa.util.stack : the reference implementation.

    Examples
    --------
    >>> genrefx.util.stack([np.ones(3), -np.ones(3)]).flags.f_contiguous
    True
    """
    arrays = [arr if isinstance(arr, np.ndarray) else np.asarray(arr) for arr in arrays]
    shapes = {arr.shape for arr in arrays}
    if len(shapes) > 1:
        raise ParameterError(
            f"all input arrays must have the same shape, got shapes {sorted(shapes)}"
        )
    if len(shapes) < 1:
        raise ParameterError("at least one input array must be provided for stack")
    shape_in = shapes.pop()
    check_axis(axis, len(shape_in) + 1, "the stacked array")  # (librosa: numpy's AxisError)
    if axis != 0:
        return np.stack(arrays, axis=axis)
    result = np.empty((len(arrays), *shape_in), dtype=np.result_type(*arrays), order="F")
    np.stack(arrays, axis=0, out=result)
    return result


# --- complex numbers ---------------------------------------------------------------------------


def abs2(x: Any, dtype: Any = None) -> Any:
    """Squared magnitude ``|x| ** 2``; mirrors ``librosa.util.abs2``.

    Complex ``x``: ``x.real**2 + x.imag**2`` in float32 for complex64 and float64 for
    complex128 (librosa's numba ufunc; bit for bit), then cast to ``dtype`` if given. Real
    ``x``: ``np.square(x, dtype=dtype)``, as librosa. Scalars give numpy scalars.

    Parameters
    ----------
    x : np.ndarray or scalar, real or complex
        The input.
    dtype : np.dtype, optional
        The output dtype; ``None``: inferred from ``x``.

    Returns
    -------
    p : np.ndarray or scalar
        The squared magnitude.

    Raises
    ------
    ParameterError
        For complex ``x`` wider than complex128 (librosa: numba's TypeError), non-numeric
        ``x``, or a ``dtype`` numpy cannot square real ``x`` into (librosa: numpy's errors).

    See Also
    --------
    librosa.util.abs2 : the reference implementation.

    Examples
    --------
    >>> genrefx.util.abs2(3 + 4j)
    np.float64(25.0)
    """
    if not np.iscomplexobj(x):
        try:
            return np.square(x, dtype=dtype)
        except TypeError as error:  # (librosa: numpy's UFuncTypeError)
            raise ParameterError(
                f"abs2 of x (dtype {np.asarray(x).dtype}) with dtype={dtype!r}: {error}"
            ) from None
    z = np.asarray(x)
    if z.dtype not in (np.complex64, np.complex128):
        raise ParameterError(f"x has dtype {z.dtype}; abs2 takes complex64 or complex128")
    power = np.square(z.real)
    power += np.square(z.imag)
    if z.ndim == 0:
        power = power[()]
    return power if dtype is None else power.astype(dtype)


def phasor(angles: Any, *, mag: Any = None) -> Any:
    """Complex phasors ``mag * exp(1j * angles)``; mirrors ``librosa.util.phasor``.

    ``cos(angles) + 1j * sin(angles)`` in complex64 for float32 angles (and float16, bool and
    integers of up to 16 bits) and complex128 otherwise (librosa's numba loops), then
    multiplied in place by ``mag``. As in librosa, an imaginary part of -0.0 (``angles=-0.0``)
    comes out as +0.0.

    Parity: bit for bit for float64 angles. For float32 angles librosa calls the C library's
    ``cosf`` / ``sinf``; genrefx rounds numpy's float64 ``cos`` / ``sin`` to float32, which
    differs from them by at most one float32 ulp (about 1 in 100 values; 6e-8 of the unit
    magnitude).

    Parameters
    ----------
    angles : np.ndarray or scalar, real
        Angles in radians.
    mag : np.ndarray or scalar, optional
        Magnitudes; must broadcast into ``angles``' shape (the product is taken in place).

    Returns
    -------
    z : np.ndarray or complex scalar
        The phasors (a numpy scalar for scalar angles), in the memory layout of ``angles``
        (a Fortran-ordered matrix gives a Fortran-ordered one), as librosa's.

    Raises
    ------
    ParameterError
        For complex or non-numeric angles, or a ``mag`` that does not fit.

    See Also
    --------
    librosa.util.phasor : the reference implementation.

    Examples
    --------
    >>> genrefx.util.phasor(np.array([0.0, np.pi]))
    array([ 1.+0.0000000e+00j, -1.+1.2246468e-16j])
    """
    a = np.asarray(angles)
    loop = _peaks.loop_dtype(a.dtype, (np.float32, np.float64))
    if loop is None or a.dtype.kind not in "biuf":  # (librosa: numba's TypeError)
        raise ParameterError(f"angles has dtype {a.dtype}; phasor takes real angles")
    a64 = a.astype(np.float64)
    # in the angles' memory layout, as librosa's ufunc allocates it (order="K")
    z = np.empty_like(a, dtype=np.complex64 if loop == np.float32 else np.complex128)
    z.real = np.cos(a64)
    # librosa's cos + 1j * sin: the complex product turns a -0.0 sine into +0.0
    z.imag = np.sin(a64) + 0.0
    if a.ndim == 0:
        z = z[()]
    if mag is not None:
        try:
            z *= mag
        except (ValueError, TypeError) as error:
            raise ParameterError(
                f"mag (shape {np.shape(mag)}) cannot scale phasors of shape {np.shape(z)}: {error}"
            ) from None
    return z
