"""The inverse short-time Fourier transform, mirroring ``librosa.istft``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import _core
from ._framing import frame_lengths
from ._validation import check_threads, store_output
from .exceptions import ParameterError
from .filters import stft_window

__all__ = ["istft"]


def _check_length(length: Any) -> int | None:
    if length is None:
        return None
    if isinstance(length, bool) or not isinstance(length, numbers.Integral):
        raise ParameterError(f"length={length!r} must be a non-negative integer or None")
    if length < 0:
        raise ParameterError(f"length={length} must be a non-negative integer or None")
    # librosa tests ``if length:``: 0 means "not given"
    return int(length) if length > 0 else None


#: Output dtypes librosa's overlap-add (numba) computes in; it fails on float16 and long double.
_OUTPUT_DTYPES = tuple(map(np.dtype, (np.float32, np.float64, np.complex64, np.complex128)))


def _output_dtype(dtype: Any, stft_dtype: np.dtype) -> np.dtype:
    if dtype is None:
        # librosa.util.dtype_c2r: complex64 -> float32, complex128 -> float64, a real
        # floating dtype stays as it is, anything else (integers) -> float32
        if stft_dtype.kind == "f":
            out = stft_dtype
        else:
            out = np.dtype(np.float64) if stft_dtype == np.complex128 else np.dtype(np.float32)
        if out not in _OUTPUT_DTYPES:
            raise ParameterError(
                f"stft_matrix of dtype {stft_dtype} is not supported (librosa fails on it too); "
                "pass a complex64 or complex128 matrix"
            )
        return out
    try:
        out = np.dtype(dtype)
    except TypeError as error:
        raise ParameterError(f"dtype={dtype!r} is not a numpy dtype") from error
    if out not in _OUTPUT_DTYPES:
        raise ParameterError(
            f"dtype={dtype!r} must be float32, float64, complex64 or complex128 (librosa's "
            "overlap-add fails on other dtypes)"
        )
    return out


def istft(
    stft_matrix: np.ndarray,
    *,
    hop_length: int | None = None,
    win_length: int | None = None,
    n_fft: int | None = None,
    window: Any = "hann",
    center: bool = True,
    dtype: Any = None,
    length: int | None = None,
    out: np.ndarray | None = None,
    n_threads: int = 1,
) -> np.ndarray:
    """Inverse short-time Fourier transform; mirrors ``librosa.istft``.

    Every frame is inverted by the core's real inverse FFT (the forward plan's complex FFT
    through ``ifft(Z) = conj(fft(conj Z)) / n``), multiplied by the synthesis window and
    overlap-added; the sum is divided by the window's sum-square envelope
    ``sum_t w[n - t hop]^2`` wherever that exceeds ``tiny(dtype)``::

        y[n] = sum_t w[n - t hop] irfft(D[:, t])[n - t hop] / sum_t w[n - t hop]^2

    Parameters
    ----------
    stft_matrix : np.ndarray [shape=(..., 1 + n_fft // 2, t)], complex
        STFT matrix, e.g. from :func:`genrefx.stft`; leading dimensions are channels or a batch.
        Rows past ``1 + n_fft // 2`` are ignored and missing rows are zeros, as
        ``numpy.fft.irfft(D, n=n_fft)`` does (which also ignores the imaginary parts of the DC
        and, for even ``n_fft``, the Nyquist bins).
    hop_length : int > 0 or None
        Samples between frames; ``None`` means ``win_length // 4``.
    win_length : int in [1, n_fft] or None
        Window length; ``None`` means ``n_fft``. The window is zero-padded to ``n_fft`` in the
        centre.
    n_fft : int > 0 or None
        FFT length; ``None`` means ``2 * (stft_matrix.shape[-2] - 1)``.
    window : str, tuple, callable or array
        Anything ``librosa.filters.get_window`` accepts (default "hann").
    center : bool
        Whether the STFT was centred (``genrefx.stft(center=True)``): drops the first
        ``n_fft // 2`` samples of the overlap-added signal.
    dtype : float32, float64, complex64, complex128 or None
        Output dtype; ``None`` follows librosa (``util.dtype_c2r``): float32 for complex64
        input, float64 for complex128, a real float32 / float64 matrix's own dtype. complex64
        input is inverted in float32 arithmetic, complex128 in float64; a complex ``dtype``
        holds the real signal. librosa's overlap-add fails on float16 and long double: so does
        this one, with a ParameterError.
    length : int >= 0 or None
        If given (and non-zero, as librosa tests ``if length:``), the output has exactly this
        many samples (zero-padded past the reconstructed signal) and only the frames needed
        for it are inverted.
    out : np.ndarray or None
        An array of exactly the output's shape to write the signal into (librosa's ``out``);
        it is returned, in its own dtype.
    n_threads : int > 0
        Threads over runs of frames and channels (the GIL is released either way).

    Returns
    -------
    y : np.ndarray [shape=(..., n)]
        ``n = length`` if given, else ``n_fft + hop_length * (t - 1)``, minus
        ``2 * (n_fft // 2)`` when centred; ``out`` itself when given.

    Raises
    ------
    ParameterError
        If ``stft_matrix`` is not a finite numeric array of at least 2 dimensions, an
        argument is out of range, ``out`` does not have the output's shape, or the output
        dtype is one librosa's overlap-add fails on (float16, long double).

    See Also
    --------
    librosa.istft : the reference implementation.
    genrefx.stft : the forward transform.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> D = genrefx.stft(y)
    >>> y_hat = genrefx.istft(D, length=len(y))
    >>> float(np.max(np.abs(y - y_hat))) < 1e-5
    True
    """
    if not isinstance(stft_matrix, np.ndarray):
        raise ParameterError(
            f"stft_matrix must be a numpy.ndarray, got {type(stft_matrix).__name__}"
        )
    if stft_matrix.dtype == np.bool_:  # librosa takes booleans as 0 / 1
        stft_matrix = stft_matrix.astype(np.float32)
    if not np.issubdtype(stft_matrix.dtype, np.number):
        raise ParameterError(f"stft_matrix must be numeric, got dtype {stft_matrix.dtype}")
    if stft_matrix.dtype == np.clongdouble and np.clongdouble != np.complex128:
        raise ParameterError(
            f"stft_matrix of dtype {stft_matrix.dtype} is not supported (librosa fails on it "
            "too); pass a complex64 or complex128 matrix"
        )
    if stft_matrix.ndim < 2:
        raise ParameterError(
            f"stft_matrix must have shape (..., n_bins, n_frames), got {stft_matrix.shape}"
        )
    n_rows, T = stft_matrix.shape[-2], stft_matrix.shape[-1]
    if n_fft is None:
        n_fft = 2 * (n_rows - 1)
        if n_fft < 1:
            raise ParameterError(
                f"n_fft=None cannot be inferred from {n_rows} frequency row(s); pass n_fft"
            )
    n_fft, win_length, hop_length = frame_lengths(n_fft, win_length, hop_length)
    length = _check_length(length)
    n_threads = check_threads(n_threads)
    double = stft_matrix.dtype in (np.complex128, np.float64)
    out_dtype = _output_dtype(dtype, stft_matrix.dtype)
    window = stft_window(window, win_length, n_fft)

    # librosa: with length, only the frames the output needs are inverted
    if length:
        padded = length + 2 * (n_fft // 2) if center else length
        n_frames = min(T, int(np.ceil(padded / hop_length)))
    else:
        n_frames = T
    if length:
        out_len = length
    else:
        out_len = n_fft + hop_length * (n_frames - 1)
        if center:
            out_len -= 2 * (n_fft // 2)
        if out_len < 0:
            raise ParameterError(
                f"stft_matrix has {T} frame(s): the signal would have {out_len} samples"
            )

    lead = stft_matrix.shape[:-2]
    if n_frames == 0 or stft_matrix.size == 0:  # nothing to overlap-add: librosa's zeros
        return store_output(np.zeros((*lead, out_len), dtype=out_dtype), out)
    n_bins = n_fft // 2 + 1
    ctype = np.complex128 if double else np.complex64
    D = stft_matrix.reshape(-1, n_rows, T)
    if n_rows != n_bins:  # numpy.fft.irfft(n=n_fft): crop or zero-pad the bins
        fixed = np.zeros((D.shape[0], n_bins, T), dtype=ctype)
        m = min(n_rows, n_bins)
        fixed[:, :m] = D[:, :m]
        D = fixed
    # frame-major (B, T, F): librosa's Fortran-ordered STFT needs no copy
    D = np.ascontiguousarray(np.swapaxes(D, -1, -2), dtype=ctype)
    if D.size and not (
        _core.all_finite(D.reshape(-1).view(np.float32), n_threads)
        if ctype == np.complex64
        else np.isfinite(D).all()
    ):
        raise ParameterError("stft_matrix is not finite everywhere (it contains NaN or Inf)")
    y = _core.istft(D, window, hop_length, bool(center), n_frames, out_len, n_threads)
    return store_output(y.reshape(*lead, out_len).astype(out_dtype, copy=False), out)
