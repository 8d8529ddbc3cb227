"""genrefx.stft against librosa.stft (librosa 0.11 is the reference).

Tolerance (from the issue; do not loosen): relative error <= 1e-5 of the reference's
maximum, both on the magnitude and on the complex difference. Shapes and dtypes must be
identical to librosa's.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import genrefx
import signals
from conftest import rel_err

STFT_TOL = 1e-5  # from the issue: must not be loosened


def assert_stft_close(got, ref, tol=STFT_TOL):
    assert isinstance(got, np.ndarray), type(got)
    assert got.shape == ref.shape, f"shape {got.shape} != librosa {ref.shape}"
    assert got.dtype == ref.dtype, f"dtype {got.dtype} != librosa {ref.dtype}"
    e_c = rel_err(got, ref)
    e_m = rel_err(np.abs(got), np.abs(ref))
    assert e_c <= tol, f"complex rel err {e_c:.3g} > {tol}"
    assert e_m <= tol, f"magnitude rel err {e_m:.3g} > {tol}"


def check(y, **kw):
    ref = librosa.stft(y, **kw)
    got = genrefx.stft(y, **kw)
    assert_stft_close(got, ref)
    return got, ref


# --------------------------------------------------------------------------------------
# signals with default parameters
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(signals.SIGNALS))
def test_defaults_each_signal(name):
    y = signals.get(name)
    got, _ref = check(y)
    assert got.dtype == np.complex64
    if name == "zeros":
        assert not np.any(got), "stft of silence must be exactly zero"


def test_does_not_modify_input_and_accepts_readonly():
    y = signals.get("music")
    y0 = y.copy()
    y.setflags(write=False)
    got = genrefx.stft(y)
    np.testing.assert_array_equal(y, y0)
    assert_stft_close(got, librosa.stft(y0))


def test_default_hop_is_win_length_over_4():
    y = signals.get("music")
    got = genrefx.stft(y, n_fft=2048, win_length=1000)
    assert got.shape[-1] == 1 + len(y) // 250
    assert_stft_close(got, librosa.stft(y, n_fft=2048, win_length=1000))


# --------------------------------------------------------------------------------------
# sizes
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("hop_length", [None, 256, 441])
@pytest.mark.parametrize("n_fft", [512, 1024, 2048, 4096, 2000, 1025])
def test_n_fft_hop(n_fft, hop_length):
    check(signals.get("music"), n_fft=n_fft, hop_length=hop_length)


# n_fft whose FFT has a large prime factor runs Bluestein's algorithm (float32 for stft,
# float64 for the features that need librosa's precision): 131, 1103, 2011 and 4099 are prime,
# 2018 = 2 x 1009, 1102 = 2 x 19 x 29 (the mixed-radix chain's direct DFTs).
@pytest.mark.parametrize("n_fft", [131, 1102, 1103, 2011, 2018, 4099])
def test_prime_and_large_prime_factor_n_fft(n_fft):
    y = signals.get("music")[: 22050 * 2]
    check(y, n_fft=n_fft, hop_length=512)
    check(y.astype(np.float64), n_fft=n_fft, hop_length=512)
    for name in ("spectral_contrast", "spectral_flatness", "spectral_bandwidth"):
        kw = {"n_fft": n_fft, "hop_length": 512}
        if name == "spectral_contrast":
            kw["n_bands"] = 3
        got = getattr(genrefx.feature, name)(y=y, **kw)
        ref = getattr(librosa.feature, name)(y=y, **kw)
        assert rel_err(got, ref) <= 1e-5, name


@pytest.mark.parametrize(
    ("n_fft", "win_length", "hop_length"),
    [
        (2048, 1024, 512),
        (1024, 400, 160),
        (2048, 2047, 512),
        (2000, 1001, 250),
        (1025, 512, 256),
        (512, 1, 128),
    ],
)
def test_win_length_shorter_than_n_fft(n_fft, win_length, hop_length):
    check(signals.get("music"), n_fft=n_fft, win_length=win_length, hop_length=hop_length)


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman"])
@pytest.mark.parametrize("n_fft", [1024, 2000])
def test_windows(window, n_fft):
    check(signals.get("music"), n_fft=n_fft, hop_length=256, window=window)


def test_window_with_win_length():
    check(signals.get("chirp_lin"), n_fft=2048, win_length=1500, hop_length=300, window="blackman")


# --------------------------------------------------------------------------------------
# centering and padding
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n_fft", "hop_length"), [(2048, 512), (1024, 441), (2000, 256), (1025, 256)]
)
@pytest.mark.parametrize("name", ["music", "odd", "noise"])
def test_center_false(name, n_fft, hop_length):
    got, _ref = check(signals.get(name), n_fft=n_fft, hop_length=hop_length, center=False)
    assert got.shape[-1] == 1 + (len(signals.get(name)) - n_fft) // hop_length


def test_center_false_exactly_n_fft_samples():
    y = signals.get("music")[5000:7048]
    got, _ = check(y, n_fft=2048, center=False)
    assert got.shape == (1025, 1)


@pytest.mark.parametrize("pad_mode", ["constant", "edge", "reflect"])
@pytest.mark.parametrize(
    ("name", "n_fft", "hop_length"),
    [("music", 2048, 512), ("odd", 1024, 441), ("chirp_exp", 2000, 300), ("music", 1025, 256)],
)
def test_pad_modes(pad_mode, name, n_fft, hop_length):
    # the edge frames are where pad modes differ: check them on their own too
    y = signals.get(name)
    got, ref = check(y, n_fft=n_fft, hop_length=hop_length, pad_mode=pad_mode)
    k = max(1, n_fft // hop_length)
    assert_stft_close(got[:, :k], ref[:, :k])
    assert_stft_close(got[:, -k:], ref[:, -k:])


def test_pad_modes_differ_at_edges():
    # sanity check of the test signal: pad modes must actually make a difference
    y = signals.get("music")
    a = librosa.stft(y, pad_mode="constant")
    b = librosa.stft(y, pad_mode="reflect")
    assert rel_err(a[:, :2], b[:, :2]) > 1e-2


# --------------------------------------------------------------------------------------
# short signals (shorter than n_fft; center=True pads)
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("pad_mode", ["constant", "edge", "reflect"])
@pytest.mark.parametrize("n", [1, 2, 3, 100, 511, 1000, 1024, 1025, 2047, 2048, 2049])
def test_short_signals(n, pad_mode):
    y = signals.short(max(n, 1))[:n]
    check(y, n_fft=2048, hop_length=512, pad_mode=pad_mode)


@pytest.mark.parametrize("n_fft", [1024, 2000, 4096])
def test_short_signal_default_signal(n_fft):
    check(signals.get("short"), n_fft=n_fft)


# --------------------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------------------
# float64 audio goes through the float64 FFT unrounded, as librosa's: its numbers to float64
# round-off (before session 12 the float32 FFT's, ~1.5e-7)
STFT64_TOL = 1e-13


@pytest.mark.parametrize("name", ["music", "tone", "short", "odd"])
def test_float64_input_gives_complex128(name):
    y = signals.get(name, dtype=np.float64)
    ref = librosa.stft(y)
    got = genrefx.stft(y)
    assert got.dtype == np.complex128
    assert_stft_close(got, ref, tol=STFT64_TOL)


@pytest.mark.parametrize("n_fft", [2048, 2000, 1023, 131, 2011, 4099])
@pytest.mark.parametrize("n", [300, 5000])
def test_float64_input_at_float64_precision(n_fft, n):
    # even and odd sizes, primes (Bluestein's algorithm), signals shorter than a frame,
    # two channels
    y = np.stack([signals.get("music", dtype=np.float64)[:n], signals.get("noise")[:n]])
    y = y.astype(np.float64)
    assert_stft_close(genrefx.stft(y, n_fft=n_fft), librosa.stft(y, n_fft=n_fft), tol=STFT64_TOL)


@pytest.mark.parametrize(
    "kw",
    [
        {"n_fft": 1024, "hop_length": 256, "center": False},
        {"n_fft": 2000, "win_length": 1500, "window": "hamming"},
        {"n_fft": 1025, "hop_length": 441, "pad_mode": "reflect"},
    ],
)
def test_float64_input_with_params(kw):
    y = signals.get("music", dtype=np.float64)
    got = genrefx.stft(y, **kw)
    assert got.dtype == np.complex128
    assert_stft_close(got, librosa.stft(y, **kw), tol=STFT64_TOL)


@pytest.mark.parametrize(
    ("in_dtype", "out_dtype"), [(np.float32, np.complex128), (np.float64, np.complex64)]
)
def test_explicit_dtype(in_dtype, out_dtype):
    y = signals.get("music", dtype=in_dtype)
    got, _ = check(y, dtype=out_dtype)
    assert got.dtype == out_dtype


# --------------------------------------------------------------------------------------
# multichannel / batch
# --------------------------------------------------------------------------------------
def _stack(*names, dtype=np.float32):
    ys = [signals.get(n, dtype=dtype) for n in names]
    n = min(len(y) for y in ys)
    return np.stack([y[:n] for y in ys])


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"n_fft": 1024, "hop_length": 441, "center": False},
        {"n_fft": 2000, "win_length": 1200, "pad_mode": "reflect"},
    ],
)
def test_multichannel_2d(kw):
    Y = _stack("music", "noise")
    got, _ = check(Y, **kw)
    for i in range(Y.shape[0]):
        single = genrefx.stft(Y[i], **kw)
        np.testing.assert_allclose(
            got[i], single, rtol=1e-6, atol=1e-6 * float(np.max(np.abs(single)))
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multichannel_3d(dtype):
    Y = _stack("music", "noise", "chirp_lin", "tone", "zeros", "odd", dtype=dtype)
    Y = Y.reshape(2, 3, -1)
    got, _ = check(Y, n_fft=1024, hop_length=256)
    assert got.shape[:2] == (2, 3)
    for i in range(2):
        for j in range(3):
            single = genrefx.stft(Y[i, j], n_fft=1024, hop_length=256)
            assert_stft_close(got[i, j], single, tol=1e-6)
            assert_stft_close(single, librosa.stft(Y[i, j], n_fft=1024, hop_length=256))


def test_multichannel_one_channel_and_short():
    Y = signals.get("short")[None, :]
    got, _ = check(Y)
    assert got.shape[0] == 1


def test_n_threads_identical():
    Y = _stack("music", "noise", "chirp_exp", "odd")
    a = genrefx.stft(Y, n_fft=1024, hop_length=256, n_threads=1)
    b = genrefx.stft(Y, n_fft=1024, hop_length=256, n_threads=2)
    np.testing.assert_array_equal(a, b)
    assert_stft_close(b, librosa.stft(Y, n_fft=1024, hop_length=256))


# --------------------------------------------------------------------------------------
# memory layout
# --------------------------------------------------------------------------------------
def test_non_contiguous_strided():
    y = signals.get("music")
    v = y[::2]
    assert not v.flags.c_contiguous
    check(v, n_fft=1024, hop_length=256)


def test_non_contiguous_reversed():
    y = signals.get("odd")[::-1]
    check(y, n_fft=2048, hop_length=441)


def test_fortran_array_columns_and_rows():
    # columns of an F-ordered (n, 3) array are contiguous but start at an offset
    X = np.asfortranarray(_stack("music", "noise", "chirp_lin").T)
    for j in range(3):
        check(X[:, j], n_fft=1024, hop_length=256)
    # rows of an F-ordered (3, n) array are strided (stride 3 samples)
    Y = np.asfortranarray(_stack("music", "noise", "chirp_lin"))
    assert not Y[0].flags.c_contiguous
    for i in range(3):
        check(Y[i], n_fft=1024, hop_length=256)
    check(Y, n_fft=1024, hop_length=256)  # batch path with strided rows


def test_strided_column_of_c_array():
    Y = np.ascontiguousarray(_stack("music", "noise", "chirp_lin").T)  # (n, 3), C-order
    col = Y[:, 1]
    assert not col.flags.c_contiguous
    got, _ = check(col, n_fft=2048, hop_length=512)
    assert_stft_close(got, librosa.stft(signals.get("noise")[: len(col)]))


def test_unaligned_view():
    # an offset-by-one view (4-byte aligned but not 16/32/64-byte aligned)
    y = signals.get("music")
    check(y[1:], n_fft=1024, hop_length=256)
    check(y[3:-5], n_fft=2000, hop_length=441)


@pytest.mark.parametrize("n_fft", [512, 2000])
def test_core_stft_alongside_features_matches(n_fft):
    # the core writes the STFT through a second path when other features share the pass
    from genrefx import _core
    from genrefx._framing import framing

    y = np.random.default_rng(0).standard_normal((2, 3000)).astype(np.float32)
    fr = framing(n_fft=n_fft, hop_length=128)
    out = _core.extract(fr.plan, y, {"features": ["stft", "spectral_centroid"], "sr": 22050.0})
    ref = librosa.stft(y, n_fft=n_fft, hop_length=128)
    assert out["stft"].shape == ref.shape
    assert np.abs(out["stft"] - ref).max() / np.abs(ref).max() <= 1e-5


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_frames", [127, 128, 129, 255, 256, 257, 400])
def test_frame_counts_around_the_cores_work_items(n_frames, dtype):
    # The STFT alone takes a whole work item's frames (128 at AVX-512, 64 at AVX2) in pairs
    # spread over the item, and a shorter last item in order: every frame must land in its
    # own column. A chirp makes each frame's spectrum unlike its neighbours'.
    hop = 256
    n = hop * (n_frames - 1)
    t = np.arange(n) / 22050.0
    sweep = 50.0 * (160.0 ** (t / t[-1]))  # 50 Hz to 8 kHz, exponential
    y = np.sin(2 * np.pi * np.cumsum(sweep) / 22050.0).astype(dtype)
    Y = np.stack([y, y[::-1].copy(), 0.5 * y])
    tol = STFT_TOL if dtype == np.float32 else STFT64_TOL
    ref = librosa.stft(Y, n_fft=1024, hop_length=hop)
    got = genrefx.stft(Y, n_fft=1024, hop_length=hop)
    assert_stft_close(got, ref, tol)
    assert got.shape[-1] == n_frames
    for t in range(n_frames):
        assert_stft_close(got[..., t], ref[..., t], tol)
    assert got[0].flags.f_contiguous
    np.testing.assert_array_equal(genrefx.stft(Y, n_fft=1024, hop_length=hop, n_threads=2), got)
    # bit for bit the STFT written beside another feature (frames in order)
    from genrefx import _core
    from genrefx._framing import framing

    fr = framing(n_fft=1024, hop_length=hop)
    name = "stft" if dtype == np.float32 else "stft64"
    request = {"features": [name, "spectral_centroid"], "sr": 22050.0}
    args = (Y.astype(np.float32), request, 1) + ((Y,) if dtype == np.float64 else ())
    out = _core.extract(fr.plan, *args)
    np.testing.assert_array_equal(out[name], got)


@pytest.mark.parametrize("n_fft", [2039, 4099])
def test_prime_n_fft(n_fft):
    # a direct DFT stage (accumulated in float64) handles large prime factors
    y = np.random.default_rng(n_fft).standard_normal(22050).astype(np.float32)
    got = genrefx.stft(y, n_fft=n_fft, hop_length=1024)
    ref = librosa.stft(y, n_fft=n_fft, hop_length=1024)
    assert got.shape == ref.shape
    assert rel_err(np.abs(got), np.abs(ref)) <= 1e-5
