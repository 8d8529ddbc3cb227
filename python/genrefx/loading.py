"""Audio loading and resampling, mirroring ``librosa.core.audio`` (``load``, ``get_duration``,
``get_samplerate``, ``to_mono``, ``resample``).

Decoding is soundfile's (libsndfile), as librosa's first choice; paths are opened through
:mod:`genrefx.batch`'s decoder, so ``"ARCHIVE::MEMBER"`` names a member of a zip or tar archive
(read in place). There is no audioread fallback: a file that soundfile cannot decode raises
:class:`genrefx.batch.DecodeError`. Resampling is soxr's (``soxr_*``) or scipy's (``fft``,
``scipy``, ``polyphase``), called exactly as librosa calls them, so the samples are the same.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from typing import Any

import numpy as np

from ._validation import check_axis, check_nonnegative, check_positive, is_real
from .batch.audio import DecodeError, _decoding, _reason
from .batch.sources import as_source
from .exceptions import ParameterError
from .util import fix_length, valid_audio

__all__ = ["get_duration", "get_samplerate", "load", "resample", "to_mono"]

#: ``res_type`` values computed here: soxr's qualities, then scipy's methods.
_SOXR_TYPES = ("soxr_vhq", "soxr_hq", "soxr_mq", "soxr_lq", "soxr_qq")
RES_TYPES = (*_SOXR_TYPES, "fft", "scipy", "polyphase")
# librosa's res_type values computed by packages genrefx does not depend on
_MISSING_RES_TYPES = {
    "kaiser_best": "resampy",
    "kaiser_fast": "resampy",
    "linear": "samplerate",
    "zero_order_hold": "samplerate",
    "sinc_best": "samplerate",
    "sinc_medium": "samplerate",
    "sinc_fastest": "samplerate",
}
# the sample types soundfile decodes to
_READ_DTYPES = ("float32", "float64", "int16", "int32")


class _Deprecated:
    """The default of a renamed keyword argument (librosa's ``util.Deprecated``)."""

    def __repr__(self) -> str:
        return "<DEPRECATED parameter>"


# --- sample types ------------------------------------------------------------------------------


def _read_dtype(dtype: Any) -> str:
    """The soundfile sample type named by ``dtype``."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.name not in _READ_DTYPES or not dt.isnative:
        raise ParameterError(f"dtype={dtype!r} must be one of {', '.join(_READ_DTYPES)}")
    return dt.name


# --- decoding ----------------------------------------------------------------------------------


def _path_name(path: Any) -> str | None:
    """``path`` as a file name when it is one (str, bytes or os.PathLike), else None."""
    if isinstance(path, str | bytes | os.PathLike):
        return os.fsdecode(os.fspath(path))
    return None


def _describe(path: Any) -> str:
    name = _path_name(path)
    if name is not None:
        return repr(name)
    inner = getattr(path, "name", None)
    return f"{type(path).__name__} {inner!r}" if isinstance(inner, str) else type(path).__name__


@contextlib.contextmanager
def _opened(path: Any):
    """soundfile.SoundFile on ``path``; an undecodable input raises DecodeError naming it.

    A path (an archive member as ``ARCHIVE::MEMBER``) is opened by genrefx.batch's decoder: a
    missing file raises FileNotFoundError, an unreadable one its OSError. A SoundFile is used
    as given (and closed, as librosa does); anything else (a file object, a file descriptor)
    is handed to soundfile.
    """
    import soundfile

    name = _path_name(path)
    try:
        if name is not None:
            with _decoding(as_source(name)) as f:
                yield f
        elif isinstance(path, soundfile.SoundFile):
            with path as f:
                yield f
        else:
            with soundfile.SoundFile(path) as f:
                yield f
    # what soundfile raises for data it cannot decode (rather than a file it cannot open)
    except (soundfile.LibsndfileError, RuntimeError, ValueError, EOFError) as exc:
        if isinstance(exc, ParameterError):
            raise
        raise DecodeError(f"cannot decode {_describe(path)}: {_reason(exc)}") from exc


def _read(path: Any, offset: float, duration: float | None, dtype: str) -> tuple[np.ndarray, int]:
    """librosa's ``__soundfile_load``: ``(channels, n)`` (``(n,)`` for one channel) samples of
    ``dtype`` from ``offset`` seconds, at most ``duration`` seconds, and the file's rate."""
    with _opened(path) as f:
        sr_native = f.samplerate
        if offset:
            # (librosa: past the end, soundfile's seek fails and audioread reads nothing)
            f.seek(min(int(offset * sr_native), max(f.frames, 0)))
        frame_duration = int(duration * sr_native) if duration is not None else -1
        y = f.read(frames=frame_duration, dtype=dtype, always_2d=False).T
    return y, sr_native


def load(
    path: Any,
    *,
    sr: float | None = 22050,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
    dtype: Any = np.float32,
    res_type: str = "soxr_hq",
) -> tuple[np.ndarray, Any]:
    """Load an audio file as a floating-point time series; mirrors ``librosa.load``.

    The file is decoded by soundfile (from ``offset`` seconds, at most ``duration`` seconds),
    averaged over its channels when ``mono``, and resampled to ``sr`` by :func:`resample`, as
    librosa does it: the samples are librosa's, bit for bit.

    Parameters
    ----------
    path : str, bytes, os.PathLike, int, soundfile.SoundFile or file-like object
        The file. A path of the form ``"ARCHIVE::MEMBER"`` (when no file has that name) reads
        a member of a zip or tar archive in place (a genrefx extra). A file descriptor or a
        binary file object is read by soundfile; a ``soundfile.SoundFile`` is read from its
        current position and closed afterwards, as librosa does.
    sr : number > 0 or None
        Target sampling rate; ``None`` keeps the file's rate.
    mono : bool
        Average the channels (``to_mono``).
    offset : float >= 0
        Start reading this many seconds in; past the end, ``y`` is empty.
    duration : float >= 0 or None
        Read at most this many seconds.
    dtype : {np.float32, np.float64, np.int16, np.int32}
        Sample type of ``y``; integer types only with ``mono=False`` and ``sr=None`` (librosa
        refuses to average or resample integer audio).
    res_type : str
        Resampling method of :func:`resample` (default: soxr's "HQ").

    Returns
    -------
    y : np.ndarray [shape=(n,) or (channels, n)]
    sr : number
        ``sr`` as given, or the file's rate (an int) when ``sr`` is None.

    Raises
    ------
    FileNotFoundError, OSError
        When a path cannot be opened (missing, not a regular file, a corrupt archive).
    genrefx.batch.DecodeError
        When soundfile cannot decode the input (librosa raises soundfile's error, or for a path
        tries audioread after a warning; genrefx has no audioread fallback).
    ParameterError
        For a negative or non-finite ``offset`` or ``duration`` (librosa seeks or reads oddly:
        a negative ``duration`` reads the whole file), an unsupported ``dtype``, a
        ``res_type`` that needs resampy or samplerate, an ``sr`` <= 0, integer samples that
        would be averaged or resampled, or non-finite decoded samples (as librosa's
        ``valid_audio``).

    See Also
    --------
    librosa.load : the reference implementation.
    """
    check_nonnegative(offset, "offset")
    if duration is not None:
        check_nonnegative(duration, "duration")
    if sr is not None:
        check_positive(sr, "sr")
    read_dtype = _read_dtype(dtype)
    y, sr_native = _read(path, offset, duration, read_dtype)
    if not np.issubdtype(y.dtype, np.floating) and (mono or sr is not None):
        raise ParameterError(
            f"dtype={dtype!r} (integer samples) needs mono=False and sr=None: librosa averages "
            "and resamples floating-point audio only"
        )
    if mono:
        y = to_mono(y)
    if sr is not None:
        y = resample(y, orig_sr=sr_native, target_sr=sr, res_type=res_type)
    else:
        sr = sr_native
    return y, sr


def get_duration(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    center: bool = True,
    path: Any = None,
    filename: Any = _Deprecated(),  # noqa: B008 (librosa's placeholder; never mutated)
) -> float:
    """Duration in seconds of audio, of a spectrogram or of a file; mirrors
    ``librosa.get_duration``.

    ``path`` (read from the file's header, without decoding) takes precedence over ``y``,
    which takes precedence over ``S`` (as librosa's code does; its docstring says ``S`` before
    ``y``). For ``S``, the duration is that of
    ``n_fft + hop_length * (n_frames - 1)`` samples, less ``2 * (n_fft // 2)`` when
    ``center``, as librosa computes it (so it can be negative for very few frames).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
    sr : number > 0
        Rate of ``y`` or ``S``.
    S : np.ndarray [shape=(..., d, t)] or None
    n_fft, hop_length : int
        STFT parameters ``S`` was computed with.
    center : bool
        Whether ``S``'s frames were centred.
    path : str, os.PathLike, int or file-like object, or None
        A file (``"ARCHIVE::MEMBER"`` as in :func:`load`).
    filename :
        Deprecated name of ``path`` (as in librosa 0.10 and 0.11: a FutureWarning).

    Returns
    -------
    d : float

    Raises
    ------
    ParameterError
        When none of ``y``, ``S`` or ``path`` is given, or ``sr <= 0``, or ``y`` / ``S``
        have no shape to measure.
    FileNotFoundError, OSError, genrefx.batch.DecodeError
        For a path, as :func:`load`.

    See Also
    --------
    librosa.get_duration : the reference implementation.
    """
    if not isinstance(filename, _Deprecated):
        warnings.warn(
            "get_duration() keyword argument 'filename' has been renamed to 'path' in version "
            "0.10.0.\n\tThis alias will be removed in version 1.0.",
            category=FutureWarning,
            stacklevel=2,
        )
        path = filename
    if path is not None:
        import soundfile

        if isinstance(path, soundfile.SoundFile):  # (librosa: soundfile cannot reopen it)
            return float(path.frames) / path.samplerate
        with _opened(path) as f:
            return float(f.frames) / f.samplerate  # soundfile.info's duration
    check_positive(sr, "sr")
    if y is None:
        if S is None:
            raise ParameterError("At least one of (y, sr), S, or path must be provided")
        if np.ndim(S) < 1:
            raise ParameterError(f"S must have shape (..., d, t), got shape {np.shape(S)}")
        for value, name in ((n_fft, "n_fft"), (hop_length, "hop_length")):
            if not is_real(value):
                raise ParameterError(f"{name}={value!r} must be a number")
        n_frames = np.shape(S)[-1]
        n_samples = n_fft + hop_length * (n_frames - 1)
        # if centred, half a window is lost at each end of S
        if center:
            n_samples = n_samples - 2 * int(n_fft // 2)
    else:
        if np.ndim(y) < 1:
            raise ParameterError(f"y must have shape (..., n), got shape {np.shape(y)}")
        n_samples = np.shape(y)[-1]
    return float(n_samples) / sr


def get_samplerate(path: Any) -> float:
    """The sampling rate of a file (from its header); mirrors ``librosa.get_samplerate``.

    Parameters
    ----------
    path : str, os.PathLike, int, soundfile.SoundFile or file-like object
        As in :func:`load` (``"ARCHIVE::MEMBER"`` included); a ``SoundFile`` is left open.

    Returns
    -------
    sr : int

    Raises
    ------
    FileNotFoundError, OSError, genrefx.batch.DecodeError
        As :func:`load`.

    See Also
    --------
    librosa.get_samplerate : the reference implementation.
    """
    import soundfile

    if isinstance(path, soundfile.SoundFile):
        return path.samplerate
    with _opened(path) as f:
        return f.samplerate


# --- channels and rates ------------------------------------------------------------------------


def to_mono(y: np.ndarray) -> np.ndarray:
    """Average the channels (all axes but the last); mirrors ``librosa.to_mono``.

    ``np.mean`` over the leading axes, as librosa; a 1-d ``y`` is returned as itself.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], floating-point

    Returns
    -------
    y_mono : np.ndarray [shape=(n,)]

    Raises
    ------
    ParameterError
        If ``y`` is not a floating-point ndarray of at least one dimension, or is not finite
        (librosa's ``valid_audio``; an empty ``y`` is valid).

    See Also
    --------
    librosa.to_mono : the reference implementation.
    """
    valid_audio(y)
    if y.ndim > 1:
        y = np.mean(y, axis=tuple(range(y.ndim - 1)))
    return y


def _unsupported_res_type(res_type: Any) -> ParameterError:
    package = _MISSING_RES_TYPES.get(res_type) if isinstance(res_type, str) else None
    why = f"needs the {package} package, which genrefx does not use" if package else "is unknown"
    return ParameterError(f"res_type={res_type!r} {why}; available: {', '.join(RES_TYPES)}")


def resample(
    y: np.ndarray,
    *,
    orig_sr: float,
    target_sr: float,
    res_type: str = "soxr_hq",
    fix: bool = True,
    scale: bool = False,
    axis: int = -1,
    **kwargs: Any,
) -> np.ndarray:
    """Resample ``y`` from ``orig_sr`` to ``target_sr`` along ``axis``; mirrors
    ``librosa.resample``.

    ``soxr_*`` calls ``soxr.resample`` on each 1-d slice (``np.apply_along_axis``), ``"fft"`` /
    ``"scipy"`` call ``scipy.signal.resample`` and ``"polyphase"`` ``scipy.signal.resample_poly``
    (with up / down factors reduced by their gcd), as librosa does: the results are librosa's,
    bit for bit. Equal rates return ``y`` itself.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n, ...)], floating-point
        Audio with ``n`` samples along ``axis``.
    orig_sr, target_sr : number > 0
        Rates of ``y`` and of the result (integers for ``"polyphase"``).
    res_type : str
        ``"soxr_vhq"``, ``"soxr_hq"``, ``"soxr_mq"``, ``"soxr_lq"``, ``"soxr_qq"``, ``"fft"``
        (= ``"scipy"``) or ``"polyphase"``. librosa's resampy (``kaiser_*``) and samplerate
        (``sinc_*``, ``linear``, ``zero_order_hold``) methods raise ParameterError; as in
        librosa, ``res_type`` is only looked at when the rates differ.
    fix : bool
        Trim or pad the result to exactly ``ceil(n * target_sr / orig_sr)`` samples.
    scale : bool
        Divide by ``sqrt(target_sr / orig_sr)`` (about equal total energy).
    axis : int
        The time axis.
    **kwargs
        With ``fix``, passed to ``np.pad`` when padding (``mode="constant"`` by default), as
        librosa's ``util.fix_length``.

    Returns
    -------
    y_hat : np.ndarray, ``y``'s dtype

    Raises
    ------
    ParameterError
        If ``y`` is not valid audio (librosa's ``valid_audio``), a rate is not a positive
        number, ``axis`` is out of range, ``res_type`` is not available, ``"polyphase"`` has
        non-integer rates, or soxr cannot take ``y``'s dtype (float16, longdouble: use
        ``"fft"`` or ``"polyphase"``).

    See Also
    --------
    librosa.resample : the reference implementation.
    """
    valid_audio(y)
    check_positive(orig_sr, "orig_sr")
    check_positive(target_sr, "target_sr")
    check_axis(axis, y.ndim, "y")
    if orig_sr == target_sr:
        return y

    ratio = float(target_sr) / orig_sr
    n_samples = int(np.ceil(y.shape[axis] * ratio))

    if res_type in ("scipy", "fft"):
        import scipy.signal

        # (no samples: librosa fails with scipy's ZeroDivisionError; the result is empty)
        empty = y.shape[axis] == 0
        y_hat = y.copy() if empty else scipy.signal.resample(y, n_samples, axis=axis)
    elif res_type == "polyphase":
        if int(orig_sr) != orig_sr or int(target_sr) != target_sr:
            raise ParameterError(
                "polyphase resampling is only supported for integer-valued sampling rates "
                f"(orig_sr={orig_sr!r}, target_sr={target_sr!r})"
            )
        import scipy.signal

        orig_sr = int(orig_sr)
        target_sr = int(target_sr)
        gcd = np.gcd(orig_sr, target_sr)
        y_hat = scipy.signal.resample_poly(y, target_sr // gcd, orig_sr // gcd, axis=axis)
    elif isinstance(res_type, str) and res_type.startswith("soxr"):
        import soxr

        if y.dtype not in (np.float32, np.float64):  # (librosa: soxr's TypeError)
            raise ParameterError(
                f"res_type={res_type!r} (soxr) takes float32 or float64 audio, not y of dtype "
                f"{y.dtype}; convert y, or use res_type='fft' or 'polyphase'"
            )
        if res_type.lower() not in _SOXR_TYPES:  # (what soxr reads; librosa: its ValueError)
            raise _unsupported_res_type(res_type)
        if y.size == 0:  # (librosa: apply_along_axis's ValueError when there are no slices)
            shape = list(y.shape)
            shape[axis] = (
                n_samples
                if fix
                else soxr.resample(np.zeros(y.shape[axis], y.dtype), orig_sr, target_sr).size
            )
            return np.zeros(shape, dtype=y.dtype)
        y_hat = np.apply_along_axis(
            soxr.resample,
            axis=axis,
            arr=y,
            in_rate=orig_sr,
            out_rate=target_sr,
            quality=res_type,
        )
    else:
        raise _unsupported_res_type(res_type)

    if fix:
        y_hat = fix_length(y_hat, size=n_samples, axis=axis, **kwargs)
    if scale:
        y_hat /= np.sqrt(ratio)
    return np.asarray(y_hat, dtype=y.dtype)
