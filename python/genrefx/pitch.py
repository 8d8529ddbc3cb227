"""Tuning estimation, mirroring ``librosa.estimate_tuning``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._engine import compute
from ._validation import check_positive_int
from .exceptions import ParameterError

__all__ = ["estimate_tuning"]

# STFT keywords estimate_tuning passes on to piptrack's spectrogram
_STFT_KEYS = ("hop_length", "win_length", "window", "center", "pad_mode")
# piptrack's keyword defaults as estimate_tuning uses them; the core implements these only
_PIPTRACK_DEFAULTS = {"fmin": 150.0, "fmax": 4000.0, "threshold": 0.1, "ref": None}


def estimate_tuning(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int | None = 2048,
    resolution: float = 0.01,
    bins_per_octave: int = 12,
    **kwargs: Any,
) -> float:
    """Estimate the tuning deviation (in fractions of a bin) of ``y`` or a spectrogram ``S``;
    mirrors ``librosa.estimate_tuning``.

    As librosa: ``librosa.piptrack`` on the magnitude spectrogram (n_fft, hop_length, window,
    center, pad_mode from ``kwargs``; peaks between 150 and 4000 Hz above 10 % of the frame
    maximum, parabolically interpolated), the median peak magnitude as threshold, then the
    mode of a ``resolution``-wide histogram of the remaining pitches' deviations from the
    ``bins_per_octave`` grid (``librosa.pitch_tuning``). One estimate for the whole input,
    all channels together.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
    sr : number > 0
    S : np.ndarray [shape=(..., d, t)] or None
        A spectrogram, used instead of ``y``; its magnitude is taken, as librosa's piptrack
        does (so a complex STFT works too).
    n_fft : int > 0 or None
    resolution : float in [1e-6, 1)
        The histogram's bin width (librosa accepts any value in (0, 1); below 1e-6 its
        histogram would have millions of bins).
    bins_per_octave : int > 0
    **kwargs
        hop_length, win_length, window, center, pad_mode of the STFT; piptrack's fmin,
        fmax and threshold (150, 4000, 0.1), and its ref at its default None only.

    Returns
    -------
    tuning : np.float64 in [-0.5, 0.5)

    See Also
    --------
    librosa.estimate_tuning, librosa.piptrack, librosa.pitch_tuning
    """
    piptrack_args = {}
    for name, default in _PIPTRACK_DEFAULTS.items():
        value = kwargs.pop(name, default)
        if name == "ref":
            if value is not None:
                raise ParameterError(
                    f"estimate_tuning supports piptrack's ref=None only, got {value!r}"
                )
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ParameterError(f"piptrack's {name}={value!r} must be a real number")
        if not np.isfinite(value) and not (name == "fmax" and value == np.inf):
            raise ParameterError(f"piptrack's {name}={value!r} must be finite")
        piptrack_args[f"tuning_{name}"] = float(value)
    bins_per_octave = check_positive_int(bins_per_octave, "bins_per_octave")
    if not 1e-6 <= float(resolution) < 1.0:
        # (librosa takes any value in (0, 1); its histogram has ceil(1 / resolution) bins)
        raise ParameterError(f"resolution={resolution} must be in [1e-06, 1)")
    stft_args = {k: kwargs.pop(k) for k in list(kwargs) if k in _STFT_KEYS}
    if kwargs:
        raise ParameterError(f"unexpected keyword arguments: {sorted(kwargs)}")
    if isinstance(S, np.ndarray) and (
        np.iscomplexobj(S) or (np.issubdtype(S.dtype, np.number) and np.any(S < 0))
    ):
        S = np.abs(S)  # piptrack: "Make sure we're dealing with magnitudes"
    request = {"bins_per_octave": bins_per_octave, "resolution": float(resolution)}
    tuning = compute(
        ["estimate_tuning"],
        # (n: the n_fft librosa's piptrack uses, an odd one too, for the bins' frequencies)
        lambda n, f, shape: {**request, **piptrack_args, "tuning_n_fft": float(n)},
        y=y,
        S=S,
        sr=sr,
        n_fft=2048 if n_fft is None else n_fft,
        **{"hop_length": None, **stft_args},
    )["estimate_tuning"]
    return np.float64(tuning)  # librosa's type
