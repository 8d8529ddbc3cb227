"""Unusual but legal arguments to the spectrum, inverse, conversion and filterbank functions:
genrefx gives librosa's result, or a ParameterError naming the argument where librosa fails."""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest

import genrefx as gx


def _rel(a, b) -> float:
    a = np.asarray(a)
    return float(np.max(np.abs(a.astype(np.complex128) - b)) / np.max(np.abs(a)))


@pytest.fixture(scope="module")
def audio() -> np.ndarray:
    return np.random.default_rng(11).standard_normal(4000).astype(np.float32)


# --- decibels ----------------------------------------------------------------------------------


@pytest.mark.parametrize("amin", [-1e-5, -0.3])
def test_amplitude_to_db_takes_a_negative_amin_squared(amin):
    S = np.random.default_rng(0).random((3, 40, 7)).astype(np.float32) ** 4
    expected = librosa.amplitude_to_db(S, amin=amin)
    got = gx.amplitude_to_db(S, amin=amin)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-4)


@pytest.mark.parametrize("fn", ["power_to_db", "amplitude_to_db"])
def test_db_of_an_empty_array(fn):
    S = np.zeros((0, 4), dtype=np.float32)
    expected = getattr(librosa, fn)(S, top_db=None)
    got = getattr(gx, fn)(S, top_db=None)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    with pytest.raises(ValueError, match="zero-size"):
        getattr(librosa, fn)(S)
    with pytest.raises(gx.ParameterError, match="empty"):
        getattr(gx, fn)(S)


@pytest.mark.parametrize("fn", ["power_to_db", "amplitude_to_db"])
def test_db_ref_that_does_not_fit_s_is_a_parameter_error(fn):
    S = np.random.default_rng(1).random((3, 40, 7))
    ref = np.arange(1.0, 8.0)[:, None]  # (7, 1) against (..., 40, 7)
    with pytest.raises(ValueError, match="broadcast"):
        getattr(librosa, fn)(S, ref=ref)
    with pytest.raises(gx.ParameterError, match="ref"):
        getattr(gx, fn)(S, ref=ref)
    fitting = np.arange(1.0, 8.0)  # broadcasts along the frames: as librosa
    np.testing.assert_allclose(
        getattr(gx, fn)(S, ref=fitting), getattr(librosa, fn)(S, ref=fitting), atol=1e-9
    )


def test_amplitude_to_db_of_booleans_is_a_parameter_error():
    S = np.random.default_rng(2).random((5, 6)) > 0.5
    with pytest.raises(TypeError):
        librosa.amplitude_to_db(S)
    with pytest.raises(gx.ParameterError, match="bool"):
        gx.amplitude_to_db(S)


# --- stft --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "n_fft", "hop"), [(3001, 256, 64), (1000, 511, 7), (100, 255, 300)])
def test_stft_of_float16_audio_with_linear_ramp_padding(n, n_fft, hop):
    # librosa pads float16 audio in float16: the ramp's values are rounded to float16
    y = (np.random.default_rng(3).standard_normal((2, n)) * 3).astype(np.float16)
    kw = {"n_fft": n_fft, "hop_length": hop, "pad_mode": "linear_ramp"}
    expected = librosa.stft(y, **kw)
    got = gx.stft(y, **kw)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    assert _rel(expected, got) < 1e-5


def test_stft_out_array(audio):
    expected_out = np.full((1025, 12), 7 + 0j, dtype=np.complex128)
    expected = librosa.stft(audio, out=expected_out)
    out = np.full((1025, 12), 7 + 0j, dtype=np.complex128)
    got = gx.stft(audio, out=out)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    assert np.shares_memory(got, out)
    assert _rel(expected, got) < 1e-5
    np.testing.assert_array_equal(out[:, got.shape[-1] :], expected_out[:, got.shape[-1] :])
    for bad, match in [(np.zeros((1025, 3), complex), "Shape"), (np.zeros((1025, 8)), "complex")]:
        with pytest.raises(librosa.ParameterError):
            librosa.stft(audio, out=bad)
        with pytest.raises(gx.ParameterError, match=match):
            gx.stft(audio, out=bad)


def test_complex_window_is_a_parameter_error(audio):
    window = np.hanning(512) + 0j
    with pytest.raises(TypeError):
        librosa.stft(audio, n_fft=512, window=window)
    with pytest.raises(gx.ParameterError, match="window"):
        gx.stft(audio, n_fft=512, window=window)
    D = librosa.stft(audio, n_fft=512)
    with pytest.raises(AttributeError):
        librosa.istft(D, window=window)
    with pytest.raises(gx.ParameterError, match="window"):
        gx.istft(D, window=window)


# --- istft -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "kw"),
    [((), {"length": 4000}), ((), {"center": False}), ((2,), {"length": 37, "center": False})],
)
def test_istft_of_no_frames_is_zeros(lead, kw):
    D = np.zeros((*lead, 257, 0), dtype=np.complex64)
    expected = librosa.istft(D, **kw)
    got = gx.istft(D, **kw)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    assert not got.any()


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_istft_complex_output_dtype(audio, dtype):
    D = librosa.stft(audio, n_fft=512)
    expected = librosa.istft(D, dtype=dtype, length=len(audio))
    got = gx.istft(D, dtype=dtype, length=len(audio))
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    assert _rel(expected, got) < 1e-5


def test_istft_dtypes_librosa_cannot_overlap_add_are_parameter_errors(audio):
    D = librosa.stft(audio, n_fft=512)
    with pytest.raises(NotImplementedError):
        librosa.istft(D, dtype=np.float16)
    with pytest.raises(gx.ParameterError, match="dtype"):
        gx.istft(D, dtype=np.float16)
    S16 = np.abs(D).astype(np.float16)
    with pytest.raises(NotImplementedError):
        librosa.istft(S16)
    with pytest.raises(gx.ParameterError, match="float16"):
        gx.istft(S16)


def test_istft_of_a_boolean_matrix(audio):
    mask = np.abs(librosa.stft(audio, n_fft=512)) > 1
    expected = librosa.istft(mask)
    got = gx.istft(mask)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    assert _rel(expected, got) < 1e-5


@pytest.mark.parametrize("out", [[0j] * 10, None])
def test_out_that_is_no_array_is_a_parameter_error(audio, out):
    D = librosa.stft(audio, n_fft=512)
    if out is None:  # None means "no out": the ordinary result
        assert gx.istft(D, out=None).shape == librosa.istft(D).shape
        return
    with pytest.raises(gx.ParameterError, match=r"out must be a numpy\.ndarray"):
        gx.stft(audio, n_fft=512, out=out)
    with pytest.raises(gx.ParameterError, match=r"out must be a numpy\.ndarray"):
        gx.istft(D, out=out)


def test_istft_out_array(audio):
    D = librosa.stft(audio, n_fft=512)
    expected = librosa.istft(D, length=len(audio), out=np.ones(len(audio)))
    out = np.ones(len(audio))
    got = gx.istft(D, length=len(audio), out=out)
    assert got is out
    assert _rel(expected, got) < 1e-5
    with pytest.raises(gx.ParameterError, match="Shape"):
        gx.istft(D, length=len(audio), out=np.ones(10))


# --- filterbanks -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
@pytest.mark.parametrize(
    "kw", [{}, {"norm": None}, {"norm": 1}, {"htk": True, "fmax": 8000.0, "n_mels": 40}]
)
def test_mel_filterbank_is_computed_in_its_dtype(dtype, kw):
    expected = librosa.filters.mel(sr=22050, n_fft=2048, dtype=dtype, **kw)
    got = gx.filters.mel(sr=22050, n_fft=2048, dtype=dtype, **kw)
    assert got.dtype == expected.dtype
    # float64: exact as librosa (float32 round-off was 7e-8); float16: librosa's rounding
    np.testing.assert_allclose(got, expected, rtol=1e-12 if dtype == np.float64 else 0, atol=0)


def test_melspectrogram_float64_filterbank_keeps_its_precision():
    y = np.random.default_rng(4).standard_normal(8000)
    S = np.abs(librosa.stft(y)) ** 2
    expected = librosa.feature.melspectrogram(S=S, dtype=np.float64)
    got = gx.feature.melspectrogram(S=S, dtype=np.float64)
    assert got.dtype == expected.dtype
    assert _rel(expected, got) < 1e-12


@pytest.mark.parametrize("kw", [{}, {"tuning": 0.3}, {"n_chroma": 24, "base_c": False}])
def test_chroma_filterbank_float64_is_librosas(kw):
    expected = librosa.filters.chroma(sr=22050, n_fft=2048, dtype=np.float64, **kw)
    got = gx.filters.chroma(sr=22050, n_fft=2048, dtype=np.float64, **kw)
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_chroma_ctroct_is_unused_without_octave_weighting():
    for ctroct in (np.inf, np.nan):
        expected = librosa.filters.chroma(sr=22050, n_fft=2048, ctroct=ctroct, octwidth=None)
        got = gx.filters.chroma(sr=22050, n_fft=2048, ctroct=ctroct, octwidth=None)
        assert _rel(expected, got) < 1e-6
    y = np.random.default_rng(5).standard_normal(8000).astype(np.float32)
    kw = {"y": y, "sr": 22050, "tuning": 0.0, "ctroct": np.inf, "octwidth": None}
    assert _rel(librosa.feature.chroma_stft(**kw), gx.feature.chroma_stft(**kw)) < 1e-4


@pytest.mark.parametrize(
    ("fn", "kw", "name"),
    [
        ("mel", {"n_fft": 2048.0}, "n_fft"),
        ("mel", {"n_fft": 0}, "n_fft"),
        ("mel", {"sr": 0}, "sr"),
        ("mel", {"dtype": np.int64}, "dtype"),
        ("chroma", {"n_fft": 1}, "n_fft"),
        ("chroma", {"n_fft": 2048.0}, "n_fft"),
        ("chroma", {"n_chroma": 0}, "n_chroma"),
        ("chroma", {"n_chroma": 12.0}, "n_chroma"),
        ("chroma", {"tuning": np.nan}, "tuning"),
        ("chroma", {"sr": 0}, "sr"),
    ],
)
def test_filterbank_arguments_librosa_fails_on(fn, kw, name):
    args = {"sr": 22050, "n_fft": 2048, **kw}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        librosa_errors = (librosa.ParameterError, ValueError, TypeError, IndexError)
        with pytest.raises((*librosa_errors, ZeroDivisionError)):
            getattr(librosa.filters, fn)(**args)
        with pytest.raises(gx.ParameterError, match=name):
            getattr(gx.filters, fn)(**args)


# --- conversions and normalize -----------------------------------------------------------------


def test_fft_frequencies_arguments():
    for kw, name in [({"n_fft": 0}, "n_fft"), ({"n_fft": 2048.0}, "n_fft"), ({"sr": 0}, "sr")]:
        with pytest.raises((ValueError, ZeroDivisionError)):
            librosa.fft_frequencies(**kw)
        with pytest.raises(gx.ParameterError, match=name):
            gx.fft_frequencies(**kw)
    assert gx.fft_frequencies(n_fft=-2).shape == librosa.fft_frequencies(n_fft=-2).shape == (0,)
    for n_mels in (5.0, -1):
        with pytest.raises((TypeError, ValueError)):
            librosa.mel_frequencies(n_mels)
        with pytest.raises(gx.ParameterError, match="n_mels"):
            gx.mel_frequencies(n_mels)


@pytest.mark.parametrize(
    ("S", "kw", "match"),
    [
        (np.array(2.0), {}, "dimension"),
        (np.zeros((0, 3)), {}, "no values"),
        (np.zeros((0, 3)), {"norm": 2}, "no values"),
        (np.ones((3, 4)), {"axis": 5}, "axis"),
        (np.ones((3, 4)), {"norm": 1 + 0j}, "norm"),
    ],
)
def test_normalize_inputs_librosa_fails_on(S, kw, match):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises((TypeError, ValueError, IndexError, ZeroDivisionError)):
            librosa.util.normalize(S, **kw)
        with pytest.raises(gx.ParameterError, match=match):
            gx.util.normalize(S, **kw)


@pytest.mark.parametrize("kw", [{"norm": 0}, {"norm": np.int64(2)}, {"axis": 1}, {"norm": None}])
def test_normalize_of_empty_arrays_librosa_takes(kw):
    S = np.zeros((0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = librosa.util.normalize(S, **kw)
        got = gx.util.normalize(S, **kw)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype


# --- S= with an odd n_fft through the numpy filterbank path ------------------------------------


@pytest.mark.parametrize("n_fft", [2047, 1023, 2000])
@pytest.mark.parametrize("feature", ["melspectrogram", "chroma_stft"])
def test_s_input_keeps_an_n_fft_that_fits_its_bins(audio, feature, n_fft):
    # librosa keeps the given n_fft when n_fft // 2 + 1 matches S's bins (an odd n_fft too);
    # a float64 filterbank (dtype=) runs the numpy path, which inferred 2 * (bins - 1) and was
    # off by up to 1.1e-2 (mel) / 5.4e-3 (chroma) for n_fft 2047 (found in review)
    S = np.abs(librosa.stft(audio, n_fft=n_fft)) ** 2
    kwargs = {"sr": 22050, "n_fft": n_fft, "dtype": np.float64}
    if feature == "chroma_stft":
        kwargs["tuning"] = 0.0
    expected = getattr(librosa.feature, feature)(S=S, **kwargs)
    got = getattr(gx.feature, feature)(S=S, **kwargs)
    assert got.dtype == expected.dtype
    assert _rel(got, expected) <= 1e-6
