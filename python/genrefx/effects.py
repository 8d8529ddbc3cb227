"""Time-domain effects, mirroring ``librosa.effects``.

* ``hpss``, ``harmonic``, ``percussive``: the STFT (from the float64 FFT, as librosa's),
  :func:`genrefx.decompose.hpss`, then :func:`genrefx.istft` with the input's length.
* ``trim``, ``split``: silence detection on RMS frames (:func:`genrefx.feature.rms`, the C++
  core) in decibels (:func:`genrefx.amplitude_to_db`), as librosa's
  ``_signal_to_frame_nonsilent``.
* ``preemphasis``, ``deemphasis``: first-order filters by ``scipy.signal.lfilter``, as librosa.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._framing import framing
from ._inverse import istft
from ._validation import check_positive_int, check_threads, is_real, valid_audio
from .decompose import hpss as _hpss_spectrogram
from .exceptions import ParameterError
from .feature.energy import rms as _rms
from .spectrum import _stft, amplitude_to_db
from .time_units import frames_to_samples
from .vocoder import pitch_shift, time_stretch

__all__ = [
    "deemphasis",
    "harmonic",
    "hpss",
    "percussive",
    "pitch_shift",
    "preemphasis",
    "split",
    "time_stretch",
    "trim",
]


def _separate(
    y: np.ndarray,
    which: tuple[bool, bool],
    *,
    kernel_size: Any,
    power: float,
    mask: bool,
    margin: Any,
    n_fft: int,
    hop_length: int | None,
    win_length: int | None,
    window: Any,
    center: bool,
    pad_mode: str,
    n_threads: int,
) -> list[np.ndarray]:
    y = valid_audio(y)
    n_threads = check_threads(n_threads)
    fr = framing(
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
    )
    # librosa's stft: the float64 FFT (rounded to complex64 for float32 audio); the soft masks
    # of bins at the float32 FFT's floor are ratios of round-off (a chirp's harmonic part was
    # 3.4e-4 off at power=0.5)
    D = _stft(
        y,
        fft64=True,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )
    parts = _hpss_spectrogram(
        D, kernel_size=kernel_size, power=power, mask=mask, margin=margin, n_threads=n_threads
    )
    out = []
    for wanted, part in zip(which, parts, strict=True):
        if wanted:
            if part.dtype == np.bool_:  # power=np.inf with mask=True: boolean masks
                part = part.astype(np.float32)
            out.append(
                istft(
                    part,
                    dtype=y.dtype,
                    n_fft=fr.n_fft,
                    hop_length=fr.hop_length,
                    win_length=fr.win_length,
                    window=window,
                    center=center,
                    length=y.shape[-1],
                    n_threads=n_threads,
                )
            )
    return out


_SHARED_DOC = """
    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], floating-point
        Audio; leading dimensions are channels or a batch.
    kernel_size, power, mask, margin
        As :func:`genrefx.decompose.hpss`. With ``mask=True`` the masks themselves are
        inverted, as librosa does.
    n_fft, hop_length, win_length, window, center, pad_mode
        As :func:`genrefx.stft`; the same framing inverts the components. Unlike librosa 0.11,
        whose ``effects`` functions accept ``window`` but always use "hann", the given window
        is used for both transforms (the results agree for the default "hann").
    n_threads : int > 0
        Threads for the STFT, the median filters and the inverse STFT.
"""


def hpss(
    y: np.ndarray,
    *,
    kernel_size: Any = 31,
    power: float = 2.0,
    mask: bool = False,
    margin: Any = 1.0,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    n_threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Split audio into harmonic and percussive signals; mirrors ``librosa.effects.hpss``.

    ``istft(decompose.hpss(stft(y)))`` for each component, with ``length=y.shape[-1]`` so that
    both signals have the input's length.
    {shared}
    Returns
    -------
    y_harmonic : np.ndarray [shape=(..., n)], y's dtype
    y_percussive : np.ndarray [shape=(..., n)], y's dtype

    Raises
    ------
    ParameterError
        Invalid audio or arguments (see :func:`genrefx.stft` and
        :func:`genrefx.decompose.hpss`).

    See Also
    --------
    librosa.effects.hpss : the reference implementation.
    harmonic, percussive : one component only.
    genrefx.decompose.hpss : the separation on a spectrogram.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> y_h, y_p = genrefx.effects.hpss(y)
    >>> y_h.shape == y.shape
    True
    """
    h, p = _separate(
        y,
        (True, True),
        kernel_size=kernel_size,
        power=power,
        mask=mask,
        margin=margin,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )
    return h, p


def harmonic(
    y: np.ndarray,
    *,
    kernel_size: Any = 31,
    power: float = 2.0,
    mask: bool = False,
    margin: Any = 1.0,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    n_threads: int = 1,
) -> np.ndarray:
    """The harmonic component of audio; mirrors ``librosa.effects.harmonic``.
    {shared}
    Returns
    -------
    y_harmonic : np.ndarray [shape=(..., n)], y's dtype

    See Also
    --------
    librosa.effects.harmonic : the reference implementation.
    hpss, percussive
    """
    return _separate(
        y,
        (True, False),
        kernel_size=kernel_size,
        power=power,
        mask=mask,
        margin=margin,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )[0]


def percussive(
    y: np.ndarray,
    *,
    kernel_size: Any = 31,
    power: float = 2.0,
    mask: bool = False,
    margin: Any = 1.0,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    n_threads: int = 1,
) -> np.ndarray:
    """The percussive component of audio; mirrors ``librosa.effects.percussive``.
    {shared}
    Returns
    -------
    y_percussive : np.ndarray [shape=(..., n)], y's dtype

    See Also
    --------
    librosa.effects.percussive : the reference implementation.
    hpss, harmonic
    """
    return _separate(
        y,
        (False, True),
        kernel_size=kernel_size,
        power=power,
        mask=mask,
        margin=margin,
        n_fft=n_fft,
        hop_length=hop_length,
        win_length=win_length,
        window=window,
        center=center,
        pad_mode=pad_mode,
        n_threads=n_threads,
    )[0]


for _f in (hpss, harmonic, percussive):
    _f.__doc__ = _f.__doc__.replace("{shared}", _SHARED_DOC)
del _f


# --- silence: trim and split ---------------------------------------------------------------


def _frame_nonsilent(
    y: Any,
    *,
    frame_length: int,
    hop_length: int,
    top_db: Any,
    ref: Any,
    aggregate: Any,
) -> np.ndarray:
    """Frame-wise non-silence, as librosa's ``effects._signal_to_frame_nonsilent``.

    ``rms`` frames (centred, zero-padded) to decibels relative to ``ref`` without clipping,
    aggregated over the leading axes by ``np.apply_over_axes(aggregate, ...)``, then compared
    with ``-top_db``.
    """
    if not isinstance(y, np.ndarray):
        raise ParameterError(f"y must be a numpy.ndarray, got {type(y).__name__}")
    if y.ndim == 0:
        raise ParameterError(f"y must be at least one-dimensional, given y.shape={y.shape}")
    if y.dtype.kind in "biu":
        # librosa squares integer (and boolean) samples in float32: as float32 audio
        y = y.astype(np.float32)
    elif y.dtype.kind != "f":
        raise ParameterError(f"y must be real-valued audio, got dtype {y.dtype}")
    frame_length = check_positive_int(frame_length, "frame_length")
    hop_length = check_positive_int(hop_length, "hop_length")
    if not is_real(top_db):
        raise ParameterError(f"top_db={top_db!r} must be a real number")
    if 0 in y.shape[:-1]:
        raise ParameterError(f"y has no channels, given y.shape={y.shape}")
    if y.shape[-1] == 0:
        # (librosa frames the centre padding alone: frames of zeros, if one fits)
        half = frame_length // 2
        if 2 * half < frame_length:
            raise ParameterError(
                f"y is empty and frame_length={frame_length} is odd: its centre padding "
                f"({2 * half} samples) is shorter than a frame"
            )
        n_frames = 1 + (2 * half - frame_length) // hop_length
        mse = np.zeros((*y.shape[:-1], 1, n_frames), dtype=np.float32)
    else:
        mse = _rms(y=y, frame_length=frame_length, hop_length=hop_length)
    db = amplitude_to_db(mse[..., 0, :], ref=ref, top_db=None)
    if db.ndim > 1:
        if not callable(aggregate):
            raise ParameterError(f"aggregate={aggregate!r} must be callable, such as np.max")
        db = np.apply_over_axes(aggregate, db, range(db.ndim - 1))
        db = np.squeeze(db, axis=tuple(range(db.ndim - 1)))
    return db > -top_db


_SILENCE_DOC = """
    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Audio; leading dimensions are channels or a batch. Integer (PCM) arrays are measured
        as float32 samples, as librosa squares them.
    top_db : number
        Frames more than ``top_db`` decibels below ``ref`` are silent. A negative value makes
        frames below ``ref + |top_db|`` silent (useful with a numeric ``ref``).
    ref : number or callable
        The reference amplitude, or a function of the ``(..., t)`` array of RMS values of all
        channels (``np.max``: the loudest frame of any channel). With ``np.max`` a signal of
        constant level, an all-zero one included, has no silent frame.
    frame_length, hop_length : int > 0
        RMS frames of ``frame_length`` samples every ``hop_length`` samples, centred and
        zero-padded (:func:`genrefx.feature.rms`'s defaults).
    aggregate : callable
        Combines the channels' decibel values per frame, as ``np.apply_over_axes(aggregate,
        db, range(db.ndim - 1))`` (``np.max``: a frame is silent when every channel is).
"""

_SILENCE_NOTES = """
    Notes
    -----
    The RMS values come from the C++ core, which squares float32 samples and sums them in
    float64; librosa's numpy mean sums in float32. The decibel values so differ by float
    round-off (about 1e-6 dB), which moves an interval only where a frame lies that close to
    the threshold.
"""


def trim(
    y: np.ndarray,
    *,
    top_db: float = 60,
    ref: float | Callable = np.max,
    frame_length: int = 2048,
    hop_length: int = 512,
    aggregate: Callable = np.max,
) -> tuple[np.ndarray, np.ndarray]:
    """Trim leading and trailing silence; mirrors ``librosa.effects.trim``.

    The kept interval runs from the first non-silent frame's start, ``frame * hop_length``,
    to one hop past the last non-silent frame's start (at most ``len(y)``). Frames are centred
    on their start sample, so the interval reaches up to ``frame_length // 2`` samples into
    the silence on either side, as librosa's.
    {params}
    Returns
    -------
    y_trimmed : np.ndarray [shape=(..., m)]
        ``y[..., index[0]:index[1]]``, a view of ``y``.
    index : np.ndarray [shape=(2,)], int64
        The kept interval ``[start, end)`` in samples; ``[0, 0]`` when every frame is silent.
    {notes}
    Raises
    ------
    ParameterError
        ``y`` is not a real ndarray or has NaN / Inf samples (librosa calls such frames
        silent); ``frame_length`` or ``hop_length`` is not a positive integer; ``top_db`` is
        not a number; ``aggregate`` is not callable (multichannel ``y``).

    See Also
    --------
    librosa.effects.trim : the reference implementation.
    split : every non-silent interval.

    Examples
    --------
    >>> y = np.zeros(22050, dtype=np.float32)
    >>> y[5000:15000] = np.sin(np.arange(10000) / 10)
    >>> genrefx.effects.trim(y)[1]
    array([ 4096, 16384])
    """
    non_silent = _frame_nonsilent(
        y,
        frame_length=frame_length,
        hop_length=hop_length,
        top_db=top_db,
        ref=ref,
        aggregate=aggregate,
    )
    nonzero = np.flatnonzero(non_silent)
    if nonzero.size > 0:
        start = int(frames_to_samples(nonzero[0], hop_length=hop_length))
        end = min(y.shape[-1], int(frames_to_samples(nonzero[-1] + 1, hop_length=hop_length)))
    else:  # every frame is silent
        start, end = 0, 0
    return y[..., start:end], np.asarray([start, end])


def split(
    y: np.ndarray,
    *,
    top_db: float = 60,
    ref: float | Callable = np.max,
    frame_length: int = 2048,
    hop_length: int = 512,
    aggregate: Callable = np.max,
) -> np.ndarray:
    """Non-silent intervals of a signal; mirrors ``librosa.effects.split``.

    Each run of non-silent frames ``[a, b)`` becomes the interval ``[a * hop_length,
    min(b * hop_length, len(y)))`` in samples.
    {params}
    Returns
    -------
    intervals : np.ndarray [shape=(m, 2)], int64
        ``intervals[i] = (start_i, end_i)``, in increasing order; ``m = 0`` when every frame
        is silent.
    {notes}
    Raises
    ------
    ParameterError
        As :func:`trim`.

    See Also
    --------
    librosa.effects.split : the reference implementation.
    trim : the outer interval only.

    Examples
    --------
    >>> y = np.zeros(44100, dtype=np.float32)
    >>> y[5000:15000] = y[30000:40000] = np.sin(np.arange(10000) / 10)
    >>> genrefx.effects.split(y)
    array([[ 4096, 16384],
           [29184, 41472]])
    """
    non_silent = _frame_nonsilent(
        y,
        frame_length=frame_length,
        hop_length=hop_length,
        top_db=top_db,
        ref=ref,
        aggregate=aggregate,
    )
    # run boundaries: where the indicator flips, plus the ends when the first / last frame sounds
    flips = np.flatnonzero(non_silent[1:] != non_silent[:-1]) + 1
    edges = np.concatenate(
        [[0] if non_silent[0] else [], flips, [non_silent.size] if non_silent[-1] else []]
    ).astype(np.int64)
    edges = np.minimum(frames_to_samples(edges, hop_length=hop_length), y.shape[-1])
    return edges.reshape((-1, 2))


for _f, _notes in ((trim, _SILENCE_NOTES), (split, _SILENCE_NOTES)):
    _f.__doc__ = _f.__doc__.replace("{params}", _SILENCE_DOC).replace("{notes}", _notes)
del _f, _notes


# --- emphasis filters ----------------------------------------------------------------------


#: The audio dtypes scipy.signal.lfilter filters (float16 and integers it refuses or truncates).
_LFILTER_DTYPES = tuple(
    np.dtype(t)
    for t in (np.float32, np.float64, np.longdouble, np.complex64, np.complex128, np.clongdouble)
)


def _emphasis_input(y: Any, coef: Any, zi: Any) -> np.ndarray:
    """Check ``y`` and ``coef`` for :func:`preemphasis` / :func:`deemphasis`."""
    if not isinstance(y, np.ndarray):
        raise ParameterError(f"y must be a numpy.ndarray, got {type(y).__name__}")
    if y.dtype not in _LFILTER_DTYPES:
        # (librosa: scipy's NotImplementedError, or for integers filter taps cast to integers)
        raise ParameterError(
            f"y must be float32, float64, long double or complex audio (scipy.signal.lfilter), "
            f"got dtype {y.dtype}"
        )
    if y.ndim == 0 or y.shape[-1] == 0:
        raise ParameterError(f"y must have at least one sample, given y.shape={y.shape}")
    if zi is None and y.shape[-1] < 2:
        raise ParameterError(
            f"y has {y.shape[-1]} sample: the default zi extrapolates from the first "
            "two samples; pass zi"
        )
    kinds = "iufc" if y.dtype.kind == "c" else "iuf"
    if np.ndim(coef) != 0 or np.asarray(coef).dtype.kind not in kinds:
        raise ParameterError(f"coef={coef!r} must be a real number")
    return y


def _lfilter(b: np.ndarray, a: np.ndarray, y: np.ndarray, zi: Any) -> tuple:
    """``scipy.signal.lfilter(b, a, y, zi=zi)`` with ``zi`` cast to ``y``'s dtype."""
    import scipy.signal

    try:
        zi = np.asarray(zi, dtype=y.dtype)
    except (TypeError, ValueError):
        raise ParameterError(f"zi={zi!r} must be a number or an array of numbers") from None
    try:
        return scipy.signal.lfilter(b, a, y, zi=zi)
    except ValueError as error:
        raise ParameterError(
            f"zi with shape {np.shape(zi)} does not fit y with shape {y.shape} (expected "
            f"{(*y.shape[:-1], 1)}, or 1 on any leading axis): {error}"
        ) from None


def preemphasis(
    y: np.ndarray,
    *,
    coef: float = 0.97,
    zi: Any = None,
    return_zf: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Pre-emphasis, ``y[n] - coef * y[n - 1]``; mirrors ``librosa.effects.preemphasis``.

    ``scipy.signal.lfilter([1, -coef], [1], y, zi=zi)`` with the taps in ``y``'s dtype, as
    librosa, so the result is identical.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float32, float64, long double or complex
        Audio; leading dimensions are channels or a batch.
    coef : number
        Pre-emphasis coefficient (0.97: HTK's); 0 leaves ``y`` unchanged, 1 gives the first
        difference.
    zi : number or np.ndarray [shape=(..., 1)] or None
        Initial filter state (``-coef * y[-1]`` of the previous block: the ``zf`` of a
        previous call, for streaming). ``None`` is librosa's linear extrapolation,
        ``2 * y[..., 0] - y[..., 1]``, which needs two samples. A number suits mono ``y``; for
        ``(..., n)`` input ``zi`` must have shape ``(..., 1)`` (or 1 on the leading axes).
    return_zf : bool
        Also return the final filter state.

    Returns
    -------
    y_out : np.ndarray [shape=(..., n)], y's dtype
    zf : np.ndarray [shape=(..., 1)]
        With ``return_zf=True``.

    Raises
    ------
    ParameterError
        ``y`` not a float32 / float64 / long double / complex ndarray with a sample (two
        without ``zi``); ``coef`` not a number; ``zi`` of the wrong shape. librosa raises
        numpy's or scipy's errors for these, and silently casts the filter taps to integers for
        integer ``y``.

    See Also
    --------
    librosa.effects.preemphasis : the reference implementation.
    deemphasis : its inverse.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(2000).astype(np.float32)
    >>> a, zf = genrefx.effects.preemphasis(y[:1000], return_zf=True)
    >>> b = genrefx.effects.preemphasis(y[1000:], zi=zf)
    >>> np.allclose(np.concatenate([a, b]), genrefx.effects.preemphasis(y))
    True
    """
    y = _emphasis_input(y, coef, zi)
    b = np.asarray([1.0, -coef], dtype=y.dtype)
    a = np.asarray([1.0], dtype=y.dtype)
    if zi is None:
        # librosa's initial state: linear extrapolation of the first two samples
        zi = 2 * y[..., 0:1] - y[..., 1:2]
    zi = np.atleast_1d(zi)
    y_out, z_f = _lfilter(b, a, y, zi)
    if return_zf:
        return y_out, z_f
    return y_out


def deemphasis(
    y: np.ndarray,
    *,
    coef: float = 0.97,
    zi: Any = None,
    return_zf: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """De-emphasis, ``x[n] = y[n] + coef * x[n - 1]``, the inverse of :func:`preemphasis`;
    mirrors ``librosa.effects.deemphasis``.

    ``scipy.signal.lfilter([1], [1, -coef], y, zi=zi)``. With ``zi=None`` the filter starts
    at rest and, as librosa, ``((2 - coef) * y[0] - y[1]) / (3 - coef) * coef ** n`` is
    subtracted afterwards: the image of :func:`preemphasis`'s default state, so that
    ``deemphasis(preemphasis(y))`` recovers ``y``. The arithmetic is librosa's, step for step
    (including that correction's float64 powers subtracted in place from float32 output), so
    the result is identical.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float32, float64, long double or complex
    coef : number
    zi : number or np.ndarray [shape=(..., 1)] or None
        Initial filter state; ``None`` needs two samples (see above).
    return_zf : bool
        Also return the final filter state.

    Returns
    -------
    y_out : np.ndarray [shape=(..., n)], y's dtype
    zf : np.ndarray [shape=(..., 1)]
        With ``return_zf=True``. For ``zi=None`` it is the state of the filter started at
        rest (librosa's quirk: the correction is not folded into it).

    Raises
    ------
    ParameterError
        As :func:`preemphasis`.

    See Also
    --------
    librosa.effects.deemphasis : the reference implementation.
    preemphasis : its inverse.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(2000)
    >>> np.allclose(genrefx.effects.deemphasis(genrefx.effects.preemphasis(y)), y)
    True
    """
    y = _emphasis_input(y, coef, zi)
    b = np.array([1.0, -coef], dtype=y.dtype)
    a = np.array([1.0], dtype=y.dtype)
    if zi is None:
        zi = np.zeros([*y.shape[:-1], 1], dtype=y.dtype)
        y_out, zf = _lfilter(a, b, y, zi)
        # librosa's correction for preemphasis' default (extrapolated) initial state
        powers = coef ** np.arange(y.shape[-1])
        y_out -= ((2 - coef) * y[..., 0:1] - y[..., 1:2]) / (3 - coef) * powers
    else:
        zi = np.atleast_1d(zi)
        y_out, zf = _lfilter(a, b, y, zi)
    if return_zf:
        return y_out, zf
    return y_out
