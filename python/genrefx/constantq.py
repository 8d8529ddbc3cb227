"""Constant-Q transform, mirroring ``librosa.cqt`` (librosa's recursive sub-sampling method).

The filter bases are built once per parameter set (cached), with the same numpy operations as
librosa so that they are bit-for-bit librosa's; per call the work is one STFT per octave (the
core's SIMD FFT), a sparse product with the octave's basis, and a 2:1 soxr_hq decimation
between octaves, as librosa does.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core
from ._framing import framing
from ._validation import (
    as_signal_batch,
    check_positive_int,
    check_positive_number,
    check_tuning,
    valid_audio,
)
from .exceptions import ParameterError
from .filters import get_window
from .notes import note_to_midi
from .pitch import estimate_tuning
from .spectrum import _stft
from .util import normalize

__all__ = ["cqt", "cqt_frequencies", "note_to_hz"]

# librosa.filters.WINDOW_BANDWIDTHS (n * sum(w^2) / sum(w)^2 for n = 1000): the constants
# librosa ships, so that the filter cut-off (and with it early downsampling) agrees exactly
_WINDOW_BANDWIDTHS = {
    "bart": 1.3334961334912805,
    "barthann": 1.4560255965133932,
    "bartlett": 1.3334961334912805,
    "bkh": 2.0045975283585014,
    "black": 1.7269681554262326,
    "blackharr": 2.0045975283585014,
    "blackman": 1.7269681554262326,
    "blackmanharris": 2.0045975283585014,
    "blk": 1.7269681554262326,
    "bman": 1.7859588613860062,
    "bmn": 1.7859588613860062,
    "bohman": 1.7859588613860062,
    "box": 1.0,
    "boxcar": 1.0,
    "brt": 1.3334961334912805,
    "brthan": 1.4560255965133932,
    "bth": 1.4560255965133932,
    "cosine": 1.2337005350199792,
    "flat": 2.7762255046484143,
    "flattop": 2.7762255046484143,
    "flt": 2.7762255046484143,
    "halfcosine": 1.2337005350199792,
    "ham": 1.3629455320350348,
    "hamm": 1.3629455320350348,
    "hamming": 1.3629455320350348,
    "han": 1.50018310546875,
    "hann": 1.50018310546875,
    "nut": 1.9763500280946082,
    "nutl": 1.9763500280946082,
    "nuttall": 1.9763500280946082,
    "ones": 1.0,
    "par": 1.917460317460319,
    "parz": 1.917460317460319,
    "parzen": 1.917460317460319,
    "rect": 1.0,
    "rectangular": 1.0,
    "tri": 1.333170652355585,
    "triang": 1.333170652355585,
    "triangle": 1.333170652355585,
}


def note_to_hz(note: Any, *, round_midi: bool = True) -> Any:
    """Frequency of one or more note names such as "C1", "A#4", "Gb2" or "C2-32" (A4 = 440
    Hz); mirrors ``librosa.note_to_hz``.

    Parameters
    ----------
    note : str or iterable of str
        Note names: a letter (any case), accidentals (``#``, ``b``, ``!``, ``♯``, ``♭``,
        ``𝄪``, ``𝄫``, ``♮``), the octave and optional cents (``+25``, ``-32``). Unlike
        librosa, which reads a missing octave as octave 0, genrefx requires the octave.
    round_midi : bool
        Round to the nearest MIDI number (so cents are dropped), as librosa's default.

    Returns
    -------
    frequency : np.float64 or np.ndarray [shape=(len(note),)]

    Raises
    ------
    ParameterError
        If a name is not in that format or has no octave.
    """
    midi = note_to_midi(note, round_midi=round_midi)
    return 440.0 * (2.0 ** ((np.asanyarray(midi) - 69.0) / 12.0))


def cqt_frequencies(
    n_bins: int, *, fmin: float, bins_per_octave: int = 12, tuning: float = 0.0
) -> np.ndarray:
    """Centre frequencies of the CQT bins; mirrors ``librosa.cqt_frequencies``:
    ``fmin * 2^(tuning / bins_per_octave) * 2^(k / bins_per_octave)``."""
    correction = 2.0 ** (float(tuning) / bins_per_octave)
    frequencies = 2.0 ** (np.arange(0, n_bins, dtype=float) / bins_per_octave)
    return correction * fmin * frequencies


def _interval_frequencies(n_bins: int, fmin: float, bins_per_octave: int) -> np.ndarray:
    """The bins' frequencies as librosa.cqt computes them (``librosa.interval_frequencies``
    with equal temperament: one octave of ratios, tiled, which differs from
    :func:`cqt_frequencies` by round-off)."""
    ratios = 2.0 ** (np.arange(0, bins_per_octave, dtype=float) / bins_per_octave)
    n_octaves = np.ceil(n_bins / bins_per_octave)
    all_ratios = np.multiply.outer(2.0 ** np.arange(n_octaves), ratios).flatten()[:n_bins]
    return np.sort(all_ratios) * fmin


def _window_bandwidth(window: Any) -> float:
    key = getattr(window, "__name__", window)
    if isinstance(key, str) and key in _WINDOW_BANDWIDTHS:
        return _WINDOW_BANDWIDTHS[key]
    n = 1000
    win = get_window(window, n)
    return float(n * np.sum(win**2) / (np.sum(win) ** 2 + np.finfo(win.dtype).tiny))


def _relative_bandwidth(freqs: np.ndarray) -> np.ndarray:
    """librosa.filters._relative_bandwidth."""
    bpo = np.empty_like(freqs)
    logf = np.log2(freqs)
    bpo[0] = 1 / (logf[1] - logf[0])
    bpo[-1] = 1 / (logf[-1] - logf[-2])
    bpo[1:-1] = 2 / (logf[2:] - logf[:-2])
    return (2.0 ** (2 / bpo) - 1) / (2.0 ** (2 / bpo) + 1)


def _wavelet_lengths(freqs, sr, window, filter_scale, alpha) -> tuple[np.ndarray, float]:
    """librosa.filters.wavelet_lengths for gamma=0."""
    Q = float(filter_scale) / alpha
    f_cutoff = max(freqs * (1 + 0.5 * _window_bandwidth(window) / Q))
    return Q * sr / freqs, f_cutoff


@functools.lru_cache(maxsize=1024)
def _window_of(window: Any, n: int) -> np.ndarray:
    win = np.asarray(get_window(window, n))
    win.setflags(write=False)
    return win


def _float_window(window: Any, length: int) -> np.ndarray:
    """librosa's ``__float_window`` for a whole length: the window of ``length`` samples
    (cached: every octave has the same filter lengths)."""
    return _window_of(window, int(length))


def _sparsify_rows(x: np.ndarray, quantile: float):
    """librosa.util.sparsify_rows: per row, keep the largest magnitudes that carry all but
    ``quantile`` of the row's L1 mass. Returns CSR arrays (indptr, indices, data)."""
    mags = np.abs(x)
    norms = np.sum(mags, axis=1, keepdims=True)
    mag_sort = np.sort(mags, axis=1)
    cumulative_mag = np.cumsum(mag_sort / norms, axis=1)
    threshold_idx = np.argmin(cumulative_mag < quantile, axis=1)
    keep = mags >= mag_sort[np.arange(x.shape[0]), threshold_idx][:, None]
    keep &= x != 0  # stored entries are the nonzero ones, as scipy.sparse keeps them
    rows, cols = np.nonzero(keep)
    indptr = np.zeros(x.shape[0] + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=x.shape[0]), out=indptr[1:])
    return indptr, cols.astype(np.int32), x[rows, cols]


def _filter_fft(sr, freqs, filter_scale, norm, sparsity, window, alpha, dtype):
    """librosa's ``__vqt_filter_fft`` (gamma=0): the octave's wavelets, FFT'd and sparsified."""
    import scipy.fft

    lengths, _ = _wavelet_lengths(freqs, sr, window, filter_scale, alpha)
    filters = []
    for ilen, freq in zip(lengths, freqs, strict=True):
        angles = np.arange(-ilen // 2, ilen // 2, dtype=float) * 2 * np.pi * freq / sr
        sig = np.cos(angles) + 1j * np.sin(angles)  # librosa.util.phasor
        sig *= _float_window(window, len(sig))
        filters.append(normalize(sig, norm=norm, axis=0))
    n_fft = int(2.0 ** (np.ceil(np.log2(max(lengths)))))
    basis = np.zeros((len(filters), n_fft), dtype=np.complex64)
    for row, filt in zip(basis, filters, strict=True):
        lpad = (n_fft - len(filt)) // 2  # librosa.util.pad_center
        row[lpad : lpad + len(filt)] = filt
    basis *= lengths[:, np.newaxis] / float(n_fft)
    # librosa's fftlib: scipy.fft (numpy.fft's round-off differs, and flipped which
    # coefficients sparsify's 1 % quantile kept in one row of 36 bins per octave at 11025 Hz)
    fft_basis = scipy.fft.fft(basis, n=n_fft, axis=1)[:, : (n_fft // 2) + 1]
    return _sparsify_rows(fft_basis.astype(dtype, copy=False), sparsity), n_fft


@dataclass(frozen=True)
class _Octave:
    n_fft: int
    hop_length: int
    indptr: np.ndarray  # the sparse FFT'd basis as CSR arrays for the core
    indices: np.ndarray
    data: np.ndarray  # complex64
    data_full: np.ndarray  # in the plan's dtype (complex128: the float64 path of float64 audio)
    row_scale: np.ndarray  # each basis row's sqrt(filter length) (librosa's scale=True), float64


@dataclass(frozen=True)
class _CqtPlan:
    downsample: int  # early downsampling factor (1: none)
    octaves: tuple[_Octave, ...]
    scale: np.ndarray  # sqrt of the filter lengths at the working rate
    frame_sizes: tuple[tuple[int, int], ...]  # each octave's (n_fft, hop_length)


def _early_downsample_count(nyquist, filter_cutoff, hop_length, n_octaves) -> int:
    count1 = max(0, int(np.ceil(np.log2(nyquist / filter_cutoff)) - 1) - 1)
    num_twos = 0
    while hop_length > 0 and hop_length % (2 ** (num_twos + 1)) == 0:
        num_twos += 1
    return min(count1, max(0, num_twos - n_octaves + 1))


# Keyed by the tuned fmin: estimated tunings fall on a 1/100-bin grid, so a batch of tracks
# needs at most ~100 plans per setting; each costs a few ms to build.
@functools.lru_cache(maxsize=512)
def _plan(
    sr, hop_length, fmin, n_bins, bins_per_octave, filter_scale, norm, sparsity, window, dtype
) -> _CqtPlan:
    dtype = np.dtype(dtype)
    n_octaves = int(np.ceil(float(n_bins) / bins_per_octave))
    n_filters = min(bins_per_octave, n_bins)
    freqs = _interval_frequencies(n_bins, fmin, bins_per_octave)
    if n_bins == 1:
        r = 2 ** (1 / bins_per_octave)  # librosa's __et_relative_bw
        alpha = np.atleast_1d((r**2 - 1) / (r**2 + 1))
    else:
        alpha = _relative_bandwidth(freqs)
    _, filter_cutoff = _wavelet_lengths(freqs, sr, window, filter_scale, alpha)
    nyquist = sr / 2.0
    if filter_cutoff > nyquist:
        raise ParameterError(
            f"Wavelet basis with max frequency={np.max(freqs[-bins_per_octave:])} would exceed "
            f"the Nyquist frequency={nyquist}. Try reducing the number of frequency bins."
        )
    count = _early_downsample_count(nyquist, filter_cutoff, hop_length, n_octaves)
    factor = 2**count
    sr_work, hop = sr / float(factor), hop_length // factor
    lengths, _ = _wavelet_lengths(freqs, sr_work, window, filter_scale, alpha)
    scale = np.sqrt(lengths)
    octaves = []
    my_sr, my_hop = sr_work, hop
    end = n_bins  # the octaves fill the bins from the top, as librosa's __trim_stack
    for i in range(n_octaves):
        sl = slice(-n_filters, None) if i == 0 else slice(-n_filters * (i + 1), -n_filters * i)
        basis, n_fft = _filter_fft(
            my_sr, freqs[sl], filter_scale, norm, sparsity, window, alpha[sl], dtype
        )
        indptr, indices, data = basis
        # librosa: fft_basis[:] *= np.sqrt(sr / my_sr), in the basis' dtype
        data = (data * np.sqrt(sr_work / my_sr)).astype(dtype)
        # the rows __trim_stack keeps (the last `end` when fewer are left) take their bins'
        # scales; rows it drops get 1
        n_rows = len(indptr) - 1
        row_scale = np.ones(n_rows)
        kept = min(end, n_rows)
        row_scale[n_rows - kept :] = scale[end - kept : end]
        end -= n_rows
        octaves.append(
            _Octave(n_fft, my_hop, indptr, indices, data.astype(np.complex64), data, row_scale)
        )
        if my_hop % 2 == 0:
            my_hop //= 2
            my_sr /= 2.0
        else:
            # librosa stops decimating; later octaves reuse this rate and hop
            pass
    return _CqtPlan(factor, tuple(octaves), scale, tuple((o.n_fft, o.hop_length) for o in octaves))


def _octave_framings(frame_sizes: tuple[tuple[int, int], ...], pad_mode: Any) -> tuple:
    """The octaves' STFT framings (rectangular window, centred frames), cached for string
    ``pad_mode``s."""
    if isinstance(pad_mode, str):
        return _cached_octave_framings(frame_sizes, pad_mode)
    return _build_octave_framings(frame_sizes, pad_mode)


@functools.lru_cache(maxsize=64)
def _cached_octave_framings(frame_sizes: tuple[tuple[int, int], ...], pad_mode: str) -> tuple:
    return _build_octave_framings(frame_sizes, pad_mode)


def _build_octave_framings(frame_sizes: tuple[tuple[int, int], ...], pad_mode: Any) -> tuple:
    return tuple(
        framing(n_fft=n_fft, hop_length=hop, window="ones", center=True, pad_mode=pad_mode)
        for n_fft, hop in frame_sizes
    )


#: Whether ``float32_array /= np.float64(x)`` divides in float64 (NumPy 2's promotion, NEP 50)
#: or in float32 (NumPy 1's value-based casting), as librosa.resample's ``y_hat /= np.sqrt(ratio)``
_DIVIDE64 = np.result_type(np.float64(0.5), np.ones(1, dtype=np.float32)) == np.float64


def _decimate(y: np.ndarray, factor: int) -> np.ndarray:
    """librosa.resample(y, orig_sr=factor, target_sr=1, res_type="soxr_hq", scale=True)."""
    import soxr

    n_out = int(np.ceil(y.shape[-1] * (1.0 / factor)))
    flat = y.reshape(-1, y.shape[-1])
    out = np.empty((flat.shape[0], n_out), dtype=y.dtype)
    divisor = float(np.sqrt(1.0 / factor))
    for row, src in zip(out, flat, strict=True):
        res = soxr.resample(src, factor, 1, quality="soxr_hq")
        take = min(n_out, res.shape[-1])
        if y.dtype == np.float32 and _DIVIDE64:  # res / divisor in float64, as numpy 2's /=
            _core.divide(np.ascontiguousarray(res[:take]), divisor, row[:take])
        else:
            np.divide(res[:take], np.float64(divisor), out=row[:take])
        row[take:] = 0
    return out.reshape(*y.shape[:-1], n_out)


def _octave_response64(y: np.ndarray, octave: _Octave, pad_mode: Any) -> np.ndarray:
    """librosa's ``__cqt_response`` of float64 ``y`` (..., n): the octave's float64 STFT (a
    rectangular window, centred frames) times its complex128 basis; (B, rows, frames)."""
    import scipy.sparse

    D = _stft(
        y,
        n_fft=octave.n_fft,
        hop_length=octave.hop_length,
        window="ones",
        center=True,
        pad_mode=pad_mode,
        fft64=True,
    )
    n_bins, n_frames = D.shape[-2], D.shape[-1]
    basis = scipy.sparse.csr_matrix(
        (octave.data_full, octave.indices, octave.indptr),
        shape=(len(octave.indptr) - 1, n_bins),
    )
    return np.stack([basis.dot(d) for d in D.reshape(-1, n_bins, n_frames)])


def cqt(
    y: np.ndarray,
    *,
    sr: float = 22050,
    hop_length: int = 512,
    fmin: float | None = None,
    n_bins: int = 84,
    bins_per_octave: int = 12,
    tuning: float | None = 0.0,
    filter_scale: float = 1,
    norm: float | None = 1,
    sparsity: float = 0.01,
    window: Any = "hann",
    scale: bool = True,
    pad_mode: str = "constant",
    res_type: str | None = "soxr_hq",
    dtype: Any = None,
) -> np.ndarray:
    """Constant-Q transform of ``y``; mirrors ``librosa.cqt`` (and so ``librosa.vqt`` with
    gamma=0).

    librosa's algorithm, step for step: the bins' frequencies from ``fmin`` (C1 by default)
    shifted by ``tuning`` (estimated with :func:`genrefx.estimate_tuning` when None), early
    downsampling when the filters allow it, then per octave from the top: an STFT with a
    rectangular window whose n_fft is the octave's longest filter rounded up to a power of two,
    the product with the octave's sparse FFT'd wavelet basis, and a 2:1 ``soxr_hq`` decimation
    (with librosa's sqrt(2) gain) before the next octave. The bases are built once per
    parameter set with librosa's own numpy operations; the STFTs run in the core.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], floating-point
    sr : number > 0
    hop_length : int > 0
        Must be divisible by 2 for every octave below the top one to be decimated, as in
        librosa.
    fmin : float > 0 or None
    n_bins, bins_per_octave : int > 0
    tuning : float or None
    filter_scale : float > 0
    norm : {1, 2, inf, None}
    sparsity : float in [0, 1)
    window : str, tuple or callable
    scale : bool
        Divide each bin by the square root of its filter length (librosa's default).
    pad_mode : str
    res_type : "soxr_hq" or None
        Only soxr_hq (librosa's default) is implemented.
    dtype : complex dtype or None

    Returns
    -------
    CQT : np.ndarray [shape=(..., n_bins, t)], complex64 for float32 input

    See Also
    --------
    librosa.cqt
    """
    y = valid_audio(y)
    if tuning is not None:
        as_signal_batch(y)  # the finiteness check, before any decimation
    # (tuning=None: estimate_tuning's pass of the core checks y, before any decimation too)
    sr = check_positive_number(sr, "sr")
    hop_length = check_positive_int(hop_length, "hop_length")
    n_bins = check_positive_int(n_bins, "n_bins")
    bins_per_octave = check_positive_int(bins_per_octave, "bins_per_octave")
    filter_scale = check_positive_number(filter_scale, "filter_scale")
    if res_type not in (None, "soxr_hq"):
        raise ParameterError(f"res_type={res_type!r}: genrefx.cqt implements 'soxr_hq' only")
    if not 0.0 <= float(sparsity) < 1.0:
        raise ParameterError(f"sparsity={sparsity} must be in [0, 1)")
    if norm is not None and not (norm == np.inf or float(norm) > 0):
        raise ParameterError(f"norm={norm!r} must be positive, np.inf or None")
    fmin = note_to_hz("C1") if fmin is None else check_positive_number(fmin, "fmin")
    tuning = check_tuning(tuning)
    if tuning is None:
        tuning = estimate_tuning(y=y, sr=sr, bins_per_octave=bins_per_octave)
    if dtype is None:
        dtype = np.complex128 if y.dtype == np.float64 else np.complex64
    fmin = fmin * 2.0 ** (float(tuning) / bins_per_octave)
    try:
        hash(window)
    except TypeError:
        raise ParameterError("window must be a name, tuple or function for cqt") from None
    plan = _plan(
        float(sr),
        hop_length,
        float(fmin),
        n_bins,
        bins_per_octave,
        float(filter_scale),
        norm,
        float(sparsity),
        window,
        np.dtype(dtype).str,
    )
    n_octaves = len(plan.octaves)
    if plan.downsample > 1:
        if y.shape[-1] < plan.downsample:
            raise ParameterError(
                f"Input signal length={y.shape[-1]} is too short for {n_octaves}-octave CQT"
            )
        y = _decimate(y, plan.downsample)
        if not scale:
            y *= np.sqrt(plan.downsample)
    lead = y.shape[:-1]
    # scale=True's division by sqrt(lengths): a complex64 result is divided by the core, as
    # numpy's complex64 /= float64 does it; a complex128 one afterwards
    core_scale = scale and np.dtype(dtype) == np.complex64
    responses = []
    my_y = y
    framings = _octave_framings(plan.frame_sizes, pad_mode)  # centred: any length will do
    # float64 audio into a complex128 CQT: librosa's float64 STFTs and basis products (the
    # core's octaves take float32 signals and complex64 products, which put the CQT 1e-5 to
    # 4e-5 of its peak from librosa's, and chroma_cqt's weak frames up to 1.8e-2)
    exact64 = y.dtype == np.float64 and np.dtype(dtype) == np.complex128
    for i, (octave, fr) in enumerate(zip(plan.octaves, framings, strict=True)):
        if exact64:
            responses.append(_octave_response64(my_y, octave, pad_mode))
        else:
            batch, _ = as_signal_batch(my_y, check_finite=False)
            responses.append(
                _core.cqt_octave(
                    fr.plan,
                    batch,
                    octave.indptr,
                    octave.indices,
                    octave.data,
                    row_scale=octave.row_scale if core_scale else None,
                )
            )
        # librosa decimates after the last octave too, for nothing; skipped here
        if octave.hop_length % 2 == 0 and i + 1 < n_octaves:
            my_y = _decimate(my_y, 2)
    # librosa's __trim_stack: the octaves from the top, cut to the shortest, Fortran-ordered
    max_col = min(r.shape[-1] for r in responses)
    V = np.empty((*lead, n_bins, max_col), dtype=dtype, order="F")
    end = n_bins
    for resp in responses:
        n_oct = resp.shape[-2]
        resp = resp.reshape(*lead, n_oct, resp.shape[-1])
        if end < n_oct:
            V[..., :end, :] = resp[..., -end:, :max_col]
        else:
            V[..., end - n_oct : end, :] = resp[..., :max_col]
        end -= n_oct
    if scale and not core_scale:
        V /= plan.scale[:, np.newaxis]
    return V
