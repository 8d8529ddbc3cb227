"""Tempo estimation, mirroring ``librosa.feature.tempo`` (``librosa.feature.rhythm``)."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _core
from ..exceptions import ParameterError
from ..filters import stft_window

__all__ = ["tempo", "tempogram"]


def _time_to_frames(seconds: float, sr: float, hop_length: int) -> int:
    """librosa.time_to_frames for a scalar: floor(int(seconds * sr) // hop_length)."""
    samples = int(np.asarray(seconds * sr).astype(int))
    return int(np.floor(samples // hop_length))


def _check_positive(value: Any, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name}={value!r} must be a positive number")
    if not value > 0 or not np.isfinite(value):
        raise ParameterError(f"{name}={value} must be strictly positive and finite")
    return float(value)


def _check_hop(hop_length: Any) -> int:
    if isinstance(hop_length, (bool, np.bool_)) or not isinstance(hop_length, numbers.Integral):
        raise ParameterError(f"hop_length={hop_length!r} must be a positive integer")
    if hop_length < 1:
        raise ParameterError(f"hop_length={hop_length} must be a positive integer")
    return int(hop_length)


def tempo_frequencies(n_bins: int, *, hop_length: int = 512, sr: float = 22050) -> np.ndarray:
    """BPM of each tempogram lag; mirrors ``librosa.tempo_frequencies`` (lag 0 is ``inf``)."""
    bin_frequencies = np.zeros(int(n_bins), dtype=np.float64)
    bin_frequencies[0] = np.inf
    bin_frequencies[1:] = 60.0 * sr / (hop_length * np.arange(1.0, n_bins))
    return bin_frequencies


def tempogram(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    onset_envelope: np.ndarray | None = None,
    hop_length: int = 512,
    win_length: int = 384,
    center: bool = True,
    window: Any = "hann",
    norm: float | None = np.inf,
    n_threads: int = 1,
) -> np.ndarray:
    """Local autocorrelation of the onset strength envelope; mirrors
    ``librosa.feature.tempogram``.

    Frames of ``win_length`` envelope samples (hop 1; centred frames pad the envelope with
    ``np.pad(mode="linear_ramp")`` to 0), times the window, are autocorrelated by the core in
    float64 and divided by their largest value (``norm=np.inf``, the only norm genrefx
    computes; ``norm=None`` is also accepted and leaves them unnormalized). For the default
    "hann" window the core carries five windowed running sums per lag from frame to frame
    (``w[i] w[i + k]`` is a trigonometric polynomial of degree 2 in ``i``), restarted exactly
    every 128 frames, and redoes frames of tiny relative energy by FFT: O(win_length) per frame,
    within ~1e-12 of the FFT result; other windows use a float64 FFT per frame, as librosa::

        tg[k, t] = sum_i x_t[i] x_t[i + k] / max_k |sum_i x_t[i] x_t[i + k]|

    Parameters
    ----------
    y, sr, hop_length
        Audio, its sampling rate and the envelope's hop (used when ``onset_envelope`` is None).
    onset_envelope : np.ndarray [shape=(..., n)] or None
        Precomputed :func:`genrefx.onset.onset_strength`.
    win_length : int > 0
        Lags (frames) per autocorrelation window.
    center : bool
        Centre the windows on the frames.
    window : str, tuple, callable or array
        Autocorrelation window (``librosa.filters.get_window``).
    norm : np.inf or None
        Normalization of each frame over the lags.
    n_threads : int > 0
        Threads over frames and channels.

    Returns
    -------
    tempogram : np.ndarray [shape=(..., win_length, n)], float64

    See Also
    --------
    librosa.feature.tempogram : the reference implementation.
    """
    from ..onset import onset_strength

    if isinstance(win_length, (bool, np.bool_)) or not isinstance(win_length, numbers.Integral):
        raise ParameterError(f"win_length={win_length!r} must be a positive integer")
    if win_length < 1:
        raise ParameterError(f"win_length={win_length} must be a positive integer")
    if norm is not None and norm != np.inf:
        raise ParameterError(f"norm={norm!r} is not supported by genrefx; use np.inf or None")
    win_length = int(win_length)
    ac_window = stft_window(window, win_length, win_length)  # get_window(fftbins=True), cached
    if onset_envelope is None:
        if y is None:
            raise ParameterError("Either y or onset_envelope must be provided")
        onset_envelope = onset_strength(y=y, sr=sr, hop_length=hop_length)
    onset_envelope = np.asarray(onset_envelope)
    if onset_envelope.ndim < 1 or onset_envelope.shape[-1] < 1:
        raise ParameterError(
            f"onset_envelope must have shape (..., n) with n >= 1, got {onset_envelope.shape}"
        )
    if not np.isfinite(onset_envelope).all():
        raise ParameterError("onset_envelope is not finite everywhere")
    n = onset_envelope.shape[-1]
    lead = onset_envelope.shape[:-1]
    env = onset_envelope.reshape(-1, n)
    if center:
        # librosa's np.pad(mode="linear_ramp", end_values=0) itself, on the envelope's own
        # shape: under NumPy 1's value-based casting its ramp's rounding depends on the
        # dtype and the number of dimensions (float64 for 1-d input, float32 for 2-d float32);
        # under NumPy 2 (NEP 50) it is computed in float64
        p = win_length // 2
        if p > 0:
            pads = [(0, 0)] * (onset_envelope.ndim - 1) + [(p, p)]
            env = np.pad(onset_envelope, pads, mode="linear_ramp", end_values=[0, 0])
            env = env.reshape(-1, env.shape[-1])
    n_frames = 1 + env.shape[-1] - win_length
    if center:
        n_frames = min(n_frames, n)
    if n_frames < 1:
        raise ParameterError(
            f"onset_envelope has {n} frames, fewer than win_length={win_length} (center=False)"
        )
    # the core frames float32 envelopes (librosa's are float32); float64 ones are rounded
    padded = np.ascontiguousarray(env, dtype=np.float32)
    window64 = np.ascontiguousarray(ac_window, dtype=np.float64)
    if norm is None:
        import scipy.fft

        frames = np.lib.stride_tricks.sliding_window_view(padded, win_length, axis=-1)
        x = frames[:, :n_frames, :] * window64
        n_pad = 2 * win_length - 1
        spec = scipy.fft.rfft(x, n=n_pad, axis=-1)  # librosa.autocorrelate's fftlib: scipy.fft
        ac = scipy.fft.irfft(spec.real**2 + spec.imag**2, n=n_pad, axis=-1)[..., :win_length]
        tg = np.swapaxes(ac, -1, -2)
    else:
        # librosa's default window: O(win_length) per frame through running trigonometric
        # sums (frames with tiny energy redone through the exact FFT); any other: the FFT
        hann = isinstance(window, str) and window == "hann" and win_length >= 4
        tg = _core.tempogram(padded, n_frames, window64, int(n_threads), hann)
    return tg.reshape(*lead, win_length, n_frames)


def tempo(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    onset_envelope: np.ndarray | None = None,
    tg: np.ndarray | None = None,
    hop_length: int = 512,
    start_bpm: float = 120,
    std_bpm: float = 1.0,
    ac_size: float = 8.0,
    max_tempo: float | None = 320.0,
    aggregate: Callable[..., Any] | None = np.mean,
    prior: Any = None,
) -> np.ndarray:
    """Estimate the tempo (beats per minute); mirrors ``librosa.feature.tempo``.

    The tempogram (:func:`tempogram`, ``win_length = time_to_frames(ac_size)`` lags), averaged
    over time by ``aggregate``, is weighted by a log-normal prior around ``start_bpm`` and the
    best lag is taken [1]_::

        tempo = bpm[argmax_k log1p(1e6 tg[k]) - 0.5 ((log2 bpm[k] - log2 start_bpm) / std_bpm)^2]

    over lags with ``bpm[k] < max_tempo`` (``bpm[k] = 60 sr / (hop_length k)``).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio (used when neither ``onset_envelope`` nor ``tg`` is given).
    sr : number > 0
        Sampling rate.
    onset_envelope : np.ndarray [shape=(..., n)] or None
        Precomputed :func:`genrefx.onset.onset_strength`.
    tg : np.ndarray [shape=(..., win_length, n)] or None
        Precomputed tempogram; ``win_length`` is taken from it.
    hop_length : int > 0
        Hop of the envelope, in samples.
    start_bpm : float > 0
        Centre of the prior.
    std_bpm : float > 0
        Its standard deviation, in octaves.
    ac_size : float > 0
        Autocorrelation window, in seconds.
    max_tempo : float > 0 or None
        Only tempi below this are estimated.
    aggregate : callable or None
        Aggregation over time (``None``: one tempo per frame).
    prior : scipy.stats.rv_continuous or None
        A prior over BPM (``prior.logpdf``) replacing the log-normal one.

    Returns
    -------
    tempo : np.ndarray [shape=(..., 1) or (..., n)], float64

    Raises
    ------
    ParameterError
        If ``start_bpm <= 0``, nothing to estimate from is given, or an input is invalid.

    See Also
    --------
    librosa.feature.tempo : the reference implementation.
    genrefx.beat.beat_track : beat positions from the same envelope.

    References
    ----------
    .. [1] Ellis, Daniel P.W. "Beat tracking by dynamic programming."
       Journal of New Music Research 36.1 (2007): 51-60.

    Examples
    --------
    >>> sr = 22050
    >>> clicks = np.zeros(10 * sr, dtype=np.float32)
    >>> clicks[:: sr // 2] = 1.0  # 120 BPM
    >>> float(genrefx.feature.tempo(y=clicks, sr=sr)[0])  # doctest: +SKIP
    117.45383523
    """
    if isinstance(start_bpm, (bool, np.bool_)) or not isinstance(start_bpm, numbers.Real):
        raise ParameterError(f"start_bpm={start_bpm!r} must be a positive number")
    if start_bpm <= 0:
        raise ParameterError(f"start_bpm={start_bpm} must be strictly positive")
    sr = _check_positive(sr, "sr")
    hop_length = _check_hop(hop_length)
    if tg is None:
        ac_size = _check_positive(ac_size, "ac_size")
        win_length = _time_to_frames(ac_size, sr, hop_length)
        tg = tempogram(
            y=y,
            sr=sr,
            onset_envelope=onset_envelope,
            hop_length=hop_length,
            win_length=win_length,
        )
    else:
        tg = np.asarray(tg)
        if tg.ndim < 2:
            raise ParameterError(f"tg must have shape (..., win_length, n), got {tg.shape}")
        win_length = tg.shape[-2]
    if aggregate is not None:
        tg = aggregate(tg, axis=-1, keepdims=True)

    bpms = tempo_frequencies(win_length, hop_length=hop_length, sr=sr)
    if prior is None:
        std_bpm = _check_positive(std_bpm, "std_bpm")
        with np.errstate(divide="ignore", invalid="ignore"):
            logprior = -0.5 * ((np.log2(bpms) - np.log2(start_bpm)) / std_bpm) ** 2
    else:
        logprior = prior.logpdf(bpms)
    if max_tempo is not None:
        max_idx = int(np.argmax(bpms < max_tempo))
        logprior[:max_idx] = -np.inf
    # explicit axis expansion: the lags are axis -2
    logprior = np.asarray(logprior).reshape(win_length, 1)
    with np.errstate(invalid="ignore"):
        best_period = np.argmax(np.log1p(1e6 * tg) + logprior, axis=-2)
    return np.take(bpms, best_period)
