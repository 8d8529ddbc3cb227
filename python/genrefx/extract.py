"""The fused path: every requested feature from ONE framing + FFT pass of the core."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import _requests
from ._engine import compute, frequencies, zero_crossing_rate_of
from ._validation import check_positive_int, check_threads, check_tuning, valid_audio
from .exceptions import ParameterError

__all__ = ["FEATURES", "RECIPE_FEATURES", "extract"]

#: Names :func:`extract` computes, each named after the librosa function it equals.
FEATURES: tuple[str, ...] = (
    "melspectrogram",
    "mfcc",
    "chroma_stft",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_contrast",
    "spectral_rolloff",
    "spectral_flatness",
    "zero_crossing_rate",
    "rms",
)


#: Further names :func:`extract` computes on request (not in the default set): the constant-Q
#: chroma features, which share one CQT, and the tempo.
RECIPE_FEATURES: tuple[str, ...] = ("chroma_cqt", "chroma_cens", "tonnetz", "tempo")

_KNOWN = (*FEATURES, *RECIPE_FEATURES)


def _feature_list(features: Any) -> list[str]:
    if features is None:
        return list(FEATURES)
    if isinstance(features, str):
        features = [features]
    if not isinstance(features, Iterable):
        raise ParameterError(f"features={features!r} must be a list of names from {_KNOWN}")
    names = list(dict.fromkeys(features))
    unknown = [f for f in names if f not in _KNOWN]
    if unknown:
        raise ParameterError(f"features: unknown feature(s) {unknown}; choose from {_KNOWN}")
    if not names:
        raise ParameterError("features is empty; choose from " + ", ".join(FEATURES))
    return names


def request_parts(
    names: Iterable[str],
    sr: float,
    n_fft: int,
    freq: np.ndarray,
    *,
    n_mels: int = 128,
    n_mfcc: int = 20,
    n_chroma: int = 12,
    tuning: float | None = None,
    fmin_contrast: float = 200.0,
    n_bands: int = 6,
    roll_percent: float = 0.85,
) -> dict[str, Any]:
    """The core request entries of the fused features ``names`` with :func:`extract`'s
    parameters, for an STFT of ``n_fft`` points whose bins have frequencies ``freq``."""
    names = set(names)
    part: dict[str, Any] = {}
    if "melspectrogram" in names or "mfcc" in names:
        part.update(_requests.mel_part(sr, n_fft, {"n_mels": n_mels}, 2.0))
    if "mfcc" in names:
        part.update(_requests.mfcc_part(n_mfcc, n_mels, 2, "ortho", 0))
    if "chroma_stft" in names:
        part.update(_requests.chroma_part(n_fft, n_chroma, tuning, np.inf, {}))
    if "spectral_contrast" in names:
        try:
            part.update(_requests.contrast_part(freq, sr, fmin_contrast, n_bands, 0.02, False))
        except ParameterError as exc:
            if "Nyquist" not in str(exc):
                raise
            raise ParameterError(
                f"spectral_contrast (one of extract's features): {exc} Pass n_bands / "
                "fmin_contrast, or features without spectral_contrast."
            ) from None
    if "spectral_rolloff" in names:
        part.update(_requests.rolloff_part(roll_percent))
    if "spectral_flatness" in names:
        part.update(_requests.flatness_part(1e-10, 2.0))
    if "spectral_bandwidth" in names:
        part.update(_requests.bandwidth_part(2, True, None, None))
    return part


def extract(
    y: np.ndarray,
    sr: float = 22050,
    features: Iterable[str] | None = None,
    *,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    n_mels: int = 128,
    n_mfcc: int = 20,
    n_chroma: int = 12,
    tuning: float | None = None,
    fmin_contrast: float = 200.0,
    n_bands: int = 6,
    roll_percent: float = 0.85,
    n_threads: int = 1,
    independent: bool = False,
) -> dict[str, np.ndarray]:
    """Compute many features of ``y`` at once, from one framing and FFT pass.

    Each value equals the corresponding single call (``genrefx.feature.<name>`` and so
    ``librosa.feature.<name>``) with the same arguments, within round-off: when a feature that
    needs librosa's float64 FFT is requested (centroid, bandwidth, contrast, rolloff, flatness,
    and chroma with an estimated tuning), the shared pass computes the FFT in float64 for all,
    so mel and mfcc, whose single calls take the float32 FFT, differ from them by its
    round-off: ~1e-7 of the largest value for mel, up to ~3e-6 for mfcc (its dB scale lifts
    the weak bands), both within librosa's tolerances. ``zero_crossing_rate`` and ``rms`` use
    ``frame_length=n_fft``; librosa's whole-array quirks are kept for a batch ``y`` (one tuning
    estimate for all of ``y``, mfcc's and contrast's top_db relative to the maximum over all of
    ``y``) because that is what the single call on the same array returns. With
    ``independent=True`` each signal of a batch is analysed on its own instead: every value
    equals the call on that signal alone (``extract(y[i], ...)``), while the batch still shares
    one call's set-up and spreads over ``n_threads``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Audio, one clip or a batch / channels.
    sr : number > 0
    features : iterable of str or None
        Names from :data:`FEATURES` (``None`` means all of them) and, on request, from
        :data:`RECIPE_FEATURES`: ``chroma_cqt``, ``chroma_cens`` and ``tonnetz`` share one
        constant-Q transform with librosa's defaults (7 octaves of 36 bins, ``hop_length``;
        their tuning estimate rides along in the fused pass when the STFT arguments are
        librosa's defaults, or is ``tuning`` when given); ``tempo`` is
        :func:`genrefx.feature.tempo` with ``hop_length``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT arguments shared by every feature.
    n_mels, n_mfcc, n_chroma, tuning, fmin_contrast, n_bands, roll_percent
        The features' own arguments (``fmin_contrast`` is spectral_contrast's ``fmin``).
    n_threads : int > 0
        Threads over frames and signals (the GIL is released).
    independent : bool
        Treat the signals of a batch ``y`` as separate clips (per-signal tuning and top_db
        maxima, as separate calls) rather than as one array (librosa's behaviour). No effect
        on a single signal.

    Returns
    -------
    dict[str, np.ndarray]
        One entry per requested feature, shaped ``(..., rows, t)`` as the librosa function.

    Raises
    ------
    ParameterError
        Unknown feature names or invalid arguments (named in the message).
    """
    names = _feature_list(features)
    n_threads = check_threads(n_threads)
    y = valid_audio(y)
    if not isinstance(independent, (bool, np.bool_)):
        raise ParameterError(f"independent={independent!r} must be True or False")
    independent = bool(independent) and y.ndim > 1
    tuning = check_tuning(tuning)
    core_names = [n for n in names if n in FEATURES and n != "zero_crossing_rate"]
    cqt_names = [n for n in names if n in ("chroma_cqt", "chroma_cens", "tonnetz")]
    # chroma_cqt's own tuning estimate (librosa: estimate_tuning(y=y, bins_per_octave=36) on
    # a default STFT) rides along in the fused pass when that pass is librosa's default STFT
    fuse_tuning = (
        bool(cqt_names)
        and tuning is None
        and _default_stft(n_fft, hop_length, win_length, window, center, pad_mode)
    )
    if fuse_tuning:
        core_names.append("estimate_tuning")
    n_mels = check_positive_int(n_mels, "n_mels")

    def build(n, f, shape):
        extra = {"bins_per_octave": _CQT_BINS_PER_OCTAVE, "resolution": 0.01} if fuse_tuning else {}
        extra["independent"] = independent
        # f is fft_frequencies(sr, n): the parts depend on the arguments alone, cached (with
        # each argument's type, so that 20.0 is checked as n_mfcc again, not taken for 20)
        values = (n_mels, n_mfcc, n_chroma, tuning, fmin_contrast, n_bands, roll_percent)
        key = tuple((type(v), v) for v in (tuple(names), float(sr), n, *values))
        try:
            return extra | _cached_request_parts(key)
        except TypeError:  # an unhashable argument (or a TypeError of request_parts itself):
            # uncached, so that request_parts' checks say what is wrong
            kwargs = dict(zip(_PART_ARGS, values, strict=True))
            return extra | request_parts(names, float(sr), n, f, **kwargs)

    out: dict[str, np.ndarray] = {}
    if core_names:
        results = compute(
            core_names,
            build,
            y=y,
            S=None,
            sr=sr,
            n_fft=n_fft,
            hop_length=hop_length,
            win_length=win_length,
            window=window,
            center=center,
            pad_mode=pad_mode,
            n_threads=n_threads,
        )
        out.update({k: v for k, v in results.items() if k in names})
        if fuse_tuning:
            out["_cqt_tuning"] = results["estimate_tuning"]
    if "zero_crossing_rate" in names:
        frame_length = check_positive_int(n_fft, "n_fft")
        hop = check_positive_int(hop_length, "hop_length")
        if not center and y.shape[-1] < frame_length:
            raise ParameterError(
                f"y has {y.shape[-1]} samples, fewer than n_fft={frame_length} with center=False"
            )
        out["zero_crossing_rate"] = zero_crossing_rate_of(
            y,
            frame_length,
            hop,
            bool(center),
            1e-10,
            False,
            True,
            n_threads,
            check_finite=not core_names,  # the fused pass checked y already
        )
    if cqt_names:
        cqt_tuning = out.get("_cqt_tuning", tuning)
        if independent and tuning is None:
            # a tuning per signal (estimated in the fused pass, or by each signal's own cqt)
            out.update(
                _per_signal(
                    y,
                    lambda i: _cqt_chroma(
                        y[i],
                        sr,
                        cqt_names,
                        hop_length,
                        n_chroma,
                        None if cqt_tuning is None else float(cqt_tuning[i]),
                    ),
                )
            )
        else:
            out.update(_cqt_chroma(y, sr, cqt_names, hop_length, n_chroma, cqt_tuning))
    if "tempo" in names:
        from .feature.rhythm import tempo as tempo_

        if independent:  # librosa's onset envelope takes its dB reference over all of y
            out.update(
                _per_signal(y, lambda i: {"tempo": tempo_(y=y[i], sr=sr, hop_length=hop_length)})
            )
        else:
            out["tempo"] = tempo_(y=y, sr=sr, hop_length=hop_length)
    return {name: out[name] for name in names}


_CQT_BINS_PER_OCTAVE = 36  # librosa.feature.chroma_cqt's default

# request_parts' keyword arguments, in the order of _cached_request_parts' key
_PART_ARGS = ("n_mels", "n_mfcc", "n_chroma", "tuning", "fmin_contrast", "n_bands", "roll_percent")


@functools.lru_cache(maxsize=64)
def _cached_request_parts(key: tuple) -> dict[str, Any]:
    """request_parts for extract's arguments, once per (typed) argument tuple; the dict is
    shared, so callers copy it (``extra | parts``) and never change its arrays."""
    names, sr, n, *values = (v for _, v in key)
    freq = frequencies(None, sr, n, n // 2 + 1)
    return request_parts(names, sr, n, freq, **dict(zip(_PART_ARGS, values, strict=True)))


def _per_signal(y: np.ndarray, fn) -> dict[str, np.ndarray]:
    """``fn(index)`` (a dict of arrays) for each signal of the batch ``y`` (..., n), stacked
    back into the batch's leading shape."""
    lead = y.shape[:-1]
    parts = [fn(idx) for idx in np.ndindex(*lead)]
    return {k: np.stack([p[k] for p in parts]).reshape(*lead, *parts[0][k].shape) for k in parts[0]}


def _default_stft(n_fft, hop_length, win_length, window, center, pad_mode) -> bool:
    """Whether these are librosa's default STFT arguments (estimate_tuning's own STFT)."""
    return (
        n_fft == 2048
        and hop_length == 512
        and win_length in (None, 2048)
        and isinstance(window, str)
        and window == "hann"
        and bool(center)
        and pad_mode == "constant"
    )


def _cqt_chroma(y, sr, names, hop_length, n_chroma, tuning) -> dict[str, np.ndarray]:
    """chroma_cqt / chroma_cens / tonnetz of ``y`` with librosa's defaults, from ONE CQT
    (7 octaves of 36 bins, tuning estimated when None)."""
    from .constantq import cqt
    from .feature.chroma_cqt import chroma_cens, chroma_cqt
    from .feature.tonnetz import tonnetz

    bpo = _CQT_BINS_PER_OCTAVE
    if bpo % n_chroma:
        raise ParameterError(
            f"n_chroma={n_chroma}: chroma_cqt's bins_per_octave={bpo} must be a multiple of it"
        )
    C = np.abs(
        cqt(y, sr=sr, hop_length=hop_length, n_bins=7 * bpo, bins_per_octave=bpo, tuning=tuning)
    )
    out: dict[str, np.ndarray] = {}
    if "chroma_cqt" in names or "tonnetz" in names:
        out["chroma_cqt"] = chroma_cqt(C=C, n_chroma=n_chroma, bins_per_octave=bpo)
    if "chroma_cens" in names:
        out["chroma_cens"] = chroma_cens(C=C, n_chroma=n_chroma, bins_per_octave=bpo)
    if "tonnetz" in names:
        out["tonnetz"] = tonnetz(chroma=out["chroma_cqt"])
    return out
