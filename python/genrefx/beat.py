"""Beat tracking, mirroring ``librosa.beat.beat_track``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import _core
from .exceptions import ParameterError
from .feature.rhythm import tempo as _tempo
from .onset import onset_strength

__all__ = ["beat_track"]


def _last_beat(cumscore: np.ndarray) -> int:
    """librosa.beat.__last_beat: the last local maximum of cumscore reaching half the median
    of its local maxima."""
    x = cumscore
    lmax = np.zeros(x.shape, dtype=bool)
    if x.shape[-1] > 1:
        lmax[1:-1] = (x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:])
        lmax[-1] = x[-1] > x[-2]
    # np.ma.median of the local maxima, as numpy.ma computes it for 1-D data: the middle
    # value, or the sum of the two middle ones divided by 2
    peaks = np.sort(x[lmax])
    if peaks.size == 0:
        return len(x) - 1  # librosa: no candidate, the last frame
    idx, odd = divmod(peaks.size, 2)
    median = peaks[idx] if odd else (peaks[idx - 1] + peaks[idx]) / 2.0
    threshold = 0.5 * median
    candidates = np.flatnonzero(lmax & (x >= threshold))
    return int(candidates[-1]) if candidates.size else len(x) - 1


def _trim_beats(localscore: np.ndarray, beats: np.ndarray, trim: bool) -> np.ndarray:
    """librosa.beat.__trim_beats (including its use of every frame's local score)."""
    out = beats.copy()
    w = np.hanning(5)
    smooth_boe = np.convolve(localscore[beats], w)[len(w) // 2 : len(localscore) + len(w) // 2]
    threshold = 0.5 * ((smooth_boe**2).mean() ** 0.5) if trim else 0.0
    n = 0
    while n < len(localscore) and localscore[n] <= threshold:
        out[n] = False
        n += 1
    n = len(localscore) - 1
    while n >= 0 and localscore[n] <= threshold:
        out[n] = False
        n -= 1
    return out


def _beat_tracker(
    onset_envelope: np.ndarray, bpm: np.ndarray, frame_rate: float, tightness: float, trim: bool
) -> np.ndarray:
    if np.any(bpm <= 0):
        raise ParameterError(f"bpm={bpm} must be strictly positive")
    if not tightness > 0:
        raise ParameterError(f"tightness={tightness} must be strictly positive")
    if bpm.shape[-1] not in (1, onset_envelope.shape[-1]):
        raise ParameterError(
            f"Invalid bpm shape={bpm.shape} does not match onset envelope "
            f"shape={onset_envelope.shape}"
        )
    frames_per_beat = np.round(frame_rate * 60.0 / bpm)
    if np.any(frames_per_beat < 1):
        # (librosa runs its dynamic programme with 0 frames per beat: a meaningless answer)
        raise ParameterError(
            f"bpm={bpm.max() if bpm.size > 1 else bpm.item():g} is more than two beats per "
            f"frame at this frame rate ({frame_rate:g} frames/s): frames per beat rounds to 0"
        )
    # __normalize_onsets, in the envelope's precision
    norm = onset_envelope.std(ddof=1, axis=-1, keepdims=True)
    onsets = onset_envelope / (norm + np.finfo(onset_envelope.dtype).tiny)
    lead = onsets.shape[:-1]
    n = onsets.shape[-1]
    flat = onsets.reshape(-1, n)
    fpb = np.broadcast_to(frames_per_beat, (*lead, frames_per_beat.shape[-1])).reshape(
        flat.shape[0], -1
    )
    beats = np.zeros(flat.shape, dtype=bool)
    for i in range(flat.shape[0]):
        if fpb.shape[-1] != 1:
            raise ParameterError("genrefx.beat.beat_track supports one (static) tempo per signal")
        localscore, backlink, cumscore = _core.beat_dp(
            np.ascontiguousarray(flat[i], dtype=np.float64),
            float(fpb[i, 0]),
            float(np.float32(tightness)),
        )
        tail = _last_beat(cumscore)
        b = np.zeros(n, dtype=bool)
        k = tail
        while k >= 0:
            b[k] = True
            k = backlink[k]
        beats[i] = _trim_beats(localscore, b, trim)
    return beats.reshape(onsets.shape)


def beat_track(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    onset_envelope: np.ndarray | None = None,
    hop_length: int = 512,
    start_bpm: float = 120.0,
    tightness: float = 100,
    trim: bool = True,
    bpm: Any = None,
    prior: Any = None,
    units: str = "frames",
    sparse: bool = True,
) -> tuple[Any, np.ndarray]:
    """Dynamic programming beat tracker; mirrors ``librosa.beat.beat_track``.

    1. The onset envelope: :func:`genrefx.onset.onset_strength` with ``aggregate=np.median``.
    2. The tempo: :func:`genrefx.feature.tempo` (unless ``bpm`` is given).
    3. Ellis' dynamic program [1]_ (in the core): the envelope, normalized by its standard
       deviation and smoothed by a Gaussian of ``frames_per_beat = round(60 sr / (hop bpm))``,
       is the local score; each frame's best predecessor ``p`` in
       ``[i - 2 fpb, i - round(fpb / 2)]`` maximizes
       ``cumscore[p] - tightness (log(i - p) - log fpb)^2``; the path is traced back from the
       last strong local maximum of the cumulative score, and weak leading / trailing beats
       are trimmed, exactly as librosa 0.11 does.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)] or None
        Audio (used when ``onset_envelope`` is None).
    sr : number > 0
        Sampling rate.
    onset_envelope : np.ndarray [shape=(n,)] or None
        Precomputed onset strength.
    hop_length : int > 0
        Hop of the envelope, in samples.
    start_bpm : float > 0
        Initial tempo guess (the tempo prior's centre).
    tightness : float > 0
        How closely the beats follow the tempo.
    trim : bool
        Trim weak leading and trailing beats.
    bpm : float or np.ndarray or None
        A tempo to use instead of estimating one.
    prior : scipy.stats.rv_continuous or None
        A tempo prior for the estimate.
    units : {"frames", "samples", "time"}
        Units of the sparse beat positions.
    sparse : bool
        Beat positions (1-D input only); otherwise a boolean array of ``onset_envelope``'s
        shape.

    Returns
    -------
    tempo : np.ndarray [shape=(1,)] (or the given ``bpm``), or 0.0 when the envelope is zero
    beats : np.ndarray
        Beat frames (or samples / seconds), or the boolean beat indicator when not sparse.

    Raises
    ------
    ParameterError
        If neither ``y`` nor ``onset_envelope`` is given, ``sparse`` with a multi-dimensional
        envelope, an invalid ``units``, a non-positive ``bpm`` or ``tightness``.

    See Also
    --------
    librosa.beat.beat_track : the reference implementation.

    References
    ----------
    .. [1] Ellis, Daniel P.W. "Beat tracking by dynamic programming."
       Journal of New Music Research 36.1 (2007): 51-60.
    """
    if onset_envelope is None:
        if y is None:
            raise ParameterError("y or onset_envelope must be provided")
        onset_envelope = onset_strength(y=y, sr=sr, hop_length=hop_length, aggregate=np.median)
    onset_envelope = np.asarray(onset_envelope)
    if sparse and onset_envelope.ndim != 1:
        raise ParameterError(
            f"sparse=True (default) does not support {onset_envelope.ndim}-dimensional inputs. "
            "Either set sparse=False or convert the signal to mono."
        )
    if units not in ("frames", "samples", "time"):
        raise ParameterError(f"Invalid unit type: {units}")
    if isinstance(tightness, (bool, np.bool_)) or not isinstance(tightness, numbers.Real):
        raise ParameterError(f"tightness={tightness!r} must be a positive number")
    if not np.isfinite(onset_envelope).all():
        raise ParameterError("onset_envelope is not finite everywhere")
    if not onset_envelope.any():
        if sparse:
            return (0.0, np.array([], dtype=int))
        return (
            np.zeros(shape=onset_envelope.shape[:-1], dtype=float),
            np.zeros_like(onset_envelope, dtype=bool),
        )
    if not np.issubdtype(onset_envelope.dtype, np.floating):
        onset_envelope = onset_envelope.astype(np.float64)
    if bpm is None:
        bpm = _tempo(
            onset_envelope=onset_envelope,
            sr=sr,
            hop_length=hop_length,
            start_bpm=start_bpm,
            prior=prior,
        )
    _bpm = np.atleast_1d(bpm)
    bpm_expanded = _bpm.reshape(_bpm.shape + (1,) * (onset_envelope.ndim - _bpm.ndim))
    beats = _beat_tracker(onset_envelope, bpm_expanded, float(sr) / hop_length, tightness, trim)
    if sparse:
        beats = np.flatnonzero(beats)
        if units == "samples":
            return (bpm, beats * hop_length)
        if units == "time":
            return (bpm, beats * hop_length / float(sr))
    return (bpm, beats)
