"""Onset strength and onset detection, mirroring ``librosa.onset``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import _core
from ._framing import stft_arguments
from ._validation import check_positive, check_positive_int
from .exceptions import ParameterError
from .feature.mel import _melspectrogram, melspectrogram
from .spectrum import power_to_db
from .time_units import frames_to_samples, frames_to_time
from .util import fix_frames, peak_pick, tiny

__all__ = ["onset_backtrack", "onset_detect", "onset_strength"]


def _mel_from_fft64(*, y, sr, n_fft, hop_length, **kwargs):
    """:func:`genrefx.feature.melspectrogram` computed from the float64 FFT."""
    framing_args = stft_arguments(
        n_fft,
        hop_length,
        kwargs.pop("win_length", None),
        kwargs.pop("window", "hann"),
        kwargs.pop("center", True),
        kwargs.pop("pad_mode", "constant"),
    )
    power = kwargs.pop("power", 2.0)
    return _melspectrogram(y, sr, None, framing_args, power, kwargs, fft64=True)


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
    if feature is None or feature is melspectrogram:
        # librosa's mel, from the float64 FFT: the envelope of a steady tone is made of its
        # mel's bands 60-80 dB down, whose float32 FFT round-off put it 2e-4 off
        feature = _mel_from_fft64
        kwargs.setdefault("fmax", 0.5 * sr)
    if aggregate is None:
        aggregate = np.mean
    lag = check_positive_int(lag, "lag")
    max_size = check_positive_int(max_size, "max_size")

    if S is None:
        if y is None:
            raise ParameterError("Either y or S must be provided")
        S = np.abs(feature(y=y, sr=sr, n_fft=n_fft, hop_length=hop_length, **kwargs))
        S = power_to_db(S)
    S = np.atleast_2d(np.asarray(S))

    if ref is None:
        if max_size == 1:
            ref = S
        else:
            import scipy.ndimage

            ref = scipy.ndimage.maximum_filter1d(S, max_size, axis=-2)
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
        import scipy.signal

        onset_env = scipy.signal.lfilter([1.0, -1.0], [1.0, -0.99], onset_env, axis=-1)
    if center:
        onset_env = onset_env[..., : S.shape[-1]]
    return onset_env[..., 0, :]


def _peak_pick_defaults(sr: Any, hop_length: Any) -> dict[str, Any]:
    """onset_detect's peak_pick parameters (librosa's large-scale search), in frames."""
    # (a numpy zero would divide with a warning, and its inf be blamed on pre_max)
    check_positive(hop_length, "hop_length")
    try:
        return {
            "pre_max": 0.03 * sr // hop_length,  # 30 ms
            "post_max": 0.00 * sr // hop_length + 1,  # 0 ms
            "pre_avg": 0.10 * sr // hop_length,  # 100 ms
            "post_avg": 0.10 * sr // hop_length + 1,  # 100 ms
            "wait": 0.03 * sr // hop_length,  # 30 ms
            "delta": 0.07,
        }
    except TypeError:
        raise ParameterError(f"sr={sr!r} must be a number") from None


def onset_detect(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    onset_envelope: np.ndarray | None = None,
    hop_length: int = 512,
    backtrack: bool = False,
    energy: np.ndarray | None = None,
    units: str = "frames",
    normalize: bool = True,
    sparse: bool = True,
    **kwargs: Any,
) -> np.ndarray:
    """Locate note onsets by picking peaks in an onset strength envelope; mirrors
    ``librosa.onset.onset_detect``.

    The envelope (:func:`onset_strength` of ``y`` unless given) is scaled to [0, 1] along its
    last axis (``normalize``), and :func:`genrefx.util.peak_pick` picks its peaks with
    librosa's defaults: ``pre_max = 0.03 sr // hop_length``, ``post_max = 1``,
    ``pre_avg = 0.10 sr // hop_length``, ``post_avg = 0.10 sr // hop_length + 1``,
    ``wait = 0.03 sr // hop_length`` and ``delta = 0.07`` (30 ms, 100 ms; 1, 1, 4, 5, 1 frames
    at 22050 Hz and a hop of 512), each replaced by the one in ``kwargs`` if given.

    Reproduced behaviour of librosa: an envelope that is zero everywhere or not finite
    somewhere (over all channels) gives no onsets (an empty int array, or all False) without
    looking at ``units``; ``units`` is only read when ``sparse``; multichannel input needs
    ``sparse=False`` unless there are no onsets; with ``backtrack``, picking no peak at all
    raises librosa's "Attempting to match empty event list".

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio (multichannel with ``sparse=False``).
    sr : number > 0
        Sampling rate.
    onset_envelope : np.ndarray [shape=(..., m)] or None
        A precomputed onset strength envelope; then ``y`` is not used.
    hop_length : int > 0
        Samples between envelope frames.
    backtrack : bool
        Move each onset back to the nearest preceding local minimum of ``energy`` (see
        :func:`onset_backtrack`); needs ``sparse=True``.
    energy : np.ndarray [shape=(m,)] or None
        The function to backtrack on (default: the normalized envelope).
    units : {"frames", "samples", "time"}
        Units of the sparse onsets: frame indices, ``frames * hop_length`` as int, or
        seconds (those samples ``/ sr``).
    normalize : bool
        Scale the envelope to [0, 1] first: ``(e - min) / (max - min + tiny(e))``.
    sparse : bool
        True: an array of onsets; False: a boolean array of the envelope's shape.
    **kwargs
        ``pre_max``, ``post_max``, ``pre_avg``, ``post_avg``, ``delta``, ``wait`` of
        :func:`genrefx.util.peak_pick`.

    Returns
    -------
    onsets : np.ndarray [shape=(n_onsets,) or onset_envelope.shape]
        int64 frames or samples, float64 seconds, or booleans (``sparse=False``).

    Raises
    ------
    ParameterError
        If neither ``y`` nor ``onset_envelope`` is given, ``units`` is unknown, ``backtrack``
        is set without ``sparse``, the envelope cannot be normalized (not floating-point or
        without frames: numpy errors in librosa), ``hop_length`` is not a positive number
        when there are peaks to pick or ``units`` is "samples" or "time" (``sr`` too for
        "time"), a peak_pick argument is invalid, or ``sparse`` is set for a multichannel
        envelope with onsets.

    See Also
    --------
    librosa.onset.onset_detect : the reference implementation.
    onset_strength, onset_backtrack, genrefx.util.peak_pick

    Examples
    --------
    >>> y = np.zeros(22050, dtype=np.float32)
    >>> y[[5000, 12000]] = 1.0
    >>> genrefx.onset.onset_detect(y=y, sr=22050, units="time")
    array([0.23219955, 0.55727891])
    """
    if onset_envelope is None:
        if y is None:
            raise ParameterError("y or onset_envelope must be provided")
        onset_envelope = onset_strength(y=y, sr=sr, hop_length=hop_length)
    onset_envelope = np.asanyarray(onset_envelope)
    if normalize:
        if not np.issubdtype(onset_envelope.dtype, np.floating):
            # (librosa: numpy's casting error dividing an integer array in place)
            raise ParameterError(
                f"onset_envelope has dtype {onset_envelope.dtype}; normalize=True needs a "
                "floating-point envelope"
            )
        if onset_envelope.ndim and onset_envelope.shape[-1] == 0:
            # (librosa: numpy's zero-size reduction error; a 0-d envelope normalizes to 0)
            raise ParameterError(
                f"onset_envelope of shape {onset_envelope.shape} has no frames to normalize"
            )
        # scale to [0, 1] along the frames
        onset_envelope = onset_envelope - np.min(onset_envelope, keepdims=True, axis=-1)
        onset_envelope /= np.max(onset_envelope, keepdims=True, axis=-1) + tiny(onset_envelope)

    if not onset_envelope.any() or not np.all(np.isfinite(onset_envelope)):
        # nothing to pick
        onsets = np.array([], dtype=int) if sparse else np.zeros_like(onset_envelope, dtype=bool)
    else:
        for name, value in _peak_pick_defaults(sr, hop_length).items():
            kwargs.setdefault(name, value)
        onsets = peak_pick(onset_envelope, sparse=sparse, axis=-1, **kwargs)
        if backtrack:
            if not sparse:
                raise ParameterError("onset backtracking is only supported if sparse=True")
            onsets = onset_backtrack(onsets, onset_envelope if energy is None else energy)

    if sparse:
        if units == "frames":
            pass
        elif units == "samples":
            onsets = frames_to_samples(onsets, hop_length=hop_length)
        elif units == "time":
            onsets = frames_to_time(onsets, hop_length=hop_length, sr=sr)
        else:
            raise ParameterError(f"Invalid unit type: units={units!r}")
    return onsets


def onset_backtrack(events: np.ndarray, energy: np.ndarray) -> np.ndarray:
    """Move onset events back to the nearest preceding local minimum of an energy function;
    mirrors ``librosa.onset.onset_backtrack``.

    The minima are the frames ``i`` with ``energy[i] <= energy[i-1]`` and
    ``energy[i] < energy[i+1]``, plus frame 0; each event goes to the last minimum at or
    before it (librosa's ``match_events(..., right=False)``, here a ``np.searchsorted``).
    As in librosa, the minima are found along ``energy``'s first axis and flattened (a
    (1, m) energy has none, and every event goes to 0: pass ``rms[0]``, not ``rms``).

    Parameters
    ----------
    events : np.ndarray [shape=(n,)]
        Onset frames, as :func:`onset_detect` returns them.
    energy : np.ndarray [shape=(m,)]
        The energy function (e.g. the onset envelope or an RMS curve). A list is converted
        with ``np.asarray`` (librosa compares lists lexicographically).

    Returns
    -------
    events_backtracked : np.ndarray [shape=(n,), dtype=int]
        The events moved to minima, in their order.

    Raises
    ------
    ParameterError
        If ``events`` is empty (librosa's "Attempting to match empty event list"), not
        one-dimensional, not finite, or has a negative frame.

    See Also
    --------
    librosa.onset.onset_backtrack : the reference implementation.
    onset_detect

    Examples
    --------
    >>> energy = np.array([3.0, 1.0, 2.0, 5.0, 4.0, 0.5, 6.0])
    >>> genrefx.onset.onset_backtrack(np.array([3, 6]), energy)
    array([1, 5])
    """
    energy = np.asanyarray(energy)
    if energy.ndim == 0:  # (librosa: numpy's IndexError)
        raise ParameterError("energy must have at least one dimension, got a 0-d array")
    minima = np.flatnonzero((energy[1:-1] <= energy[:-2]) & (energy[1:-1] < energy[2:]))
    # frame 0 for events before any minimum; +1 for the slicing above
    minima = fix_frames(1 + minima, x_min=0)
    events = np.asarray(events)
    if events.ndim != 1:  # (librosa: numba or numpy errors)
        raise ParameterError(f"events must be one-dimensional, got shape {events.shape}")
    if len(events) == 0:
        raise ParameterError("Attempting to match empty event list")
    if events.dtype.kind not in "biuf":
        raise ParameterError(f"events must be frame numbers, got dtype {events.dtype}")
    if not np.isfinite(events).all():
        raise ParameterError("events must be finite")
    if minima[0] > np.min(events):
        raise ParameterError(
            "Cannot match events with right=False and min(events_to) > min(events_from): "
            f"events has a negative frame ({np.min(events)})"
        )
    return minima[np.searchsorted(minima, events, side="right") - 1]
