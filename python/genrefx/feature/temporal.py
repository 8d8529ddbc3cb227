"""Features over time: delta (Savitzky-Golay derivative) and stack_memory (time-lag embedding),
mirroring ``librosa.feature.delta`` and ``librosa.feature.stack_memory``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_axis, check_positive_int, is_integer
from ..exceptions import ParameterError

__all__ = ["delta", "stack_memory"]

_SAVGOL_MODES = ("interp", "mirror", "constant", "nearest", "wrap")
_SAVGOL_KWARGS = ("polyorder", "delta", "cval", "deriv")


def delta(
    data: np.ndarray,
    *,
    width: int = 9,
    order: int = 1,
    axis: int = -1,
    mode: str = "interp",
    **kwargs: Any,
) -> np.ndarray:
    """Delta features, a local estimate of the derivative along an axis; mirrors
    ``librosa.feature.delta``.

    The ``order``-th derivative of a least-squares polynomial fitted over ``width`` frames:
    ``scipy.signal.savgol_filter(data, width, polyorder, deriv=order, axis=axis, mode=mode)``,
    the very call librosa makes, so the result equals librosa's bit for bit. ``polyorder``
    defaults to ``order`` (librosa's choice); a ``deriv`` keyword is dropped, as librosa does.

    Parameters
    ----------
    data : np.ndarray
        Input data, for example an MFCC matrix ``(..., n_mfcc, t)``; lists are converted.
        float32 data are filtered in float32, anything else (integers, booleans, float16) in
        float64 (scipy's rule).
    width : int, odd, >= 3
        Frames in the filter window. With ``mode="interp"`` it cannot exceed
        ``data.shape[axis]``.
    order : int > 0
        Order of the derivative (1: delta, 2: delta-delta).
    axis : int
        Axis along which to differentiate (default: the last, time).
    mode : {"interp", "nearest", "mirror", "constant", "wrap"}
        Boundary handling, as ``scipy.signal.savgol_filter``: "interp" fits a polynomial to
        the first / last ``width`` frames; the others extend the data before filtering.
    **kwargs
        ``polyorder`` (default ``order``; ``order <= polyorder < width``), ``delta`` (sample
        spacing, 1.0) and ``cval`` (the ``mode="constant"`` fill value, 0.0), passed to
        ``scipy.signal.savgol_filter``.

    Returns
    -------
    delta_data : np.ndarray [shape=data.shape]
        float32 for float32 data, float64 otherwise.

    Raises
    ------
    ParameterError
        ``width`` is not an odd integer >= 3, or (``mode="interp"``) exceeds the length of
        ``data`` along ``axis``; ``order`` is not a positive integer; ``axis`` is out of range;
        an unknown ``mode`` or keyword; ``polyorder >= width``; ``data`` is complex or not
        numeric. librosa raises bare numpy / scipy errors for these (a complex ``data`` loses
        its imaginary part with a ComplexWarning).

    See Also
    --------
    librosa.feature.delta : the reference implementation.
    scipy.signal.savgol_filter

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> mfcc = genrefx.feature.mfcc(y=y, sr=22050)
    >>> genrefx.feature.delta(mfcc, order=2).shape == mfcc.shape
    True
    """
    import scipy.signal

    data = np.atleast_1d(data)
    axis = check_axis(axis, data.ndim, "data")
    if not is_integer(width) or width < 3 or width % 2 != 1:
        raise ParameterError(f"width={width!r} must be an odd integer >= 3")
    if mode not in _SAVGOL_MODES:
        raise ParameterError(f"mode={mode!r} must be one of {', '.join(_SAVGOL_MODES)}")
    if mode == "interp" and width > data.shape[axis]:
        raise ParameterError(
            f"when mode='interp', width={width} cannot exceed data.shape[axis]={data.shape[axis]}"
        )
    check_positive_int(order, "order")
    unknown = sorted(set(kwargs) - set(_SAVGOL_KWARGS))
    if unknown:
        raise ParameterError(
            f"unknown delta keyword argument(s) {unknown}; savgol_filter takes polyorder, "
            "delta and cval"
        )
    kwargs.pop("deriv", None)
    kwargs.setdefault("polyorder", order)
    polyorder = kwargs["polyorder"]
    if not is_integer(polyorder) or not 0 <= polyorder < width:
        raise ParameterError(
            f"polyorder={polyorder!r} must be an integer in [0, width={width}); it defaults "
            "to order"
        )
    if data.dtype.kind not in "biuf":  # (librosa: scipy drops an imaginary part with a warning)
        raise ParameterError(f"data must be real-valued numbers, got dtype {data.dtype}")
    result: np.ndarray = scipy.signal.savgol_filter(
        data, width, deriv=order, axis=axis, mode=mode, **kwargs
    )
    return result


def stack_memory(
    data: np.ndarray, *, n_steps: int = 2, delay: int = 1, **kwargs: Any
) -> np.ndarray:
    """Stack a matrix with delayed copies of itself; mirrors ``librosa.feature.stack_memory``.

    Each column becomes ``[data[..., i], data[..., i - delay], ..., data[..., i - (n_steps - 1)
    * delay]]`` along the second-to-last axis. Columns before the start (or, for a negative
    ``delay``, after the end) come from ``numpy.pad`` of ``data``, with librosa's defaults
    (``mode="constant"``, ``constant_values=[0]``) unless ``kwargs`` say otherwise. librosa fills
    the output with a numba loop of slice copies; here the same copies are numpy slice
    assignments, so the values are identical (no arithmetic is involved).

    Parameters
    ----------
    data : np.ndarray [shape=(..., d, t)]
        Input data; a vector (or a scalar) is read as one row ``(1, t)``.
    n_steps : int > 0
        Number of copies (the current frame included).
    delay : int != 0
        Frames between copies: positive values look into the past, negative into the future.
    **kwargs
        Passed to ``numpy.pad``: ``mode`` ("constant", "edge", "reflect", "symmetric", "wrap",
        "mean", ...) and its options (``constant_values``, ``reflect_type``, ``stat_length``).

    Returns
    -------
    data_history : np.ndarray [shape=(..., n_steps * d, t)]
        In ``data``'s dtype and memory layout (``np.empty_like``), as librosa. Unlike librosa,
        whose numba loop rejects them, float16 and object arrays are stacked too.

    Raises
    ------
    ParameterError
        ``n_steps`` is not a positive integer, ``delay`` not a nonzero integer (librosa
        truncates a fractional delay when padding and fails on a fractional ``n_steps``),
        ``data`` has no columns, or ``numpy.pad`` rejects ``kwargs``.

    See Also
    --------
    librosa.feature.stack_memory : the reference implementation.

    Examples
    --------
    >>> genrefx.feature.stack_memory(np.arange(-3, 3), n_steps=3, mode="edge")
    array([[-3, -2, -1,  0,  1,  2],
           [-3, -3, -2, -1,  0,  1],
           [-3, -3, -3, -2, -1,  0]])
    """
    n_steps = check_positive_int(n_steps, "n_steps")
    if not is_integer(delay) or delay == 0:
        raise ParameterError(f"delay={delay!r} must be a non-zero integer")
    delay = int(delay)
    data = np.atleast_2d(data)
    t = data.shape[-1]
    if t < 1:
        raise ParameterError(
            f"Cannot stack memory when input data has no columns. Given data.shape={data.shape}"
        )
    kwargs.setdefault("mode", "constant")
    if isinstance(kwargs["mode"], str) and kwargs["mode"] == "constant":
        kwargs.setdefault("constant_values", [0])
    reach = (n_steps - 1) * abs(delay)
    padding = [(0, 0)] * (data.ndim - 1) + [(reach, 0) if delay > 0 else (0, reach)]
    try:
        padded = np.pad(data, padding, **kwargs)
    except (TypeError, ValueError) as error:
        raise ParameterError(f"numpy.pad rejects the padding arguments {kwargs}: {error}") from None
    d = data.shape[-2]
    history = np.empty_like(padded, shape=(*data.shape[:-2], n_steps * d, t))
    for step in range(n_steps):
        # block ``step`` holds data[..., i - step * delay]: its offset into the padded data
        start = (n_steps - 1 - step) * delay if delay > 0 else step * -delay
        history[..., step * d : (step + 1) * d, :] = padded[..., start : start + t]
    return history
