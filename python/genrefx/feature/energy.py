"""Time-domain features: RMS energy and zero-crossing rate, mirroring ``librosa.feature``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._engine import compute, frames_of, zero_crossing_rate_of
from .._validation import check_dtype, check_positive_int, check_threads, valid_audio
from ..exceptions import ParameterError

__all__ = ["rms", "zero_crossing_rate"]

# np.pad modes that rms takes (as librosa's np.pad call does) beyond the core's own
_NP_PAD_ONLY = ("maximum", "mean", "median", "minimum")


def _result_dtype(dtype: Any) -> np.dtype | None:
    """rms's ``dtype``: a floating-point or complex numpy dtype (librosa's ``abs2(x, dtype)``
    fails on the others; cast blindly, an integer dtype gave all zeros), or None (the input's
    own real dtype, as ``abs2(x, dtype=None)``)."""
    if dtype is None:
        return None
    return check_dtype(dtype, np.inexact, "a floating-point or complex dtype")


def rms(
    *,
    y: np.ndarray | None = None,
    S: np.ndarray | None = None,
    frame_length: int = 2048,
    hop_length: int = 512,
    center: bool = True,
    pad_mode: str = "constant",
    dtype: Any = np.float32,
) -> np.ndarray:
    """Root-mean-square energy per frame; mirrors ``librosa.feature.rms``.

    From ``y``: frames of ``frame_length`` samples (centred with ``pad_mode`` padding), the mean
    of squares summed in float64, then the square root. From ``S`` (a magnitude spectrogram):
    librosa's Parseval estimate with the DC and Nyquist bins halved.

    Returns
    -------
    rms : np.ndarray [shape=(..., 1, t)], ``dtype`` (float32 by default, as librosa)

    See Also
    --------
    librosa.feature.rms
    """
    dtype = _result_dtype(dtype)
    if y is not None and center and pad_mode in _NP_PAD_ONLY:
        # librosa pads y with np.pad itself: these modes too (their padding depends on the whole
        # signal, which the core's framing does not do), then frames the padded signal
        y = valid_audio(y)
        width = check_positive_int(frame_length, "frame_length") // 2
        y = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(width, width)], mode=pad_mode)
        center, pad_mode = False, "constant"
    if y is not None:
        out = compute(
            ["rms"],
            lambda n, f, shape: {},
            y=y,
            S=None,
            sr=22050,
            n_fft=frame_length,
            hop_length=hop_length,
            center=center,
            pad_mode=pad_mode,
            n_fft_name="frame_length",
        )["rms"]
        return out.astype(np.asarray(y).dtype if dtype is None else dtype, copy=False)
    if S is not None:
        S = np.asarray(S)
        if dtype is None:
            dtype = np.abs(S[..., :0, :0]).dtype
            if not np.issubdtype(dtype, np.inexact):  # (librosa: halving integers in place fails)
                raise ParameterError(
                    f"S of dtype {S.dtype} needs a floating-point dtype=, not dtype=None"
                )
        frame_length = check_positive_int(frame_length, "frame_length")
        if S.ndim < 2 or S.shape[-2] != frame_length // 2 + 1:
            raise ParameterError(
                f"Since S.shape[-2] is {S.shape[-2] if S.ndim >= 2 else None}, frame_length is "
                f"expected to be {2 * S.shape[-2] - 2 if S.ndim >= 2 else '?'}; "
                f"found frame_length={frame_length}"
            )
        x = np.abs(S).astype(dtype) ** 2
        x[..., 0, :] *= 0.5
        if frame_length % 2 == 0:
            x[..., -1, :] *= 0.5
        power = 2 * np.sum(x, axis=-2, keepdims=True) / frame_length**2
        return np.sqrt(power)
    raise ParameterError("Either y or S must be input")


def zero_crossing_rate(
    y: np.ndarray,
    *,
    frame_length: int = 2048,
    hop_length: int = 512,
    center: bool = True,
    n_threads: int = 1,
    **kwargs: Any,
) -> np.ndarray:
    """Fraction of sign changes per frame; mirrors ``librosa.feature.zero_crossing_rate``.

    Frames are centred with EDGE padding (librosa's choice for this feature, unlike the STFT's
    zeros); samples with ``|y| <= threshold`` count as zero (positive with ``zero_pos=True``);
    the count over the frame is divided by ``frame_length``. The result is exact: it equals
    librosa's bit for bit, comparing in librosa's dtype (float64 audio in float64; float32
    audio in float32 unless the threshold is a numpy float64), with librosa's rules for a
    negative threshold (nothing is zeroed; -0.0 counts as negative with ``zero_pos``).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
    frame_length, hop_length : int > 0
    center : bool
    **kwargs
        ``threshold`` (1e-10), ``ref_magnitude`` (None, a number, or a callable applied to
        the absolute values of the ``(..., frame_length, t)`` frames, as librosa does; it may
        return one value per frame), ``pad`` (False), ``zero_pos`` (True), as
        ``librosa.zero_crossings``.

    Returns
    -------
    zcr : np.ndarray [shape=(..., 1, t)], float64

    See Also
    --------
    librosa.feature.zero_crossing_rate
    """
    y = valid_audio(y)
    frame_length = check_positive_int(frame_length, "frame_length")
    hop_length = check_positive_int(hop_length, "hop_length")
    n_threads = check_threads(n_threads)
    unknown = set(kwargs) - {"threshold", "ref_magnitude", "pad", "zero_pos", "axis"}
    if unknown:
        raise ParameterError(f"unknown zero_crossing_rate argument(s): {sorted(unknown)}")
    if not center and y.shape[-1] < frame_length:
        raise ParameterError(
            f"y has {y.shape[-1]} samples, fewer than frame_length={frame_length} with center=False"
        )
    threshold = kwargs.get("threshold", 1e-10)
    if threshold is None or isinstance(threshold, bool) or np.ndim(threshold) != 0:
        raise ParameterError(f"threshold={threshold!r} must be a real number")
    ref = kwargs.get("ref_magnitude")
    if callable(ref):  # applied to librosa's frames (edge-padded when centred)
        threshold = threshold * ref(np.abs(frames_of(y, frame_length, hop_length, bool(center))))
    elif ref is not None:
        threshold = threshold * ref
    return zero_crossing_rate_of(
        y,
        frame_length,
        hop_length,
        bool(center),
        threshold,
        bool(kwargs.get("pad", False)),
        bool(kwargs.get("zero_pos", True)),
        n_threads,
    )
