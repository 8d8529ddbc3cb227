"""genrefx's C++/SIMD core (cpp/bindings.cpp). Use the genrefx package, not this module.

The Python layer validates every argument and hands over C-contiguous float32 arrays of shape
``(B, n)`` (signals) or ``(B, F, T)`` (spectrograms); the core only checks what it must to stay
memory-safe (raising ``ValueError``), and releases the GIL while computing. Outputs are
``(B, rows, T)`` arrays. Array arguments are converted to float32 (float64 for the window,
``freq`` and ``bw_centroid``, int32 for the contrast band edges) and made C-contiguous, copying
if needed.
"""

from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str
"""The version the core was built as (the project version)."""

def simd_level() -> str:
    """The SIMD level in use: ``"baseline"``, ``"avx2"`` or ``"avx512"``.

    The first call selects the kernels (the best level the CPU supports, capped by the
    environment variable ``GENREFX_SIMD``) and raises ``ValueError`` naming the variable for
    an unknown cap.
    """

def available_levels() -> list[str]:
    """The SIMD levels this CPU supports, lowest first."""

def simd_cap() -> str:
    """The value of ``GENREFX_SIMD`` now, or ``""`` when it is unset."""

def lanes() -> int:
    """Frames processed together per SIMD block by the kernels in use."""

class StftPlan:
    """A framing and window, reusable across calls (the FFT plan is shared by ``n_fft``)."""

    def __init__(
        self,
        n_fft: int,
        hop_length: int,
        window: npt.ArrayLike,
        center: bool,
        pad_mode: str,
    ) -> None:
        """Plan frames of ``n_fft`` samples every ``hop_length`` samples.

        ``window`` is the full-length (``n_fft``) window, converted to float64 (kept in float64
        for the float64 FFT path and in float32 for the float32 one). ``center`` pads
        ``n_fft // 2`` samples on each side with ``pad_mode`` (librosa's modes, e.g.
        ``"constant"``, ``"edge"``, ``"reflect"``). Raises ``ValueError`` for a non-positive
        ``n_fft`` or ``hop_length``, a window of another length, or an unknown ``pad_mode``.
        """

    @property
    def n_fft(self) -> int:
        """Frame length and FFT size."""

    @property
    def hop_length(self) -> int:
        """Samples between frame starts."""

    def n_frames(self, n: int, /) -> int:
        """Frames of a signal of ``n`` samples (librosa's count); -1 when ``center=False`` and
        the signal is shorter than ``n_fft``."""

class SparseBank:
    """A filterbank (``n_rows x n_bins``) kept as one contiguous run of nonzeros per row."""

    def __init__(self, dense: npt.ArrayLike, /) -> None:
        """Build from a dense 2-D ``(n_rows, n_bins)`` filterbank, converted to float32.

        Raises ``ValueError`` if ``dense`` is not 2-D.
        """

    @property
    def n_rows(self) -> int:
        """Filters (rows), e.g. ``n_mels``."""

    @property
    def n_bins(self) -> int:
        """Frequency bins (columns), ``n_fft // 2 + 1``."""

def extract(
    plan: StftPlan,
    y: npt.ArrayLike,
    request: dict[str, Any],
    n_threads: int = 1,
    y64: npt.ArrayLike | None = None,
) -> dict[str, Any]:
    """Compute the requested features of signals ``y`` (B, n) in one framing + FFT pass.

    ``request["features"]`` lists names among ``"stft"``, ``"stft64"`` (complex128 from the
    float64 FFT, unrounded: float64 audio's stft; implies ``"fft64"``), ``"melspectrogram"``,
    ``"mfcc"``,
    ``"chroma_stft"``, ``"spectral_centroid"``, ``"spectral_bandwidth"``,
    ``"spectral_contrast"``, ``"spectral_rolloff"``, ``"spectral_flatness"`` and ``"rms"``;
    the other keys carry their parameters and prepared tables (built by
    ``genrefx._requests``). ``"fft64": True`` computes the FFT in float64 (librosa's
    precision, which spectral_contrast, spectral_bandwidth and spectral_flatness need).
    ``y64``: the same audio in float64 (float64 input), or None; with ``"fft64"`` the float64
    FFT then frames it unrounded, as librosa does (``y`` still serves rms).
    ``"independent": True`` takes chroma's tuning estimate, ``estimate_tuning`` and the top_db
    maxima of mfcc and contrast per signal instead of over all B signals.

    Returns one ``(B, rows, T)`` array per feature (complex64 for ``stft``, complex128 for
    ``stft64``, float32 for mel,
    mfcc, chroma, flatness and rms, float64 for the others) and, when chroma is requested,
    ``"tuning"``: the tuning used (a float; a ``(B,)`` float64 array with ``independent``;
    likewise ``"estimate_tuning"``). Raises ``ValueError`` for a malformed request,
    an empty ``y``, or ``y`` shorter than ``n_fft`` with ``center=False``. ``n_threads``
    spreads the signals and runs of frames over threads.
    """

def spectral(
    S: npt.ArrayLike,
    request: dict[str, Any],
    n_threads: int = 1,
) -> dict[str, Any]:
    """Compute the requested features from given spectrograms ``S`` (B, F, T).

    ``S`` is a magnitude spectrogram for the shape features and a power spectrogram for mel
    and chroma (``F >= 2``). ``request`` is as for :func:`extract` (without ``"stft"`` /
    ``"stft64"``);
    returns the same dict.
    """

def zero_crossing_rate(
    y: npt.ArrayLike,
    frame_length: int,
    hop_length: int,
    center: bool,
    threshold: float,
    pad: bool,
    zero_pos: bool,
    n_threads: int = 1,
) -> npt.NDArray[np.float64]:
    """librosa.feature.zero_crossing_rate of signals ``y`` (B, n): a (B, 1, T) float64 array.

    Centered frames use edge padding (as librosa does); ``threshold``, ``pad`` and
    ``zero_pos`` are librosa.zero_crossings' arguments.
    """

def cqt_octave(
    plan: StftPlan,
    y: npt.ArrayLike,
    indptr: npt.ArrayLike,
    indices: npt.ArrayLike,
    data: npt.ArrayLike,
    row_scale: npt.ArrayLike | None = None,
    n_threads: int = 1,
) -> npt.NDArray[np.complex64]:
    """One octave of librosa's CQT: the STFT of float32 signals ``y`` (B, n) with ``plan``'s
    framing and window, computed as a float64 FFT, times the octave's sparse FFT'd filter
    basis given as CSR arrays (int32 ``indptr`` / ``indices`` over the plan's bins, complex64
    ``data``). ``row_scale`` (float64, one per basis row) divides each row as numpy's
    ``complex64 /= float64`` does (times ``1 / scale`` in float64). Returns (B, n_filters,
    n_frames) complex64. The GIL is released."""

def divide(x: npt.NDArray[np.float32], divisor: float, out: npt.NDArray[np.float32]) -> None:
    """``out[:] = x / divisor`` computed in float64 and rounded to float32, as numpy's
    ``float32 array /= float64 scalar``; 1-D arrays of one length. The GIL is released."""

def median(x: npt.ArrayLike) -> float:
    """``np.median`` of a 1-D float32 array (NaN-free; 0.0 when empty), as the core's
    estimate_tuning takes it of the piptrack magnitudes; exposed for the tests. The GIL is
    released."""

def all_finite(x: npt.ArrayLike, n_threads: int = 1) -> bool:
    """Whether a float32 array has no NaN or Inf (the scan runs without the GIL, split over
    up to ``n_threads`` threads for large arrays).

    ``x`` is made a C-contiguous float32 array, but only safe casts are allowed: float64
    input raises ``TypeError``.
    """

def chroma_filterbank(
    sr: float,
    n_fft: int,
    n_chroma: int,
    tuning: float,
    ctroct: float,
    octwidth: float,
    base_c: bool,
) -> npt.NDArray[np.float32]:
    """librosa.filters.chroma as a ``(n_chroma, n_fft // 2 + 1)`` float32 array.

    ``octwidth <= 0`` stands for librosa's ``octwidth=None`` (no Gaussian weighting).
    """

def pitch_tuning(
    frequencies: npt.ArrayLike,
    resolution: float,
    bins_per_octave: int,
) -> float:
    """librosa.pitch_tuning of ``frequencies`` (converted to float32), in fractions of a bin;
    ``resolution`` in [1e-6, 1), ``bins_per_octave`` > 0 (ValueError otherwise). As librosa,
    counts only frequencies > 0 whose residual is a number (not inf, nan, or an ``f / 27.5``
    that underflows to 0); log2 is rounded correctly from float64, where numpy's float32 log2
    can be 1 ulp off (a count at an exact histogram edge may then differ)."""

def row_stats(x: npt.ArrayLike, stats: list[str]) -> npt.NDArray[np.float32]:
    """Statistics of each row of a 2-D float32 or float64 array over its frames, stat-major
    (``out[s * rows + r]``), float32: mean, std, var (population), skew, kurtosis (scipy's
    biased defaults, 0 for a constant row), median (numpy's), min, max (GIL released)."""

# --- istft, hpss, tempo and beats (cpp/istft.cpp, cpp/hpss.cpp, cpp/rhythm.cpp) ---

def istft(
    D: npt.NDArray[np.complex64] | npt.NDArray[np.complex128],
    window: npt.ArrayLike,
    hop_length: int,
    center: bool,
    n_frames: int,
    length: int,
    n_threads: int = 1,
) -> npt.NDArray[np.float32] | npt.NDArray[np.float64]:
    """librosa.istft of frame-major spectrograms ``D`` (B, T, F), C-contiguous complex64
    (float32 arithmetic, float32 output) or complex128 (float64): a ``(B, length)`` array.

    ``window`` is the ``n_fft``-sample synthesis window (float64; ``F == n_fft // 2 + 1``).
    Frames ``[0, n_frames)`` are inverted (the imaginary parts of the DC and, for even
    ``n_fft``, Nyquist bins ignored, as numpy.fft.irfft), windowed, overlap-added every
    ``hop_length`` samples, divided by the window sum-square where it exceeds tiny, and the
    first ``n_fft // 2`` samples dropped when ``center``; samples past the overlap-added signal
    are 0. Raises ``ValueError`` for inconsistent sizes. GIL released; ``n_threads`` spreads
    runs of frames and signals.
    """

def hpss(
    D: npt.NDArray[np.complex64] | npt.NDArray[np.float32],
    kernel_harm: int,
    kernel_perc: int,
    power: float,
    margin_harm: float,
    margin_perc: float,
    masks: bool,
    want_harmonic: bool,
    want_percussive: bool,
    n_threads: int = 1,
) -> tuple[npt.NDArray[Any] | None, npt.NDArray[Any] | None]:
    """librosa.decompose.hpss of frame-major spectrograms (B, T, F), C-contiguous: complex64
    STFTs (magnitude and phase) or float32 non-negative ``S``.

    Median filters of ``kernel_harm`` frames along time and ``kernel_perc`` bins along
    frequency (scipy.ndimage 'reflect' boundary, window ``[i - k // 2, i - k // 2 + k)``,
    rank ``k // 2``), then librosa.util.softmask with ``power`` (``inf``: hard masks as 1/0)
    and the margins. Returns ``(harmonic, percussive)``, each ``(B, T, F)`` or None when not
    wanted: the masks (float32) when ``masks``, else the components (complex64 for complex
    input, float32 for real). Raises ``ValueError`` for kernel sizes < 1, ``power <= 0`` or
    margins < 1. GIL released.
    """

def tempogram(
    padded: npt.NDArray[np.float32],
    n_frames: int,
    window: npt.ArrayLike,
    n_threads: int = 1,
    hann: bool = False,
) -> npt.NDArray[np.float64]:
    """librosa.feature.tempogram (norm=inf) of padded envelopes (B, n_padded), C-contiguous
    float32: ``(B, L, n_frames)`` float64 with ``L = len(window)``; frame ``t`` is
    ``padded[:, t:t + L] * window``, autocorrelated through a float64 FFT and divided by its
    largest absolute value (unless that is below tiny). ``hann=True`` (``window`` must then be
    the periodic Hann window) computes the same in O(L) per frame from running trigonometric
    sums, within ~1e-12 of each frame's maximum. GIL released.
    """

def beat_dp(
    onset: npt.NDArray[np.float64],
    frames_per_beat: float,
    tightness: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """librosa.beat's local score and dynamic program for one normalized envelope (1-D float64)
    and a static tempo: ``(localscore, backlink, cumscore)``. ``tightness`` is rounded to
    float32 (librosa's signature). GIL released.
    """

def median_rows(x: npt.NDArray[np.float32], n_threads: int = 1) -> npt.NDArray[np.float32]:
    """``np.median(x, axis=0)`` of a finite C-contiguous 2-D float32 array (float32 results,
    the mean of the two middle values for an even number of rows). GIL released."""
