"""The short-time Fourier transform and decibel scaling, mirroring ``librosa.core.spectrum``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from . import _core
from ._engine import effective_n_fft
from ._framing import framing
from ._validation import (
    as_signal_batch,
    check_threads,
    restore_shape,
    store_output,
    valid_audio,
)
from .exceptions import ParameterError

__all__ = ["amplitude_to_db", "power_to_db", "stft"]


def stft(
    y: np.ndarray,
    *,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    dtype: Any = None,
    out: np.ndarray | None = None,
    n_threads: int = 1,
) -> np.ndarray:
    """Short-time Fourier transform; mirrors ``librosa.stft``.

    Frames of ``n_fft`` samples every ``hop_length`` samples are multiplied by the window
    (``win_length`` samples, zero-padded to ``n_fft`` in the centre) and transformed by the core's
    SIMD real FFT, which handles any ``n_fft`` (radix 8, 4, 2, 3, 5; Bluestein's algorithm for
    large prime factors).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], floating-point
        Audio; leading dimensions are channels or a batch.
    n_fft : int > 0
        FFT length; the output has ``1 + n_fft // 2`` rows.
    hop_length : int > 0 or None
        Samples between frames; ``None`` means ``win_length // 4``.
    win_length : int in [1, n_fft] or None
        Window length; ``None`` means ``n_fft``.
    window : str, tuple, callable or array
        Anything ``librosa.filters.get_window`` accepts ("hann", "hamming", "blackman", ...).
    center : bool
        Pad ``n_fft // 2`` samples on both sides so that frame ``t`` is centred at
        ``t * hop_length``.
    pad_mode : {"constant", "edge", "reflect", "symmetric", "linear_ramp"}
        ``numpy.pad`` mode for the centre padding (librosa's default: "constant", zeros).
    dtype : complex dtype or None
        Output dtype; ``None`` follows librosa: complex64 for float32 (and float16) audio,
        complex128 for float64 audio. The core's FFT runs in float32 for float32 audio (within
        ~1e-7 of librosa's float64 FFT rounded to complex64) and in float64 for float64 audio
        (its frames unrounded, as librosa's: within ~1e-15).
    out : np.ndarray or None
        A complex array to write the result into, as librosa's ``out``: its shape must be the
        result's, with at least as many frames (the extra frames are left as they are); the
        result is then ``out`` (or its first frames) in ``out``'s dtype, and ``dtype`` is unused.
    n_threads : int > 0
        Threads over the frames and channels (the GIL is released either way).

    Returns
    -------
    D : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)]
        ``n_frames = 1 + len(y) // hop_length`` when centred, else
        ``1 + (len(y) - n_fft) // hop_length``.

    Raises
    ------
    ParameterError
        Invalid audio, framing arguments, or a signal shorter than ``n_fft`` with
        ``center=False``; an ``out`` of the wrong shape or a real dtype.

    See Also
    --------
    librosa.stft : the reference implementation.
    """
    return _stft(
        y,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        dtype=dtype,
        out=out,
        n_threads=n_threads,
        fft64=False,
    )


def _stft(
    y: Any,
    *,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    dtype: Any = None,
    out: np.ndarray | None = None,
    n_threads: int = 1,
    fft64: bool = False,
) -> np.ndarray:
    """:func:`stft`, with ``fft64``: the FFT in float64 as librosa's (its float32 frames times
    the float64 window go through scipy.fft's float64 FFT, rounded once to the output; float64
    audio enters unrounded). ~1.6x slower than the float32 FFT; :func:`effects.time_stretch`
    needs it: the phase vocoder carries the float32 FFT's ~1e-7 differences from librosa into
    the phases of whole stretches of signal (after a silence, every bin's), while from this
    spectrum librosa's own vocoder and istft give librosa's output."""
    y = valid_audio(y)
    fr = framing(
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
    )
    fr.check_length(y.shape[-1])
    n_threads = check_threads(n_threads)
    if fr.center and fr.pad_mode == "linear_ramp" and y.dtype == np.float16:
        # librosa pads float16 audio in float16, so its ramps are rounded to float16 (the other
        # modes copy samples, exactly in float32 too): pad as it does, then frame uncentred
        half = fr.n_fft // 2
        padded = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(half, half)], mode="linear_ramp")
        return _stft(
            padded,
            n_fft=fr.n_fft,
            hop_length=fr.hop_length,
            win_length=win_length,
            window=window,
            center=False,
            pad_mode=pad_mode,
            dtype=dtype,
            out=out,
            n_threads=n_threads,
            fft64=fft64,
        )
    batch, lead = as_signal_batch(y, n_threads=n_threads)
    y64 = None
    if y.dtype == np.float64:
        # float64 audio: its frames unrounded through the float64 FFT, complex128 out, as
        # librosa's (its numbers to ~1e-16 instead of the float32 FFT's ~1e-7)
        name, request = "stft64", {"features": ["stft64"]}
        y64 = np.ascontiguousarray(y.reshape(batch.shape))
    else:
        name, request = "stft", {"features": ["stft"], "fft64": fft64}
    D = restore_shape(_core.extract(fr.plan, batch, request, n_threads, y64)[name], lead)
    if out is not None:
        return store_output(D, out, spare_frames=True, complex_only=True)
    if dtype is None:
        dtype = np.complex128 if y.dtype == np.float64 else np.complex64
    return D.astype(dtype, copy=False)


def spectrogram(y, S, power: float, framing_args: dict[str, Any]) -> tuple[np.ndarray, int]:
    """``(S, n_fft)`` as librosa's ``_spectrogram``: ``|stft(y)| ** power`` (float32 for
    float32 audio), or the given ``S`` with ``framing_args["n_fft"]`` if its bins fit S (an odd
    n_fft too), else the n_fft its bins imply. Used where a feature is computed by numpy's
    products (a filterbank in another dtype, poly_features); the fused paths do not. The STFT
    is librosa's: from the float64 FFT (a least-squares fit over every bin of a pure tone's
    frame reads the bins at the float32 FFT's floor: poly_features was 1.8e-5 off).
    """
    if S is not None:
        S = np.asarray(S)
        if S.ndim < 2:
            raise ParameterError(f"S must have shape (..., n_bins, n_frames), got {S.shape}")
        return S, effective_n_fft(framing_args["n_fft"], S.shape[-2])
    if not np.isscalar(power) or not power > 0:
        raise ParameterError(f"power={power!r} must be a positive number")
    return np.abs(_stft(y, fft64=True, **framing_args)) ** power, framing_args["n_fft"]


def _check_top_db(top_db: Any, S: np.ndarray) -> None:
    if top_db is None:
        return
    if top_db < 0:
        raise ParameterError(f"top_db={top_db} must be non-negative")
    if S.size == 0:
        raise ParameterError(f"S is empty (shape {S.shape}): top_db needs its maximum")


def power_to_db(
    S: Any, *, ref: Any = 1.0, amin: float = 1e-10, top_db: float | None = 80.0
) -> np.ndarray:
    """Power spectrogram to decibels, ``10 log10(S / ref)``; mirrors ``librosa.power_to_db``.

    Values are floored at ``amin``; with ``top_db`` the result is clipped to ``max - top_db``,
    where the maximum is taken over the WHOLE array (all channels), as librosa does.

    Raises
    ------
    ParameterError
        If ``amin <= 0`` or ``top_db < 0``, or ``top_db`` is given for an empty ``S`` (whose
        maximum librosa cannot take either).
    """
    S = np.asarray(S)
    if amin <= 0:
        raise ParameterError(f"amin={amin} must be strictly positive")
    _check_top_db(top_db, S)
    if np.issubdtype(S.dtype, np.complexfloating):
        warnings.warn(
            "power_to_db was called on complex input so phase information will be discarded. "
            "To suppress this warning, call power_to_db(np.abs(D)**2) instead.",
            UserWarning,
            stacklevel=2,
        )
        magnitude = np.abs(S)
    else:
        magnitude = S
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    log_spec = 10.0 * np.log10(np.maximum(amin, magnitude))
    ref_db = 10.0 * np.log10(np.maximum(amin, ref_value))
    if isinstance(log_spec, np.ndarray) and np.ndim(ref_db):  # (librosa subtracts in place)
        try:
            fits = np.broadcast_shapes(log_spec.shape, np.shape(ref_db)) == log_spec.shape
        except ValueError:
            fits = False
        if not fits:
            raise ParameterError(
                f"ref has shape {np.shape(ref_value)}, which does not broadcast to S's shape "
                f"{log_spec.shape}"
            )
    log_spec -= ref_db
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def amplitude_to_db(
    S: Any, *, ref: Any = 1.0, amin: float = 1e-5, top_db: float | None = 80.0
) -> np.ndarray:
    """Amplitude to decibels, ``20 log10(S / ref)``; mirrors ``librosa.amplitude_to_db``.

    As in librosa, ``amin`` only enters squared (``power_to_db(S**2, amin=amin**2)``): a
    negative ``amin`` floors at ``abs(amin)``.

    Raises
    ------
    ParameterError
        If ``amin ** 2 <= 0`` or ``top_db < 0``, or ``top_db`` is given for an empty ``S``.
    """
    S = np.asarray(S)
    if S.dtype == np.bool_ and S.ndim:  # (librosa: numpy cannot square a boolean array in
        # place; a single boolean, squared out of place, is 0 dB or -inf floored at amin)
        raise ParameterError("S must be numeric, got dtype bool; pass S.astype(float)")
    if not amin**2 > 0 and not np.isnan(amin):  # (librosa: NaN passes and gives NaN)
        raise ParameterError(f"amin={amin} must be strictly positive (amin**2 = {amin**2})")
    _check_top_db(top_db, S)
    if np.issubdtype(S.dtype, np.complexfloating):
        warnings.warn(
            "amplitude_to_db was called on complex input so phase information will be discarded. "
            "To suppress this warning, call amplitude_to_db(np.abs(S)) instead.",
            UserWarning,
            stacklevel=2,
        )
    magnitude = np.abs(S)
    ref_value = ref(magnitude) if callable(ref) else np.abs(ref)
    power = np.square(magnitude, out=magnitude if isinstance(magnitude, np.ndarray) else None)
    return power_to_db(power, ref=ref_value**2, amin=amin**2, top_db=top_db)
