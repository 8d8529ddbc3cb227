"""feature.delta / stack_memory / poly_features and effects.trim / split / preemphasis /
deemphasis against librosa 0.11: the same numbers (bit for bit where the arithmetic is the same),
intervals, dtypes and shapes, and a ParameterError naming the argument where librosa fails."""

from __future__ import annotations

import inspect
import warnings

import librosa
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.exceptions import ComplexWarning

import genrefx as gx
import signals
from conftest import assert_identical

# numpy.exceptions: ComplexWarning since NumPy 1.25, RankWarning since 2.0 (np.RankWarning before)
RankWarning = getattr(np.exceptions, "RankWarning", None) or getattr(np, "RankWarning")  # noqa: B009


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("feature", "delta"),
        ("feature", "stack_memory"),
        ("feature", "poly_features"),
        ("effects", "trim"),
        ("effects", "split"),
        ("effects", "preemphasis"),
        ("effects", "deemphasis"),
    ],
)
def test_signature_is_librosas(module, name):
    ours = inspect.signature(getattr(getattr(gx, module), name)).parameters.values()
    theirs = inspect.signature(getattr(getattr(librosa, module), name)).parameters.values()
    assert [(p.name, p.kind, p.default) for p in ours] == [
        (p.name, p.kind, p.default) for p in theirs
    ]


# --- delta ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mfcc_pair():
    y = signals.music(3.0)
    return gx.feature.mfcc(y=y, sr=signals.SR), librosa.feature.mfcc(y=y, sr=signals.SR)


@pytest.mark.parametrize("order", [1, 2])
def test_delta_of_mfcc_equals_librosa(mfcc_pair, order):
    ours, theirs = mfcc_pair
    got = gx.feature.delta(ours, order=order)
    assert_identical(got, librosa.feature.delta(ours, order=order))  # the same filter: bit for bit
    # the whole chain (MFCC then delta) against librosa's: MFCC's float32 round-off only
    expected = librosa.feature.delta(theirs, order=order)
    assert got.dtype == expected.dtype == np.float32
    assert np.max(np.abs(got - expected)) / np.max(np.abs(expected)) < 2e-5


_DELTA_CASES = [
    ({}, (20, 50), np.float32),
    ({}, (20, 50), np.float64),
    ({"width": 3}, (13, 9), np.float32),
    ({"width": 5, "order": 2}, (13, 9), np.float64),
    ({"width": 11, "order": 3}, (4, 40), np.float64),
    ({"axis": 0}, (30, 6), np.float32),
    ({"axis": -2, "order": 2}, (2, 12, 7), np.float64),
    ({"mode": "nearest"}, (5, 4), np.float64),  # width > length: fine outside interp
    ({"mode": "mirror", "width": 7}, (5, 30), np.float32),
    ({"mode": "constant", "cval": 2.5}, (5, 30), np.float64),
    ({"mode": "wrap", "order": 2}, (2, 3, 30), np.float32),
    ({"polyorder": 3}, (6, 30), np.float64),
    ({"order": 2, "polyorder": 1}, (6, 30), np.float64),  # deriv > polyorder: zeros
    ({"delta": 0.5, "deriv": 5}, (6, 30), np.float64),  # deriv is dropped, as librosa
    ({}, (9,), np.int64),
    ({"width": 9}, (2, 3, 4, 9), np.float32),
    ({"order": 2}, (3, 20), np.float16),
    ({"width": 5}, (3, 20), np.bool_),
]


@pytest.mark.parametrize(("kwargs", "shape", "dtype"), _DELTA_CASES)
def test_delta_equals_librosa(kwargs, shape, dtype):
    data = (np.random.default_rng(5).standard_normal(shape) * 10).astype(dtype)
    assert_identical(gx.feature.delta(data, **kwargs), librosa.feature.delta(data, **dict(kwargs)))


def test_delta_of_a_list():
    data = [1.0, 4.0, 2.0, 8.0, 5.0, 7.0, 3.0, 9.0, 0.0, 6.0]
    assert_identical(gx.feature.delta(data, width=5), librosa.feature.delta(data, width=5))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"width": 8}, "width"),
        ({"width": 1}, "width"),
        ({"width": 9.0}, "width"),  # (librosa: TypeError from scipy's slicing)
        ({"width": 41}, "width"),  # longer than the data with mode="interp"
        ({"order": 0}, "order"),
        ({"order": 1.5}, "order"),
        ({"axis": 2}, "axis"),  # (librosa: IndexError)
        ({"mode": "reflect"}, "mode"),  # (librosa: scipy's ValueError)
        ({"foo": 1}, "foo"),  # (librosa: TypeError)
        ({"order": 9}, "polyorder"),  # polyorder = order >= width (librosa: ValueError)
        ({"polyorder": 9}, "polyorder"),
    ],
)
def test_delta_bad_arguments(kwargs, name):
    data = np.random.default_rng(6).standard_normal((3, 40))
    with pytest.raises(Exception):  # noqa: B017, PT011 - librosa's errors vary (see above)
        librosa.feature.delta(data, **dict(kwargs))
    with pytest.raises(gx.ParameterError, match=name):
        gx.feature.delta(data, **kwargs)


def test_delta_of_complex_data_is_a_parameter_error():
    data = np.ones((3, 20)) + 1j
    with pytest.warns(ComplexWarning):  # librosa drops the imaginary part
        librosa.feature.delta(data)
    with pytest.raises(gx.ParameterError, match="data"):
        gx.feature.delta(data)


@given(
    slope=st.floats(-100, 100),
    offset=st.floats(-100, 100),
    half_width=st.integers(1, 6),
    extra=st.integers(0, 20),
    mode=st.sampled_from(["interp", "nearest", "mirror", "constant", "wrap"]),
)
def test_delta_of_a_ramp_is_its_slope(slope, offset, half_width, extra, mode):
    width = 2 * half_width + 1
    n = width + extra
    ramp = offset + slope * np.arange(n, dtype=np.float64)
    data = np.stack([ramp, -ramp])
    got = gx.feature.delta(data, width=width, mode=mode)
    assert_identical(got, librosa.feature.delta(data, width=width, mode=mode))
    # away from the edges (everywhere for "interp") the local fit is exact
    inner = slice(None) if mode == "interp" else slice(half_width, n - half_width)
    scale = 1e-9 * (abs(slope) + abs(offset) + 1.0) * n
    np.testing.assert_allclose(got[0, inner], slope, atol=scale)
    np.testing.assert_allclose(got[1, inner], -slope, atol=scale)


# --- stack_memory --------------------------------------------------------------------------


_STACK_CASES = [
    ({}, (1, 6), np.int64),
    ({"n_steps": 3}, (4, 10), np.float32),
    ({"n_steps": 3, "mode": "reflect"}, (6,), np.int64),
    ({"n_steps": 3, "delay": 2, "mode": "edge"}, (3, 8), np.float64),
    ({"n_steps": 4, "delay": -1}, (2, 9), np.float64),
    ({"n_steps": 3, "delay": -3, "mode": "wrap"}, (2, 3, 9), np.float32),
    ({"n_steps": 2, "delay": -2, "mode": "constant", "constant_values": 7}, (5, 9), np.float64),
    ({"n_steps": 3, "mode": "constant", "constant_values": (1, 2)}, (5, 9), np.float64),
    ({"n_steps": 3, "delay": 2, "mode": "symmetric"}, (2, 2, 3, 7), np.float64),
    ({"n_steps": 3, "mode": "mean", "stat_length": 2}, (3, 7), np.float64),
    ({"n_steps": 1}, (3, 7), np.float32),
    ({"n_steps": 3, "delay": 30}, (3, 7), np.float64),  # delay beyond the data: all padding
    ({"n_steps": 3, "delay": -30}, (3, 7), np.float64),
    ({"n_steps": 4, "mode": "reflect"}, (3, 1), np.float64),  # one column
    ({"n_steps": 2}, (3, 7), np.complex128),
    ({"n_steps": 3, "delay": -1}, (3, 7), np.bool_),
    ({}, (), np.float64),  # a scalar: one row, one column
]


@pytest.mark.parametrize(("kwargs", "shape", "dtype"), _STACK_CASES)
def test_stack_memory_equals_librosa(kwargs, shape, dtype):
    data = (np.random.default_rng(7).standard_normal(shape) * 5).astype(dtype)
    if dtype == np.complex128:
        data = data + 1j * data[..., ::-1]
    got = gx.feature.stack_memory(data, **kwargs)
    assert_identical(got, librosa.feature.stack_memory(data, **dict(kwargs)))


@pytest.mark.parametrize("delay", [2, -1])
def test_stack_memory_keeps_the_layout_of_fortran_input(delay):
    data = np.asfortranarray(np.random.default_rng(8).standard_normal((4, 11)))
    got = gx.feature.stack_memory(data, n_steps=3, delay=delay, mode="edge")
    expected = librosa.feature.stack_memory(data, n_steps=3, delay=delay, mode="edge")
    assert_identical(got, expected)
    assert got.flags.c_contiguous == expected.flags.c_contiguous
    assert got.flags.f_contiguous == expected.flags.f_contiguous


def test_stack_memory_of_float16_data():
    # librosa's numba loop has no float16; the copies are exact, so float32 is the oracle
    data = np.random.default_rng(9).standard_normal((3, 12)).astype(np.float16)
    with pytest.raises(NotImplementedError):
        librosa.feature.stack_memory(data, n_steps=3, delay=-2)
    got = gx.feature.stack_memory(data, n_steps=3, delay=-2)
    expected = librosa.feature.stack_memory(data.astype(np.float32), n_steps=3, delay=-2)
    assert_identical(got, expected.astype(np.float16))


@pytest.mark.parametrize(
    ("args", "kwargs", "name"),
    [
        ((np.ones((3, 5)),), {"n_steps": 0}, "n_steps"),
        ((np.ones((3, 5)),), {"n_steps": 2.0}, "n_steps"),  # (librosa: TypeError)
        ((np.ones((3, 5)),), {"delay": 0}, "delay"),
        ((np.ones((3, 5)),), {"delay": 1.5}, "delay"),  # (librosa: truncates it when padding)
        ((np.ones((3, 0)),), {}, "columns"),
        ((np.ones((3, 5)),), {"mode": "nope"}, "mode"),  # (librosa: numpy's ValueError)
        ((np.ones((3, 5)),), {"foo": 1}, "foo"),
    ],
)
def test_stack_memory_bad_arguments(args, kwargs, name):
    with pytest.raises(gx.ParameterError, match=name):
        gx.feature.stack_memory(*args, **kwargs)


@given(
    n_steps=st.integers(1, 5),
    delay=st.integers(-6, 6).filter(bool),
    d=st.integers(1, 3),
    t=st.integers(1, 12),
    mode=st.sampled_from(["constant", "edge", "reflect", "wrap"]),
)
def test_stack_memory_blocks_are_shifted_copies(n_steps, delay, d, t, mode):
    data = np.arange(1.0, 1.0 + d * t).reshape(d, t)
    got = gx.feature.stack_memory(data, n_steps=n_steps, delay=delay, mode=mode)
    assert_identical(
        got, librosa.feature.stack_memory(data, n_steps=n_steps, delay=delay, mode=mode)
    )
    for k in range(n_steps):  # block k at column i is data[:, i - k * delay] where that exists
        block = got[k * d : (k + 1) * d]
        for i in range(t):
            if 0 <= i - k * delay < t:
                np.testing.assert_array_equal(block[:, i], data[:, i - k * delay])
            elif mode == "constant":
                np.testing.assert_array_equal(block[:, i], 0.0)


# --- poly_features -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def magnitudes():
    y = np.stack([signals.music(1.0, seed=4), signals.white_noise(1.0, seed=5)])
    return np.abs(librosa.stft(y, n_fft=512, hop_length=256))  # (2, 257, 87), float32


@pytest.mark.parametrize("order", [0, 1, 2, 3])
@pytest.mark.parametrize("channels", ["mono", "stereo"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_poly_features_from_s_are_librosas(magnitudes, order, channels, dtype):
    S = (magnitudes[0] if channels == "mono" else magnitudes).astype(dtype)
    got = gx.feature.poly_features(S=S, order=order, sr=16000)
    assert_identical(got, librosa.feature.poly_features(S=S, order=order, sr=16000))


def test_poly_features_keep_an_odd_n_fft_that_fits_s():
    S = np.abs(librosa.stft(signals.music(0.5), n_fft=511))  # 256 bins: n_fft 511 or 510
    got = gx.feature.poly_features(S=S, n_fft=511, order=2)
    assert_identical(got, librosa.feature.poly_features(S=S, n_fft=511, order=2))
    assert not np.array_equal(got, gx.feature.poly_features(S=S, order=2))  # (n_fft 510)


def test_poly_features_with_given_frequencies(magnitudes):
    S = magnitudes
    n_bins, n_frames = S.shape[-2:]
    log_freq = np.geomspace(30.0, 8000.0, n_bins)
    assert_identical(
        gx.feature.poly_features(S=S, freq=log_freq, order=2),
        librosa.feature.poly_features(S=S, freq=log_freq, order=2),
    )
    # per-frame frequencies (a reassigned spectrogram's), and ones that broadcast over frames
    rng = np.random.default_rng(10)
    per_frame = log_freq[:, None] * (1 + 0.01 * rng.standard_normal((n_bins, n_frames)))
    for freq in (per_frame, per_frame[None].repeat(2, axis=0), log_freq[:, None]):
        assert_identical(
            gx.feature.poly_features(S=S, freq=freq, order=1),
            librosa.feature.poly_features(S=S, freq=freq, order=1),
        )
    # a fractional order is truncated by numpy.polyfit (librosa's behaviour)
    assert_identical(
        gx.feature.poly_features(S=S[0], order=2.7), librosa.feature.poly_features(S=S[0], order=2)
    )


_POLY_Y_CASES = [
    ({}, (22050,), np.float32),
    ({"order": 2}, (22050,), np.float64),
    ({"order": 3, "n_fft": 1024, "hop_length": 300}, (2, 15001), np.float32),
    ({"center": False, "win_length": 1000, "window": "hamming"}, (15001,), np.float32),
    ({"pad_mode": "reflect", "sr": 44100, "order": 0}, (3000,), np.float64),
]


@pytest.mark.parametrize(("kwargs", "shape", "dtype"), _POLY_Y_CASES)
def test_poly_features_from_y_match_librosa(kwargs, shape, dtype):
    y = signals.music(n_samples=int(np.prod(shape)), seed=6).reshape(shape).astype(dtype)
    got = gx.feature.poly_features(y=y, **kwargs)
    expected = librosa.feature.poly_features(y=y, **kwargs)
    assert got.dtype == expected.dtype == np.float64
    assert got.shape == expected.shape
    # the STFTs differ by float32 round-off; each degree's coefficients against their largest
    for k in range(expected.shape[-2]):
        row, ref = got[..., k, :], expected[..., k, :]
        assert np.max(np.abs(row - ref)) / np.max(np.abs(ref)) < 1e-6


def test_poly_features_of_a_high_order_warn_as_librosa(magnitudes):
    S = magnitudes[0, :, :5]
    with pytest.warns(RankWarning):
        expected = librosa.feature.poly_features(S=S, order=30)
    with pytest.warns(RankWarning):
        got = gx.feature.poly_features(S=S, order=30)
    assert_identical(got, expected)


def test_poly_features_of_no_frames(magnitudes):
    S = magnitudes[0, :, :0]
    assert_identical(gx.feature.poly_features(S=S), librosa.feature.poly_features(S=S))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({}, "y or S"),
        ({"S": np.ones(257)}, "S"),  # (librosa: IndexError)
        ({"S": np.ones((0, 257, 4))}, "S"),  # (librosa: np.vectorize's ValueError)
        ({"S": np.ones((257, 4)), "order": -1}, "order"),  # (librosa: numpy's ValueError)
        ({"S": np.ones((257, 4)), "order": "2"}, "order"),
        ({"S": np.ones((257, 4)), "freq": np.arange(10.0)}, "freq"),  # (librosa: TypeError)
        ({"S": np.ones((257, 4)), "freq": np.ones((10, 4))}, "freq"),
        ({"S": np.ones((257, 4)), "freq": np.ones((257, 3))}, "freq"),
        ({"S": np.ones((257, 4)), "sr": 0}, "sr"),  # (librosa: ZeroDivisionError)
        ({"y": np.ones(100, dtype=np.int16)}, "y"),
    ],
)
def test_poly_features_bad_arguments(kwargs, name):
    with pytest.raises(gx.ParameterError, match=name):
        gx.feature.poly_features(**kwargs)


# --- trim and split ------------------------------------------------------------------------


def _clip(lead: int, trail: int, floor_db: float | None, *, seed: int = 0, dtype=np.float32):
    """Music between exact silences, plus a noise floor ``floor_db`` dB re full scale."""
    rng = np.random.default_rng(seed)
    core = signals.music(2.0, seed=seed, dtype=np.float64)
    y = np.concatenate([np.zeros(lead), core, np.zeros(trail)])
    if floor_db is not None:
        y += 10.0 ** (floor_db / 20.0) * rng.standard_normal(y.size)
    return y.astype(dtype)


def _check_silence(y, **kwargs) -> None:
    y_ref, index_ref = librosa.effects.trim(y, **kwargs)
    y_got, index_got = gx.effects.trim(y, **kwargs)
    assert_identical(index_got, index_ref)
    assert_identical(y_got, y_ref)
    assert np.shares_memory(y_got, y) or y_got.size == 0
    assert_identical(gx.effects.split(y, **kwargs), librosa.effects.split(y, **kwargs))


@pytest.mark.parametrize("floor_db", [None, -50, -60, -70])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("top_db", [60, 30])
def test_trim_and_split_of_music_between_silences(floor_db, dtype, top_db):
    y = _clip(9001, 13337, floor_db, seed=1, dtype=dtype)
    _check_silence(y, top_db=top_db)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"frame_length": 1024, "hop_length": 256},
        {"frame_length": 777, "hop_length": 100},  # odd frame
        {"frame_length": 512, "hop_length": 1024},  # hop beyond the frame
        {"ref": 1.0, "top_db": 45},
        {"ref": 0.05, "top_db": -3},  # negative top_db: only above ref + 3 dB sounds
        {"ref": np.mean, "top_db": 20},
        {"ref": np.median},
    ],
)
def test_trim_and_split_arguments(kwargs):
    _check_silence(_clip(5000, 20000, -65, seed=2), **kwargs)


@pytest.mark.parametrize("aggregate", [np.max, np.mean, np.min])
@pytest.mark.parametrize("shape", [(2,), (2, 3)])
def test_trim_and_split_of_multichannel_audio(aggregate, shape):
    n_channels = int(np.prod(shape))
    channels = [
        _clip(3000 + 3000 * c, 20000 - 3000 * c, -70 + 5 * (c % 3), seed=c)
        for c in range(n_channels)
    ]
    y = np.stack(channels).reshape(*shape, -1)
    _check_silence(y, aggregate=aggregate)
    _check_silence(y, aggregate=aggregate, ref=0.5, top_db=40)
    # each channel's own intervals are those of that channel alone
    np.testing.assert_array_equal(
        gx.effects.split(y[(0,) * len(shape)]), librosa.effects.split(channels[0])
    )


@pytest.mark.parametrize(
    "name",
    ["odd", "short", "zeros", "noise", "tone"],
)
@pytest.mark.parametrize("ref", [np.max, 1.0])
def test_trim_and_split_of_test_signals(name, ref):
    _check_silence(signals.get(name), ref=ref)


@pytest.mark.parametrize("n", [0, 1, 2, 511, 512, 513, 1025, 2049])
def test_trim_and_split_of_short_signals(n):
    y = signals.short(max(n, 1))[:n]
    _check_silence(y)
    _check_silence(y, ref=1.0, top_db=20)
    _check_silence(np.stack([y, y[::-1] * 0.01]), ref=1.0, top_db=40)


def test_all_silent_and_all_loud_signals():
    zeros = np.zeros((2, 30001), dtype=np.float32)
    _check_silence(zeros)  # ref = max = 0: nothing is below it, nothing is trimmed
    _check_silence(zeros, ref=1.0)  # everything silent: [0, 0] and no interval
    assert gx.effects.split(zeros, ref=1.0).shape == (0, 2)
    loud = signals.white_noise(2.0, seed=12)
    _check_silence(loud)
    assert gx.effects.split(loud).tolist() == [[0, loud.size]]


def test_trim_and_split_of_integer_pcm_and_float16():
    y = (_clip(4000, 6000, -60, seed=3) * 32767).astype(np.int16)
    _check_silence(y)
    _check_silence(y, ref=1000.0, top_db=30)
    _check_silence(_clip(4000, 6001, -50, seed=4, dtype=np.float16))


@pytest.mark.parametrize(
    ("y", "kwargs", "name"),
    [
        ([0.0] * 3000, {}, "y"),  # (librosa: AttributeError)
        (np.ones(3000) + 0j, {}, "y"),
        (np.array(1.0), {}, "y"),
        (np.full(3000, np.nan), {}, "finite"),  # (librosa: every frame silent)
        (np.ones(3000), {"frame_length": 0}, "frame_length"),  # (librosa: warnings)
        (np.ones(3000), {"hop_length": 0}, "hop_length"),
        (np.ones(3000), {"hop_length": 2.5}, "hop_length"),
        (np.ones(3000), {"top_db": None}, "top_db"),  # (librosa: TypeError)
        (np.ones((2, 3000)), {"aggregate": None}, "aggregate"),
        (np.ones((0, 3000)), {}, "y"),
        (np.ones(0), {"frame_length": 2047}, "frame_length"),  # (librosa: frame's error)
    ],
)
@pytest.mark.parametrize("fn", ["trim", "split"])
def test_trim_and_split_bad_arguments(y, kwargs, name, fn):
    with pytest.raises(gx.ParameterError, match=name):
        getattr(gx.effects, fn)(y, **kwargs)


@given(
    bursts=st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 12), st.floats(-80.0, 0.0)),
        min_size=0,
        max_size=4,
    ),
    n=st.integers(1, 48 * 256),
    top_db=st.sampled_from([20, 40, 60]),
    hop=st.sampled_from([128, 256, 300]),
)
def test_split_runs_match_librosa_and_bound_trim(bursts, n, top_db, hop):
    rng = np.random.default_rng(n)
    y = 1e-5 * rng.standard_normal(n)
    for start, length, level_db in bursts:
        a, b = start * 256, (start + length) * 256
        y[a:b] += 10.0 ** (level_db / 20.0) * rng.standard_normal(y[a:b].size)
    kwargs = {"top_db": top_db, "frame_length": 512, "hop_length": hop}
    intervals = gx.effects.split(y, **kwargs)
    assert_identical(intervals, librosa.effects.split(y, **kwargs))
    _, index = gx.effects.trim(y, **kwargs)
    assert_identical(index, librosa.effects.trim(y, **kwargs)[1])
    # trim keeps exactly the span of split's intervals; they are sorted and disjoint
    if intervals.size:
        assert index.tolist() == [intervals[0, 0], intervals[-1, 1]]
        assert np.all(np.diff(intervals.ravel()) >= 0)
    else:
        assert index.tolist() == [0, 0]


# --- preemphasis and deemphasis ------------------------------------------------------------


def _audio(shape, dtype, seed=13):
    y = np.random.default_rng(seed).standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        y = y + 1j * np.random.default_rng(seed + 1).standard_normal(shape)
    return y.astype(dtype)


@pytest.mark.parametrize("fn", ["preemphasis", "deemphasis"])
@pytest.mark.parametrize(
    ("shape", "dtype"),
    [((1001,), np.float32), ((1001,), np.float64), ((2, 777), np.float32), ((2, 3, 50), np.float64),
     ((2,), np.float32), ((300,), np.complex128), ((2, 300), np.complex64)],
)  # fmt: skip
@pytest.mark.parametrize("coef", [0.97, 0.5, 0.0, 1.0])
@pytest.mark.parametrize("return_zf", [False, True])
def test_emphasis_equals_librosa(fn, shape, dtype, coef, return_zf):
    y = _audio(shape, dtype)
    got = getattr(gx.effects, fn)(y, coef=coef, return_zf=return_zf)
    expected = getattr(librosa.effects, fn)(y, coef=coef, return_zf=return_zf)
    if return_zf:
        assert_identical(got[0], expected[0])
        assert_identical(got[1], expected[1])
    else:
        assert_identical(got, expected)


@pytest.mark.parametrize("fn", ["preemphasis", "deemphasis"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_emphasis_with_an_initial_state(fn, dtype):
    mono, stereo = _audio((500,), dtype), _audio((2, 500), dtype)
    for y, zi in [
        (mono, 0.25),
        (mono, np.float64(-1.5)),
        (mono, [0.5]),
        (mono[:1], 0.3),  # one sample is enough with zi
        (stereo, np.array([[0.1], [-0.2]])),
        (stereo, np.array([[0.7]])),  # broadcast over the channels by lfilter
    ]:
        got, zf = getattr(gx.effects, fn)(y, coef=0.9, zi=zi, return_zf=True)
        expected, zf_ref = getattr(librosa.effects, fn)(y, coef=0.9, zi=zi, return_zf=True)
        assert_identical(got, expected)
        assert_identical(zf, zf_ref)


# scipy 1.15 and 1.16 deprecated long double in lfilter (librosa's and genrefx's call alike);
# 1.17 filters it again without a warning
LFILTER_LONG_DOUBLE = "ignore:dtype=.* is not supported by lfilter:DeprecationWarning"


@pytest.mark.filterwarnings(LFILTER_LONG_DOUBLE)
@pytest.mark.parametrize("fn", ["preemphasis", "deemphasis"])
@pytest.mark.parametrize("dtype", [np.longdouble, np.clongdouble])
def test_emphasis_of_long_double_audio_equals_librosa(fn, dtype):
    """scipy's lfilter filters long double audio (only float16 and integers are refused), so
    librosa returns it in long double: so does genrefx."""
    y = _audio((2, 300), dtype)
    assert_identical(getattr(gx.effects, fn)(y), getattr(librosa.effects, fn)(y))
    zi = np.full((2, 1), 0.25, dtype=dtype)
    got, zf = getattr(gx.effects, fn)(y, coef=0.9, zi=zi, return_zf=True)
    expected, zf_ref = getattr(librosa.effects, fn)(y, coef=0.9, zi=zi, return_zf=True)
    assert_identical(got, expected)
    assert_identical(zf, zf_ref)


def test_preemphasis_streams_in_blocks():
    y = signals.music(0.5)
    whole = gx.effects.preemphasis(y)
    first, zf = gx.effects.preemphasis(y[:3000], return_zf=True)
    second = gx.effects.preemphasis(y[3000:], zi=zf)
    assert_identical(np.concatenate([first, second]), whole)
    assert_identical(whole, librosa.effects.preemphasis(y))


@pytest.mark.parametrize("fn", ["preemphasis", "deemphasis"])
@pytest.mark.parametrize(
    ("y", "kwargs", "name"),
    [
        (np.arange(10), {}, "dtype"),  # (librosa: scipy's NotImplementedError)
        (np.ones(10, dtype=np.float16), {}, "dtype"),  # (librosa: NotImplementedError)
        ([1.0, 2.0, 3.0], {}, "y"),  # (librosa: AttributeError)
        (np.ones(1), {}, "zi"),  # one sample without zi (librosa: ValueError)
        (np.ones(0), {"zi": 0.0}, "y"),
        (np.ones((2, 10)), {"zi": 0.5}, "zi"),  # (librosa: lfilter's ValueError)
        (np.ones((2, 10)), {"zi": np.ones((3, 1))}, "zi"),
        (np.ones(10), {"zi": "x"}, "zi"),  # (librosa: numpy's ValueError)
        (np.ones(10), {"coef": "0.97"}, "coef"),
        (np.ones(10), {"coef": 0.5j}, "coef"),
        (np.ones(10), {"coef": [0.97]}, "coef"),
    ],
)
def test_emphasis_bad_arguments(fn, y, kwargs, name):
    with pytest.raises(gx.ParameterError, match=name):
        getattr(gx.effects, fn)(y, **kwargs)


@given(
    n=st.integers(2, 300),
    coef=st.floats(0.0, 0.99),
    channels=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_deemphasis_inverts_preemphasis(n, coef, channels, seed):
    y = np.random.default_rng(seed).standard_normal((channels, n))
    filtered = gx.effects.preemphasis(y, coef=coef)
    assert_identical(filtered, librosa.effects.preemphasis(y, coef=coef))
    restored = gx.effects.deemphasis(filtered, coef=coef)
    assert_identical(restored, librosa.effects.deemphasis(filtered, coef=coef))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(restored, y, atol=1e-9 * n)
