"""Property-based tests (hypothesis; profile "genrefx" from conftest.py: derandomized, 25
examples per test). References are independent of genrefx: librosa's shape formula, numpy's
rfft of explicitly framed and windowed signals, Parseval's identity, exact identities.
"""

from __future__ import annotations

import librosa
import numpy as np
import scipy.signal
from hypothesis import assume, given
from hypothesis import strategies as st

import genrefx
from conftest import rel_err

N_FFTS = (256, 512, 1000, 1024)
TOL = 1e-5  # the stft parity tolerance of the issue


def signal_from_seed(seed, n, dtype=np.float32, scale=0.5):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal(n)).astype(dtype)


@st.composite
def framing(draw, centered=None, max_len=6000):
    """(length, n_fft, hop_length, center) with lengths concentrated around n_fft and hop
    boundaries."""
    n_fft = draw(st.sampled_from(N_FFTS))
    hop = draw(
        st.one_of(
            st.sampled_from([n_fft // 4, n_fft // 2, n_fft, 441, 160]), st.integers(16, 2 * n_fft)
        )
    )
    center = draw(st.booleans()) if centered is None else centered
    lo = 1 if center else n_fft
    boundary = st.builds(
        lambda k, d: n_fft + k * hop + d,
        st.integers(0, max(0, (max_len - n_fft) // hop)),
        st.integers(-2, 2),
    )
    near_fft = st.builds(lambda d: n_fft + d, st.integers(-3, 3))
    length = draw(st.one_of(st.integers(lo, max_len), boundary, near_fft, st.integers(lo, lo + 8)))
    assume(lo <= length <= max_len + 2)
    return length, n_fft, hop, center


def expected_frames(length, n_fft, hop, center):
    return 1 + length // hop if center else 1 + (length - n_fft) // hop


# --------------------------------------------------------------------------------------
# shapes
# --------------------------------------------------------------------------------------
@given(framing(), st.integers(0, 2**31 - 1))
def test_stft_shape_formula(fr, seed):
    length, n_fft, hop, center = fr
    y = signal_from_seed(seed, length)
    D = genrefx.stft(y, n_fft=n_fft, hop_length=hop, center=center)
    assert D.shape == (1 + n_fft // 2, expected_frames(length, n_fft, hop, center))
    assert D.dtype == np.complex64


@given(framing(max_len=4000), st.integers(0, 2**31 - 1))
def test_feature_shapes(fr, seed):
    length, n_fft, hop, center = fr
    y = signal_from_seed(seed, length)
    t = expected_frames(length, n_fft, hop, center)
    out = genrefx.extract(y, n_fft=n_fft, hop_length=hop, center=center, n_mels=64, tuning=0.0)
    expected = {
        "melspectrogram": 64,
        "mfcc": 20,
        "chroma_stft": 12,
        "spectral_centroid": 1,
        "spectral_bandwidth": 1,
        "spectral_contrast": 7,
        "spectral_rolloff": 1,
        "spectral_flatness": 1,
        "zero_crossing_rate": 1,
        "rms": 1,
    }
    assert set(out) == set(expected)
    for name, rows in expected.items():
        assert out[name].shape == (rows, t), name


@given(st.integers(1, 3), st.integers(1, 2), framing(max_len=3000), st.integers(0, 1000))
def test_batch_shape(a, b, fr, seed):
    length, n_fft, hop, center = fr
    Y = signal_from_seed(seed, a * b * length).reshape(a, b, length)
    D = genrefx.stft(Y, n_fft=n_fft, hop_length=hop, center=center)
    assert D.shape == (a, b, 1 + n_fft // 2, expected_frames(length, n_fft, hop, center))


# --------------------------------------------------------------------------------------
# stft values against an independent numpy reference
# --------------------------------------------------------------------------------------
def reference_stft(y, n_fft, hop, center, window="hann", win_length=None, pad_mode="constant"):
    """numpy.fft.rfft of the explicitly padded, framed and windowed float64 signal."""
    y = np.asarray(y, dtype=np.float64)
    win_length = n_fft if win_length is None else win_length
    w = scipy.signal.get_window(window, win_length, fftbins=True)
    lpad = (n_fft - win_length) // 2
    window_full = np.zeros(n_fft)
    window_full[lpad : lpad + win_length] = w
    if center:
        y = np.pad(y, (n_fft // 2, n_fft // 2), mode=pad_mode)
    n_frames = 1 + (len(y) - n_fft) // hop
    idx = np.arange(n_fft)[:, None] + hop * np.arange(n_frames)[None, :]
    frames = y[idx] * window_full[:, None]
    return np.fft.rfft(frames, axis=0)


@given(
    framing(max_len=3000),
    st.integers(0, 2**31 - 1),
    st.sampled_from(["hann", "hamming", "blackman"]),
    st.sampled_from(["constant", "edge", "reflect"]),
    st.sampled_from([np.float32, np.float64]),
    st.sampled_from([None, 0.5, 0.75]),
)
def test_stft_matches_numpy_rfft(fr, seed, window, pad_mode, dtype, win_frac):
    length, n_fft, hop, center = fr
    win_length = None if win_frac is None else int(win_frac * n_fft)
    y = signal_from_seed(seed, length, dtype=dtype)
    got = genrefx.stft(
        y,
        n_fft=n_fft,
        hop_length=hop,
        center=center,
        window=window,
        win_length=win_length,
        pad_mode=pad_mode,
    )
    ref = reference_stft(y, n_fft, hop, center, window, win_length, pad_mode)
    assert got.dtype == (np.complex64 if dtype == np.float32 else np.complex128)
    assert got.shape == ref.shape
    assert rel_err(got, ref) <= TOL


@given(
    st.one_of(
        st.integers(2, 5000),  # any size: mixed radix, direct DFTs, Bluestein
        st.sampled_from([1024, 1026, 2000, 2048, 2304, 4096, 1102, 1103, 2011, 4099, 2 * 1009]),
    ),
    st.integers(0, 2**31 - 1),
    st.sampled_from([np.float32, np.float64]),
)
def test_stft_any_n_fft_matches_numpy_rfft(n_fft, seed, dtype):
    """Every FFT path of the core (radix 8 / 4 / 2 / 3 / 5 chains, direct DFTs of other primes,
    the float32 decimation-in-frequency split, Bluestein's algorithm) against numpy."""
    hop = max(1, n_fft // 2)
    y = signal_from_seed(seed, n_fft + 3 * hop + 7, dtype=dtype)
    got = genrefx.stft(y, n_fft=n_fft, hop_length=hop, center=False)
    ref = reference_stft(y, n_fft, hop, False, "hann", None, "constant")
    assert got.shape == ref.shape
    assert rel_err(got, ref) <= TOL
    # the float64 FFT path (spectral_flatness needs it) on the same sizes; 1e-4 because this
    # reference takes its means in float64 (librosa's float32 ones are held to 1e-5 by
    # test_feature_parity)
    flat = genrefx.feature.spectral_flatness(y=y, n_fft=n_fft, hop_length=hop, center=False)
    ref_power = np.maximum(1e-10, np.abs(ref.astype(np.complex64)) ** 2.0)
    ref_flat = np.exp(np.mean(np.log(ref_power), axis=0)) / np.mean(ref_power, axis=0)
    assert rel_err(flat[0], ref_flat) <= 1e-4


@given(framing(centered=False, max_len=3000), st.integers(0, 2**31 - 1))
def test_parseval(fr, seed):
    length, n_fft, hop, _ = fr
    y = signal_from_seed(seed, length, dtype=np.float64)
    D = genrefx.stft(y, n_fft=n_fft, hop_length=hop, center=False)
    w = scipy.signal.get_window("hann", n_fft, fftbins=True)
    n_frames = D.shape[-1]
    idx = np.arange(n_fft)[:, None] + hop * np.arange(n_frames)[None, :]
    time_energy = np.sum((y[idx] * w[:, None]) ** 2, axis=0)
    weights = np.full(1 + n_fft // 2, 2.0)
    weights[0] = 1.0
    if n_fft % 2 == 0:
        weights[-1] = 1.0
    freq_energy = weights @ (np.abs(D) ** 2) / n_fft
    assert rel_err(freq_energy, time_energy) <= TOL


# --------------------------------------------------------------------------------------
# linearity and shift
# --------------------------------------------------------------------------------------
@given(
    framing(max_len=4000),
    st.integers(0, 2**31 - 1),
    st.floats(1e-3, 8.0),
    st.sampled_from([1.0, -1.0]),
)
def test_stft_homogeneous(fr, seed, magnitude, sign):
    length, n_fft, hop, center = fr
    a = sign * magnitude
    x = signal_from_seed(seed, length)
    D = genrefx.stft(x, n_fft=n_fft, hop_length=hop, center=center)
    Da = genrefx.stft((a * x).astype(np.float32), n_fft=n_fft, hop_length=hop, center=center)
    assert rel_err(Da, a * D.astype(np.complex128)) <= TOL


@given(framing(max_len=4000), st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1))
def test_stft_additive(fr, s1, s2):
    length, n_fft, hop, center = fr
    x = signal_from_seed(s1, length, dtype=np.float64)
    z = signal_from_seed(s2, length, dtype=np.float64, scale=0.1)
    kw = {"n_fft": n_fft, "hop_length": hop, "center": center}
    assert rel_err(genrefx.stft(x + z, **kw), genrefx.stft(x, **kw) + genrefx.stft(z, **kw)) <= TOL


@given(framing(centered=False, max_len=5000), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_shift_by_hop_shifts_frames(fr, k, seed):
    length, n_fft, hop, _ = fr
    length += k * hop  # so that y[k * hop:] still holds at least one frame
    y = signal_from_seed(seed, length)
    ys = y[k * hop :]
    kw = {"n_fft": n_fft, "hop_length": hop, "center": False}
    D = genrefx.stft(y, **kw)
    Ds = genrefx.stft(ys, **kw)
    assert Ds.shape[-1] == D.shape[-1] - k
    assert rel_err(Ds, D[:, k:]) <= TOL
    f = genrefx.extract(y, features=["rms", "zero_crossing_rate", "spectral_centroid"], **kw)
    fs = genrefx.extract(ys, features=["rms", "zero_crossing_rate", "spectral_centroid"], **kw)
    np.testing.assert_array_equal(fs["zero_crossing_rate"], f["zero_crossing_rate"][:, k:])
    assert rel_err(fs["rms"], f["rms"][:, k:]) <= TOL
    assert rel_err(fs["spectral_centroid"], f["spectral_centroid"][:, k:]) <= TOL


# --------------------------------------------------------------------------------------
# finiteness and silence
# --------------------------------------------------------------------------------------
@st.composite
def finite_signal(draw):
    n = draw(st.integers(1, 5000))
    seed = draw(st.integers(0, 2**31 - 1))
    scale = 10.0 ** draw(st.floats(-4, 2))
    y = signal_from_seed(seed, n, scale=scale)
    kind = draw(st.sampled_from(["noise", "zero-run", "impulse", "dc", "clipped"]))
    if kind == "zero-run" and n > 4:
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a, n))
        y[a:b] = 0.0
    elif kind == "impulse":
        y[:] = 0.0
        y[draw(st.integers(0, n - 1))] = scale
    elif kind == "dc":
        y[:] = scale
    elif kind == "clipped":
        y = np.clip(y * 100, -scale, scale).astype(np.float32)
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return y.astype(dtype)


@given(finite_signal(), st.sampled_from(N_FFTS), st.booleans())
def test_features_finite(y, n_fft, center):
    if not center and len(y) < n_fft:
        y = np.tile(y, -(-n_fft // len(y)))  # repeat up to at least one frame
    out = genrefx.extract(
        y, n_fft=n_fft, hop_length=n_fft // 4, center=center, n_mels=64, tuning=0.0
    )
    for name, v in out.items():
        assert np.all(np.isfinite(v)), name
    D = genrefx.stft(y, n_fft=n_fft, center=center)
    assert np.all(np.isfinite(D))


@given(
    st.integers(1, 5000),
    st.sampled_from(N_FFTS),
    st.booleans(),
    st.sampled_from([np.float32, np.float64]),
)
def test_zero_input(n, n_fft, center, dtype):
    if not center:
        n = max(n, n_fft)
    y = np.zeros(n, dtype=dtype)
    kw = {"n_fft": n_fft, "hop_length": n_fft // 4, "center": center}
    out = genrefx.extract(
        y,
        features=[
            "spectral_centroid",
            "rms",
            "zero_crossing_rate",
            "melspectrogram",
            "spectral_bandwidth",
        ],
        n_mels=64,
        **kw,
    )
    for name, v in out.items():
        assert not np.any(v), f"{name} of silence must be exactly 0"
    assert not np.any(genrefx.feature.spectral_centroid(y=y, **kw))
    assert not np.any(
        genrefx.feature.rms(y=y, frame_length=n_fft, hop_length=n_fft // 4, center=center)
    )
    assert not np.any(
        genrefx.feature.zero_crossing_rate(
            y, frame_length=n_fft, hop_length=n_fft // 4, center=center
        )
    )
    assert not np.any(genrefx.stft(y, **kw))


# ---------------------------------------------------------------------------------------------
# constant-Q transform: shapes as librosa's, chroma invariants
# ---------------------------------------------------------------------------------------------


@given(
    seed=st.integers(0, 2**16),
    n=st.integers(2048, 12000),
    hop_exp=st.integers(6, 10),
    octaves=st.integers(1, 6),
    bpo=st.sampled_from([12, 24, 36]),
)
def test_cqt_shape_and_chroma_invariants(seed, n, hop_exp, octaves, bpo):
    y = signal_from_seed(seed, n)
    hop = 2**hop_exp
    n_bins = octaves * bpo
    C = genrefx.cqt(y, sr=22050, hop_length=hop, n_bins=n_bins, bins_per_octave=bpo)
    # librosa's frame count: one frame per hop of the centred signal, cut to the shortest octave
    assert C.shape[0] == n_bins
    assert abs(C.shape[1] - (1 + n // hop)) <= 1
    assert (
        C.shape
        == librosa.cqt(y, sr=22050, hop_length=hop, n_bins=n_bins, bins_per_octave=bpo).shape
    )
    assert C.dtype == np.complex64
    assert np.all(np.isfinite(C))
    chroma = genrefx.feature.chroma_cqt(
        C=np.abs(C), n_chroma=12, n_octaves=octaves, bins_per_octave=bpo
    )
    assert chroma.shape == (12, C.shape[1])
    # norm=inf: every frame's largest chroma is 1 (or the frame is all zero)
    peaks = chroma.max(axis=0)
    assert np.all((np.abs(peaks - 1) < 1e-6) | (peaks == 0))
    cens = genrefx.feature.chroma_cens(
        C=np.abs(C), n_chroma=12, n_octaves=octaves, bins_per_octave=bpo
    )
    norms = np.linalg.norm(cens, axis=0)  # norm=2
    assert np.all((np.abs(norms - 1) < 1e-5) | (norms == 0))


@given(
    st.integers(0, 30000),
    st.sampled_from(["uniform", "log", "ties", "signed", "zeros"]),
    st.integers(0, 2**31 - 1),
)
def test_core_median_equals_numpy(n, kind, seed):
    # the median behind estimate_tuning's threshold: a full selection below 4096 values, a
    # bucket preselection above (both parities of n, ties, zeros, negatives)
    rng = np.random.default_rng(seed)
    u = rng.random(n, dtype=np.float32)
    x = {
        "uniform": u,
        "log": np.exp(40.0 * u - 20.0),
        "ties": rng.integers(0, 7, n) * 0.5,
        "signed": u - 0.5,
        "zeros": np.where(rng.random(n) < 0.3, 0.0, np.exp(-30.0 * u)),
    }[kind].astype(np.float32)
    expected = np.float32(np.median(x)) if n else np.float32(0.0)
    assert np.float32(genrefx._core.median(x)) == expected
