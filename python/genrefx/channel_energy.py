"""Per-channel energy normalization, mirroring ``librosa.pcen``.

The same arithmetic as librosa: a first-order IIR smoother by ``scipy.signal.lfilter`` (with
librosa's ``scipy.signal.lfilter_zi`` initial state), an optional max filter across frequency by
``scipy.ndimage.maximum_filter1d``, then librosa's log-domain gain control and compression in
numpy, operation for operation: the results are librosa's, bit for bit, in librosa's dtypes.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ._validation import (
    check_finite_scalar,
    check_index,
    check_nonnegative,
    check_positive,
    check_positive_int,
)
from .exceptions import ParameterError

__all__ = ["pcen"]


def _axis(value: Any, ndim: int, name: str) -> int:
    """``value`` as an int in ``[-ndim, ndim)``, or raise naming ``name`` (axis or max_axis)."""
    value = check_index(value, name)
    if not -ndim <= value < ndim:
        raise ParameterError(f"{name}={value} is out of range for S with {ndim} dimension(s)")
    return value


def _numeric(x: Any, name: str, *, complex_ok: bool) -> np.ndarray:
    x = np.asarray(x)
    kinds = "biufc" if complex_ok else "biuf"
    if x.dtype.kind not in kinds:
        what = "numeric" if complex_ok else "real-valued"
        raise ParameterError(f"{name} must be {what}, got dtype {x.dtype}")
    return x


def pcen(
    S: np.ndarray,
    *,
    sr: float = 22050,
    hop_length: int = 512,
    gain: float = 0.98,
    bias: float = 2,
    power: float = 0.5,
    time_constant: float = 0.400,
    eps: float = 1e-6,
    b: float | None = None,
    max_size: int = 1,
    ref: np.ndarray | None = None,
    axis: int = -1,
    max_axis: int | None = None,
    zi: np.ndarray | None = None,
    return_zf: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Per-channel energy normalization (PCEN); mirrors ``librosa.pcen``.

    Automatic gain control by a smoothed reference, then root compression::

        M[f, t] = (1 - b) M[f, t - 1] + b R[f, t]       (R = S, or its max filter)
        P[f, t] = (S / (eps + M[f, t]) ** gain + bias) ** power - bias ** power

    computed as librosa does, in log space: ``smooth = exp(-gain (log(eps) + log1p(M / eps)))``
    and ``P = bias ** power * expm1(power * log1p(S * smooth / bias))`` (``log1p(S * smooth)``
    when ``power == 0``, ``exp(power * (log(S) + log(smooth)))`` when ``bias == 0``). ``b``
    defaults to ``(sqrt(1 + 4 T^2) - 1) / (2 T^2)`` with ``T = time_constant * sr /
    hop_length`` frames. ``M`` is ``scipy.signal.lfilter([b], [1, b - 1], R, zi=zi,
    axis=axis)``, with librosa's default ``zi = lfilter_zi([b], [1, b - 1])`` (1 - b): the
    filter starts as if ``R`` had been 1 forever.

    Parity: bit-identical to librosa (the same scipy and numpy operations in the same order),
    with librosa's dtypes: float64 for float16 / float32 / float64 / integer / boolean ``S``
    (lfilter's float64 state promotes), long double for long double ``S``. As in librosa,
    complex ``S`` is replaced by ``np.abs(S)`` with a UserWarning, and numpy's
    RuntimeWarnings for ``log(0)`` (``bias=0`` and a zero in ``S``) or negative ``S`` are
    emitted.

    Parameters
    ----------
    S : np.ndarray (non-negative)
        Magnitude (or power) spectrogram, e.g. a mel spectrogram; any dimensions.
    sr : number > 0
        Sampling rate (used only to compute ``b``).
    hop_length : number > 0
        Hop length of ``S`` in samples (used only to compute ``b``).
    gain : number >= 0
        Gain-control exponent (slightly below 1).
    bias : number >= 0
        Bias of the compression.
    power : number >= 0
        Compression exponent; 0 is logarithmic compression.
    time_constant : number > 0
        Time constant of the smoother, in seconds.
    eps : number > 0
        Floor of the smoothed reference.
    b : number in [0, 1] or None
        The smoother's coefficient; ``None`` derives it from ``time_constant``. ``b = 0``
        needs ``zi`` (lfilter_zi has no solution then; librosa raises LinAlgError).
    max_size : int > 0
        Width of the max filter across frequency; 1 is none.
    ref : np.ndarray or None
        A precomputed reference ``R``: same number of dimensions as ``S``, broadcasting to
        ``S.shape``; ``max_size`` is then unused.
    axis : int
        The time axis of ``S``.
    max_axis : int or None
        The frequency axis for the max filter; ``None`` means the other axis of a 2-d ``S``
        (``np.mod(1 - axis, 2)``, as librosa) and is an error for other ``S`` when
        ``max_size > 1``.
    zi : np.ndarray or None
        Initial filter state, e.g. a previous call's ``zf``; its shape is ``ref``'s with the
        time axis of length 1 (or anything lfilter broadcasts to it).
    return_zf : bool
        Also return the final filter state (for streaming).

    Returns
    -------
    P : np.ndarray [shape=S.shape]
        The normalized spectrogram.
    zf : np.ndarray
        The final filter state; only with ``return_zf``.

    Raises
    ------
    ParameterError
        librosa's checks (``power``, ``gain``, ``bias`` < 0; ``eps``, ``time_constant`` <= 0;
        ``max_size`` not a positive integer; ``b`` outside [0, 1]; max filtering 1-d ``S`` or
        a >2-d ``S`` without ``max_axis``), and where librosa fails with another error or
        computes NaN everywhere: a NaN or infinite parameter (librosa's checks let NaN
        through), ``sr`` or ``hop_length`` not positive when ``b`` is derived from them
        (librosa: a ZeroDivisionError for ``hop_length=0``, ``b=nan`` for ``sr=0``), ``S``
        0-dimensional or not numeric, ``axis`` / ``max_axis`` out of range, ``ref`` of the
        wrong shape or complex, ``zi`` of the wrong shape or complex, ``b=0`` without ``zi``.

    See Also
    --------
    librosa.pcen : the reference implementation.
    genrefx.amplitude_to_db : the usual alternative.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> S = genrefx.feature.melspectrogram(y=y, sr=22050, power=1)
    >>> P = genrefx.pcen(S * (2**31))
    >>> P.shape, P.dtype
    ((128, 44), dtype('float64'))
    """
    import scipy.ndimage
    import scipy.signal

    # librosa's checks, in its order, with NaN / Inf and non-numbers rejected too
    for value, name in ((power, "power"), (gain, "gain"), (bias, "bias")):
        check_nonnegative(value, name)
    for value, name in ((eps, "eps"), (time_constant, "time_constant")):
        check_positive(value, name)
    max_size = check_positive_int(max_size, "max_size")

    if b is None:
        check_positive(sr, "sr")
        check_positive(hop_length, "hop_length")
        t_frames = time_constant * sr / float(hop_length)
        # By default, this solves the equation for b:
        #   b**2  + (1 - b) / t_frames  - 2 = 0
        # which approximates the full-width half-max of the
        # squared frequency response of the IIR low-pass filter
        b = (np.sqrt(1 + 4 * t_frames**2) - 1) / (2 * t_frames**2)
    else:
        check_finite_scalar(b, "b")
    if not 0 <= b <= 1:
        raise ParameterError(f"b={b} must be between 0 and 1")

    S = _numeric(S, "S", complex_ok=True)
    if S.ndim == 0:
        raise ParameterError(f"S must be at least 1-dimensional, got shape {S.shape}")
    axis = _axis(axis, S.ndim, "axis")
    if max_axis is not None:
        max_axis = _axis(max_axis, S.ndim, "max_axis")

    if np.issubdtype(S.dtype, np.complexfloating):
        warnings.warn(
            "pcen was called on complex input so phase "
            "information will be discarded. To suppress this warning, "
            "call pcen(np.abs(D)) instead.",
            stacklevel=2,
        )
        S = np.abs(S)

    if ref is None:
        if max_size == 1:
            ref = S
        elif S.ndim == 1:
            raise ParameterError("Max-filtering cannot be applied to 1-dimensional input")
        else:
            if max_axis is None:
                if S.ndim != 2:
                    raise ParameterError(
                        f"Max-filtering a {S.ndim:d}-dimensional spectrogram "
                        "requires you to specify max_axis"
                    )
                # if axis = 0, max_axis=1
                # if axis = +- 1, max_axis = 0
                max_axis = np.mod(1 - axis, 2)
            ref = scipy.ndimage.maximum_filter1d(S, max_size, axis=max_axis)
    else:
        ref = _numeric(ref, "ref", complex_ok=False)
        try:
            fits = ref.ndim == S.ndim and np.broadcast_shapes(ref.shape, S.shape) == S.shape
        except ValueError:
            fits = False
        if not fits:
            raise ParameterError(
                f"ref has shape {ref.shape}, which does not broadcast to S's shape {S.shape}"
            )

    if zi is None:
        if b == 0:
            raise ParameterError(
                "b=0 needs an initial state zi (scipy.signal.lfilter_zi has no solution for "
                "a filter that never updates)"
            )
        # Make sure zi matches dimension to input
        shape = tuple([1] * ref.ndim)
        zi = np.empty(shape)
        zi[:] = scipy.signal.lfilter_zi([b], [1, b - 1])[:]
    else:
        zi = _numeric(zi, "zi", complex_ok=False)

    # Temporal integration
    try:
        S_smooth, zf = scipy.signal.lfilter([b], [1, b - 1], ref, zi=zi, axis=axis)
    except ValueError as error:
        expected = list(ref.shape)
        expected[axis] = 1
        raise ParameterError(
            f"zi has shape {zi.shape}; the filter state for ref of shape {ref.shape} along "
            f"axis={axis} has shape {tuple(expected)} ({error})"
        ) from None

    # Adaptive gain control
    # Working in log-space gives us some stability, and a slight speedup
    smooth = np.exp(-gain * (np.log(eps) + np.log1p(S_smooth / eps)))

    # Dynamic range compression
    if power == 0:
        S_out = np.log1p(S * smooth)
    elif bias == 0:
        S_out = np.exp(power * (np.log(S) + np.log(smooth)))
    else:
        S_out = (bias**power) * np.expm1(power * np.log1p(S * smooth / bias))

    if return_zf:
        return S_out, zf
    return S_out
