"""Onset strength, mirroring ``librosa.onset.onset_strength``."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.ndimage
import scipy.signal

from . import _core
from .exceptions import ParameterError
from .feature.mel import melspectrogram
from .spectrum import power_to_db

__all__ = ["onset_strength"]


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ParameterError(f"{name}={value!r} must be a positive integer")
    return int(value)


def onset_strength(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    lag: int = 1,
    max_size: int = 1,
    ref: np.ndarray | None = None,
    detrend: bool = False,
    center: bool = True,
    feature: Callable | None = None,
    aggregate: Callable | Any | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """Spectral flux onset strength envelope; mirrors ``librosa.onset.onset_strength``.

    With the defaults, ``S = power_to_db(melspectrogram(y, sr, n_fft=2048, hop_length=512,
    fmax=sr / 2))`` comes from the core's fused STFT + sparse mel pass, then::

        onset[t] = aggregate_f max(0, S[f, t] - ref[f, t - lag])

    where ``ref`` is ``S`` after a maximum filter of ``max_size`` bins along frequency (``S``
    itself for ``max_size=1``) and ``aggregate`` is ``np.mean``. The envelope is shifted right
    by ``lag`` frames (plus ``n_fft // (2 hop_length)`` when ``center``) with zeros, optionally
    detrended by the high-pass ``lfilter([1, -1], [1, -0.99])``, and trimmed to ``S``'s frames
    when centred.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio; leading dimensions are channels or a batch.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., d, m)] or None
        A precomputed (log-power) spectrogram; then ``y`` is not used.
    lag : int > 0
        Time lag of the difference, in frames.
    max_size : int > 0
        Size of the local maximum filter along frequency (1: none).
    ref : np.ndarray [shape=(..., d, m)] or None
        A reference spectrogram instead of the filtered ``S``.
    detrend : bool
        Remove the DC component with a high-pass filter.
    center : bool
        Shift the envelope to the centred frames of the STFT.
    feature : callable or None
        The spectrogram function (``feature(y=y, sr=sr, n_fft=, hop_length=, **kwargs)``);
        ``None``: :func:`genrefx.feature.melspectrogram` with ``fmax=sr / 2`` by default.
    aggregate : callable or None
        Aggregation over frequency (``np.mean`` by default; ``np.median`` for beat tracking).
        ``False`` is not allowed (see librosa.onset.onset_strength_multi); any other value
        that is not callable aggregates nothing, as in librosa: the envelope is then the first
        band's flux.
    **kwargs
        ``n_fft=2048``, ``hop_length=512`` and anything else ``feature`` takes.

    Returns
    -------
    onset_envelope : np.ndarray [shape=(..., m)]
        float32 for float32 audio with the default feature (the spectrogram's dtype).

    Raises
    ------
    ParameterError
        If neither ``y`` nor ``S`` is given, ``lag`` or ``max_size`` is not a positive integer,
        ``aggregate`` is False, ``ref`` does not match ``S``, or the audio is invalid.

    See Also
    --------
    librosa.onset.onset_strength : the reference implementation.
    genrefx.feature.tempo, genrefx.beat.beat_track : its main consumers.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> genrefx.onset.onset_strength(y=y, sr=22050).shape
    (44,)
    """
    if aggregate is False:
        raise ParameterError(
            "aggregate parameter cannot be False when computing full-spectrum onset strength."
        )
    n_fft = kwargs.pop("n_fft", 2048)
    hop_length = kwargs.pop("hop_length", 512)
    if feature is None:
        feature = melspectrogram
        kwargs.setdefault("fmax", 0.5 * sr)
    if aggregate is None:
        aggregate = np.mean
    lag = _positive_int(lag, "lag")
    max_size = _positive_int(max_size, "max_size")

    if S is None:
        if y is None:
            raise ParameterError("Either y or S must be provided")
        S = np.abs(feature(y=y, sr=sr, n_fft=n_fft, hop_length=hop_length, **kwargs))
        S = power_to_db(S)
    S = np.atleast_2d(np.asarray(S))

    if ref is None:
        ref = S if max_size == 1 else scipy.ndimage.maximum_filter1d(S, max_size, axis=-2)
    else:
        ref = np.asarray(ref)
        if ref.shape != S.shape:
            raise ParameterError(
                f"Reference spectrum shape {ref.shape} must match input spectrum {S.shape}"
            )

    onset_env = S[..., lag:] - ref[..., :-lag]
    onset_env = np.maximum(0.0, onset_env)
    # librosa.util.sync over one slice of all rows
    if not callable(aggregate):
        # librosa aggregates only with a callable: any other value (True, "median", ...)
        # leaves the bands apart, and onset_strength returns the first one
        onset_env = onset_env[..., :1, :]
    elif aggregate is np.median and onset_env.dtype == np.float32 and onset_env.size > 0:
        # the core's per-frame median (np.median's values, without its full partition)
        rows, cols = onset_env.shape[-2], onset_env.shape[-1]
        flat = np.ascontiguousarray(np.swapaxes(onset_env.reshape(-1, rows, cols), 0, 1))
        med = _core.median_rows(flat.reshape(rows, -1), 1)
        onset_env = med.reshape(*onset_env.shape[:-2], 1, cols)
    else:
        # librosa.util.sync's assignment of aggregate(x, axis=-2) (no keepdims: a function
        # without that keyword works, and its result is broadcast and cast to the flux' dtype)
        aggregated = np.empty((*onset_env.shape[:-2], 1, onset_env.shape[-1]), onset_env.dtype)
        aggregated[..., 0, :] = aggregate(onset_env, axis=-2)
        onset_env = aggregated

    pad_width = lag
    if center:
        # counter-act framing effects: shift the onsets by n_fft / hop_length
        pad_width += n_fft // (2 * hop_length)
    padding = [(0, 0)] * onset_env.ndim
    padding[-1] = (int(pad_width), 0)
    onset_env = np.pad(onset_env, padding, mode="constant")
    if detrend:
        onset_env = scipy.signal.lfilter([1.0, -1.0], [1.0, -0.99], onset_env, axis=-1)
    if center:
        onset_env = onset_env[..., : S.shape[-1]]
    return onset_env[..., 0, :]
