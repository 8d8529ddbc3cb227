"""Builds core requests for the feature functions and runs them on signals or spectrograms.

Every public feature (``genrefx.feature.*``) and :func:`genrefx.extract` go through
:func:`from_signal` or :func:`from_spectrogram`, so the single calls and the fused call share one
code path and give identical numbers.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import _core
from ._framing import Framing
from ._validation import as_signal_batch, as_spectrogram_batch, restore_shape, valid_audio
from .convert import fft_frequencies
from .exceptions import ParameterError

__all__ = ["effective_n_fft", "frequencies", "from_signal", "from_spectrogram", "output_dtype"]

# Results that librosa returns in the input's precision (float32 for float32 audio); the other
# features are float64 in librosa whatever the input (centroid, bandwidth, contrast, rolloff, zcr).
_FOLLOWS_INPUT = {"melspectrogram", "mfcc", "chroma_stft", "spectral_flatness"}


def output_dtype(name: str, input_dtype: np.dtype) -> np.dtype:
    """librosa's output dtype for feature ``name`` given the audio's (or S's) dtype."""
    if name in ("rms", "rms_spectrum"):
        return np.dtype(np.float32)  # librosa.feature.rms(dtype=np.float32)
    if name in _FOLLOWS_INPUT:
        if np.issubdtype(input_dtype, np.integer):
            # numpy's promotion in librosa's arithmetic on an integer S: flatness's S**2.0 is
            # float64; the float32 filterbanks' products give float32 for int8 / int16 /
            # uint8 / uint16, float64 for wider integers
            if name == "spectral_flatness":
                return np.dtype(np.float64)
            return np.result_type(input_dtype, np.float32)
        return np.dtype(np.float64) if input_dtype == np.float64 else np.dtype(np.float32)
    return np.dtype(np.float64)


def effective_n_fft(n_fft: int, n_bins: int) -> int:
    """librosa's ``_spectrogram`` rule for S= input: keep n_fft if it matches, else infer it."""
    if n_fft is not None and int(n_fft) // 2 + 1 == n_bins:
        return int(n_fft)
    return 2 * (n_bins - 1)


def frequencies(freq: Any, sr: float, n_fft: int, n_bins: int) -> np.ndarray:
    """The bin frequencies: librosa's ``fft_frequencies`` or a user's 1-D ``freq``."""
    if freq is None:
        return _default_frequencies(float(sr), int(n_fft))
    freq = np.atleast_1d(np.asarray(freq, dtype=np.float64))
    if freq.ndim != 1 or freq.shape[0] != n_bins:
        raise ParameterError(
            f"freq must be 1-D with {n_bins} entries (one per frequency bin), got shape "
            f"{freq.shape}; genrefx does not support per-frame (2-D) freq"
        )
    return np.ascontiguousarray(freq)


@functools.lru_cache(maxsize=64)
def _default_frequencies(sr: float, n_fft: int) -> np.ndarray:
    """``fft_frequencies(sr=sr, n_fft=n_fft)``, computed once per pair (read-only)."""
    freq = fft_frequencies(sr=sr, n_fft=n_fft)
    freq.setflags(write=False)
    return freq


def _finish(results: dict, lead: tuple[int, ...], input_dtype: np.dtype) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in results.items():
        if name in ("tuning", "estimate_tuning"):
            # one value, or one per signal (request["independent"])
            out[name] = float(value) if np.ndim(value) == 0 else np.reshape(value, lead)
            continue
        if name == "stft":
            out[name] = restore_shape(value, lead)
            continue
        value = restore_shape(value, lead)
        out[name] = value.astype(output_dtype(name, input_dtype), copy=False)
    return out


def from_signal(y: Any, fr: Framing, request: dict[str, Any], n_threads: int = 1) -> dict[str, Any]:
    """Run the core's fused pass over audio ``y`` (..., n) for ``request["features"]``."""
    y = valid_audio(y)
    fr.check_length(y.shape[-1])
    batch, lead = as_signal_batch(y, n_threads=n_threads)
    # float64 audio also goes in as it is, for the float64 FFT: rounded to float32 first, a
    # pure tone's far bins sit on the rounding's noise floor (~1e-7) instead of librosa's
    # float64 leakage, which moved spectral_contrast by up to 0.2 and bandwidth by 5e-4
    if y.dtype == np.float64:
        _check_power_range(request, batch, fr.window)
    y64 = None
    if y.dtype == np.float64 and request.get("fft64"):
        y64 = np.ascontiguousarray(y.reshape(batch.shape))
    results = _core.extract(fr.plan, batch, request, n_threads, y64)
    return _finish(results, lead, y.dtype)


def _check_power_range(request: dict[str, Any], batch: np.ndarray, window: np.ndarray) -> None:
    """Refuse float64 audio too loud for the core's float32 spectra raised to a power.

    mel and mfcc read |X| ** mel_power (1 or 2), chroma |X| ** 2 and flatness
    |X| ** flat_power, in float32: above float32's ~3.4e38 that is infinite, and mel and
    chroma come out infinite or NaN, mfcc and flatness finite but wrong, where librosa's
    float64 spectrum stays finite. (float32 audio overflows in librosa too, and matches it.)
    |X| never exceeds peak |y| * sum |window|, so audio below that bound's p-th root is safe;
    louder audio is refused rather than risked (noise reaches the bound only partly).
    """
    names = request["features"]
    powers = [2.0] if "chroma_stft" in names else []
    if "melspectrogram" in names or "mfcc" in names:
        powers.append(request.get("mel_power", 2.0))
    if "spectral_flatness" in names:
        powers.append(request.get("flat_power", 2.0))
    if not powers or batch.size == 0:
        return
    power = max(powers)
    limit = float(np.finfo(np.float32).max) ** (1.0 / power) / float(np.sum(np.abs(window)))
    peak = max(float(batch.max()), -float(batch.min()))  # (no |batch| temporary)
    if peak > limit:
        raise ParameterError(
            f"y: float64 audio of peak |y| = {peak:.3g} is too loud for genrefx's float32 "
            f"spectra: |X| ** {power:g} could overflow above a peak of {limit:.3g} with this "
            "window, where librosa's float64 spectrum stays finite; scale it down"
        )


def from_spectrogram(S: Any, request: dict[str, Any], n_threads: int = 1) -> dict[str, Any]:
    """Run the features of ``request`` on a given spectrogram S (..., F, T)."""
    S_in = np.asarray(S)
    batch, lead = as_spectrogram_batch(S_in)
    if (batch < 0).any():
        raise ParameterError("S must be non-negative (a magnitude or power spectrogram)")
    results = _core.spectral(batch, request, n_threads)
    return _finish(results, lead, S_in.dtype)


def zero_crossings_core(
    y, frame_length, hop_length, center, threshold, pad, zero_pos, n_threads, check_finite=True
):
    """The core's zero-crossing rate of validated audio; returns (..., 1, T) float64.

    ``check_finite=False`` skips the NaN/Inf scan when the caller already did it on this y.
    """
    batch, lead = as_signal_batch(y, check_finite=check_finite, n_threads=n_threads)
    out = _core.zero_crossing_rate(
        batch, frame_length, hop_length, center, threshold, pad, zero_pos, n_threads
    )
    return restore_shape(out, lead)


def zero_crossing_rate_of(
    y, frame_length, hop_length, center, threshold, pad, zero_pos, n_threads, check_finite=True
):
    """librosa's zero-crossing rate of validated audio ``y`` for a threshold already scaled by
    ``ref_magnitude``: a number, or an array that broadcasts against the frames' ``(..., 1, T)``
    (a per-frame threshold); returns ``(..., 1, T)`` float64, equal to librosa's bit for bit.

    librosa compares the samples with the threshold in the dtype numpy gives the pair (float32
    audio with a Python float: float32; float64 audio, or a numpy float64 threshold: float64),
    zeroes ``-threshold <= y <= threshold`` (nothing when the threshold is negative or NaN), then
    compares signs (``np.signbit`` with ``zero_pos``, so -0.0 left unzeroed is negative; else
    ``np.sign``). The core does float32 audio with a float32 threshold >= 0 itself; other cases
    map each sample to its sign class (-1, 0, +1) in librosa's dtype and count the classes'
    changes with the core at threshold 0; per-frame thresholds are counted in numpy.
    """
    try:
        dtype = np.result_type(y.dtype, threshold)
    except TypeError:
        raise ParameterError(f"threshold={threshold!r} must be a real number") from None
    if not np.issubdtype(dtype, np.floating):
        raise ParameterError(f"threshold={threshold!r} must be a real number")
    # (librosa's kernel has float32 and float64 loops: numpy picks the one that holds both)
    dtype = np.dtype(np.float64 if dtype.itemsize > 4 else np.float32)
    args = (frame_length, hop_length, center)
    t = dtype.type(threshold) if np.ndim(threshold) == 0 else None
    if y.dtype == np.float32 and dtype == np.float32 and t is not None and 0 <= t < np.inf:
        return zero_crossings_core(y, *args, float(t), pad, zero_pos, n_threads, check_finite)
    if check_finite and not np.isfinite(y).all():
        raise ParameterError("y is not finite everywhere (it contains NaN or Inf samples)")
    if t is None:
        return _zero_crossing_rate_frames(y, *args, threshold, pad, zero_pos, dtype)
    yc = y.astype(dtype, copy=False)
    clipped = (-t <= yc) & (yc <= t)
    if zero_pos:
        classes = np.where(np.signbit(yc) & ~clipped, np.float32(-1), np.float32(1))
    else:
        classes = np.where(clipped, np.float32(0), np.sign(yc).astype(np.float32))
    return zero_crossings_core(classes, *args, 0.0, pad, zero_pos, n_threads, False)


def _zero_crossing_rate_frames(
    y, frame_length, hop_length, center, threshold, pad, zero_pos, dtype
):
    """librosa's zero-crossing rate with a per-frame threshold, in numpy (rare: a callable
    ``ref_magnitude`` that returns one value per frame)."""
    frames = frames_of(y, frame_length, hop_length, center).astype(dtype)
    t = np.asarray(threshold, dtype=dtype)
    try:
        clipped = (-t <= frames) & (frames <= t)
    except ValueError:
        raise ParameterError(
            f"threshold * ref_magnitude has shape {t.shape}, which does not broadcast against "
            f"the frames' {frames.shape}"
        ) from None
    classes = np.signbit(frames) & ~clipped if zero_pos else np.where(clipped, 0, np.sign(frames))
    changes = np.count_nonzero(classes[..., 1:, :] != classes[..., :-1, :], axis=-2)
    return ((changes + bool(pad)) / frame_length)[..., np.newaxis, :]


def frames_of(y: np.ndarray, frame_length: int, hop_length: int, center: bool) -> np.ndarray:
    """zero_crossing_rate's frames of ``y`` as librosa makes them (edge padding when centred):
    a read-only view ``(..., frame_length, T)``."""
    if center:
        half = frame_length // 2
        y = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(half, half)], mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(y, frame_length, axis=-1)
    return np.swapaxes(windows[..., ::hop_length, :], -1, -2)


def compute(
    names: list[str],
    build,
    *,
    y: Any,
    S: Any,
    sr: Any,
    n_fft: Any = 2048,
    hop_length: Any = 512,
    win_length: Any = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: Any = "constant",
    freq: Any = None,
    n_threads: int = 1,
    n_fft_name: str = "n_fft",
    fft64: bool = False,
) -> dict[str, Any]:
    """Features ``names`` from audio ``y`` or a spectrogram ``S``, as librosa computes them.

    ``build(n_fft, freq, frames_shape)`` returns the feature-specific request entries once the
    effective ``n_fft`` (librosa's rule for S= input), the bin frequencies and the output's
    ``(..., 1, T)`` shape are known. ``fft64``: the float64 FFT whatever the features (else
    only for those that need it, below).
    """
    from ._framing import framing
    from ._validation import check_positive_number, check_threads

    sr = check_positive_number(sr, "sr")
    n_threads = check_threads(n_threads)
    if S is not None:
        S_arr = np.asarray(S)
        if S_arr.ndim < 2:
            raise ParameterError(f"S must have shape (..., n_bins, n_frames), got {S_arr.shape}")
        n_bins = S_arr.shape[-2]
        if n_bins < 2:
            raise ParameterError(f"S needs at least 2 frequency bins, got S.shape={S_arr.shape}")
        eff = effective_n_fft(n_fft, n_bins)
        fq = frequencies(freq, sr, eff, n_bins)
        req = {"features": names, "sr": sr, "freq": fq}
        req.update(build(eff, fq, (*S_arr.shape[:-2], 1, S_arr.shape[-1])))
        req["flat_sum_mode"] = _sum_mode(S_arr.dtype, _bins_innermost(S_arr))
        return from_spectrogram(S_arr, req, n_threads)
    if y is None:
        raise ParameterError("Either y or S must be input")
    y = valid_audio(y)
    fr = framing(
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_fft_name=n_fft_name,
    )
    fr.check_length(y.shape[-1])
    n_bins = fr.n_fft // 2 + 1
    fq = frequencies(freq, sr, fr.n_fft, n_bins)
    req = {"features": names, "sr": sr, "freq": fq}
    req.update(build(fr.n_fft, fq, (*y.shape[:-1], 1, fr.n_frames(y.shape[-1]))))
    # librosa's stft is Fortran-ordered: the bin axis is innermost only for a single signal
    # (independent signals: each as a single signal's call)
    single = int(np.prod(y.shape[:-1])) == 1 or bool(req.get("independent", False))
    req["flat_sum_mode"] = _sum_mode(y.dtype, single)
    # Features dominated by a spectrum's smallest bins need librosa's float64 FFT: a float32
    # FFT resolves bins only to ~1e-7 of the frame's level (rounding x * window alone), while
    # contrast's valleys and, on tonal frames, bandwidth's far bins (weighted by (f - c)^2)
    # are far below that, and flatness takes the log of every bin (band-limited audio has tiny
    # bins everywhere above its cut-off). The centroid of a low pure tone (~60 Hz) moves by
    # ~6e-5 when the float32 FFT's floor, weighted by f up to Nyquist, adds to it. Frames of
    # float32-subnormal audio (a decay's tail) keep their spectrum only in float64, which the
    # magnitude features (centroid, bandwidth, rolloff, ...) see; the power features (mel,
    # chroma, rms) square it to zero as librosa does, and are fine in float32 - except where
    # their own floor reaches below the float32 FFT's: mfcc's 80 dB (top_db) of a magnitude
    # mel (power=1) keeps bins down to 1e-8 of the loudest, and chroma's norm=-inf divides by a
    # frame's smallest chroma value. A mel filterbank that leaves out part of the spectrum (fmin
    # > 0, fmax < sr / 2) leaves the float32 FFT's floor of the energy outside the band in the
    # bands: a loud 8 kHz tone under fmax=4000 put mel 1.6e-5 and mfcc 1.4e-4 off. chroma's
    # estimated tuning is a histogram's argmax: on a near tie one peak moved across a bin edge
    # by the float32 FFT's round-off turned librosa's -0.12 into 0.22 (chroma 0.25 off); the same
    # for estimate_tuning.
    req["fft64"] = bool(
        fft64
        or {
            "spectral_contrast",
            "spectral_bandwidth",
            "spectral_flatness",
            "spectral_centroid",
            "spectral_rolloff",
        }
        & set(names)
        or ("mfcc" in names and req.get("mel_power", 2.0) < 2.0)
        or ({"melspectrogram", "mfcc"} & set(names) and not req.get("mel_full_band", True))
        or ("chroma_stft" in names and req.get("chroma_norm") == -np.inf)
        or ("chroma_stft" in names and req.get("tuning", 0.0) is None)
        or "estimate_tuning" in names
    )
    return from_signal(y, fr, req, n_threads)


def _bins_innermost(S: np.ndarray) -> bool:
    """Whether numpy reduces S's bin axis (-2) as its innermost loop (then it sums pairwise)."""
    others = [
        abs(st)
        for ax, (n, st) in enumerate(zip(S.shape, S.strides, strict=False))
        if n > 1 and ax != S.ndim - 2
    ]
    return not others or abs(S.strides[-2]) <= min(others)


def _sum_mode(dtype: np.dtype, pairwise: bool) -> int:
    """The flatness kernel's summation: 2 float64, 1 float32 pairwise, 0 float32 running."""
    if dtype == np.float64:
        return 2
    return 1 if pairwise else 0
