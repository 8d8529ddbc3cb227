"""Parity where a feature reads a spectrum's weak bins, and small argument differences, found
by the differential fuzz of session 13 (37,209 seeded cases of the card features against
librosa 0.11). librosa's stft is a float64 FFT (rounded to complex64 for float32 audio); the
features below read bins far below the float32 FFT's round-off, so they take the float64 FFT
too."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import genrefx
from genrefx.exceptions import ParameterError

SR = 22050


def _rel(got: np.ndarray, ref: np.ndarray) -> float:
    return float(np.abs(got - ref).max() / np.abs(ref).max())


def _tone(freq: float, seconds: float = 1.0, dtype=np.float32) -> np.ndarray:
    return np.sin(2 * np.pi * freq * np.arange(int(seconds * SR)) / SR).astype(dtype)


@pytest.mark.parametrize("power", [0.25, 0.5, 1.5, 3.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_melspectrogram_of_other_powers_matches_librosa(power, dtype):
    # a power below 1 lifts the pure tone's far bins, where a float32 FFT's round-off sits
    # (5.4e-5 off at 0.5, 3.4e-3 at 0.25 with the float32 FFT)
    y = _tone(440.0, dtype=dtype)
    got = genrefx.feature.melspectrogram(y=y, sr=SR, power=power)
    ref = librosa.feature.melspectrogram(y=y, sr=SR, power=power)
    assert got.dtype == ref.dtype
    assert _rel(got, ref) <= 1e-5


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("band", "loud", "weak"),
    [({"fmax": 4000.0}, 8000.0, 500.0), ({"fmin": 9000.0, "fmax": 11025.0}, 2000.0, 10000.0)],
)
def test_mel_and_mfcc_with_loud_energy_outside_the_band_match_librosa(dtype, band, loud, weak):
    # the float32 FFT's floor of the loud tone outside the band was in the band's values:
    # mel 1.6e-5 and mfcc 1.4e-4 off with fmax=4000
    y = (_tone(loud, dtype=np.float64) + 1e-4 * _tone(weak, dtype=np.float64)).astype(dtype)
    mel = genrefx.feature.melspectrogram(y=y, sr=SR, **band)
    assert _rel(mel, librosa.feature.melspectrogram(y=y, sr=SR, **band)) <= 1e-5
    mfcc = genrefx.feature.mfcc(y=y, sr=SR, **band)
    assert _rel(mfcc, librosa.feature.mfcc(y=y, sr=SR, **band)) <= 1e-4


def _near_tie_tone() -> tuple[np.ndarray, dict]:
    """A harmonic tone with vibrato whose tuning histogram is nearly tied: one piptrack peak
    (926.42 Hz) sits within 4e-6 of a 0.01 histogram edge."""
    n, f0, amp = 24101, 935.2899756509105, 0.3
    t = np.arange(n) / SR
    phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.01 * np.sin(2 * np.pi * 5 * t))) / SR
    y = amp * sum(np.sin(k * phase) / k for k in range(1, 8) if k * f0 < SR / 2)
    stft_args = {
        "n_fft": 2048,
        "hop_length": 128,
        "win_length": 249,
        "window": ("kaiser", 8.0),
        "pad_mode": "edge",
    }
    return y.astype(np.float32), stft_args


def test_chroma_tuning_estimate_on_a_near_tie_matches_librosa():
    # with the float32 FFT the estimate was 0.22 against librosa's -0.12: chroma 0.25 off
    y, stft_args = _near_tie_tone()
    got = genrefx.feature.chroma_stft(y=y, sr=SR, **stft_args)
    ref = librosa.feature.chroma_stft(y=y, sr=SR, **stft_args)
    assert _rel(got, ref) <= 1e-4
    assert genrefx.estimate_tuning(y=y, sr=SR, **stft_args) == librosa.estimate_tuning(
        y=y, sr=SR, **stft_args
    )
    # extract's chroma (an estimated tuning: the float64 FFT too) is the single call's
    fused = genrefx.extract(y, sr=SR, features=["chroma_stft"], **stft_args)["chroma_stft"]
    np.testing.assert_array_equal(fused, got)


@pytest.mark.parametrize("dtype", [np.int32, bool, object, "not a dtype"])
def test_rms_refuses_a_dtype_that_is_not_floating_point(dtype):
    # librosa raises (numpy cannot compute abs2 in it); cast blindly, int32 gave zeros
    y = _tone(440.0, 0.5)
    with pytest.raises(ParameterError, match="dtype"):
        genrefx.feature.rms(y=y, dtype=dtype)
    with pytest.raises(ParameterError, match="dtype"):
        genrefx.feature.rms(S=np.abs(genrefx.stft(y)), dtype=dtype)


@pytest.mark.parametrize("dtype", [None, np.float32, np.float64, np.complex64])
@pytest.mark.parametrize("y_dtype", [np.float32, np.float64])
def test_rms_dtype_as_librosa(dtype, y_dtype):
    y = _tone(440.0, 0.5, y_dtype)
    got = genrefx.feature.rms(y=y, dtype=dtype)
    ref = librosa.feature.rms(y=y, dtype=dtype)
    assert got.dtype == ref.dtype  # dtype=None: the audio's own (librosa's abs2)
    assert _rel(got, ref) <= 1e-5
    S = np.abs(librosa.stft(y))
    got_s = genrefx.feature.rms(S=S, dtype=dtype)
    ref_s = librosa.feature.rms(S=S, dtype=dtype)
    assert got_s.dtype == ref_s.dtype


def test_rms_of_an_integer_spectrogram_needs_a_float_dtype():
    S = np.ones((1025, 3), dtype=np.int32)
    with pytest.raises(ParameterError, match="dtype"):
        genrefx.feature.rms(S=S, dtype=None)
    np.testing.assert_allclose(
        genrefx.feature.rms(S=S), librosa.feature.rms(S=S.astype(np.float32)), rtol=1e-6
    )


@pytest.mark.parametrize("value", [True, False, np.True_, np.array(True)])
@pytest.mark.parametrize("top_db", [80.0, None])
def test_amplitude_to_db_of_a_single_boolean_is_librosas(value, top_db):
    got = genrefx.amplitude_to_db(value, top_db=top_db)
    ref = librosa.amplitude_to_db(value, top_db=top_db)
    assert np.asarray(got).dtype == np.asarray(ref).dtype
    assert got == ref


def test_amplitude_to_db_of_a_boolean_array_is_refused():
    # (librosa: numpy's UFuncTypeError squaring booleans in place)
    with pytest.raises(ParameterError, match="bool"):
        genrefx.amplitude_to_db(np.array([True, False]))


@pytest.mark.parametrize(
    "dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32]
)
def test_integer_spectrogram_result_dtypes_follow_numpy_promotion(dtype):
    # melspectrogram: float32 filterbank x integer S (float64 from int32 up); flatness: S**2.0
    S = (np.arange(1025 * 4).reshape(1025, 4) % 50 + 1).astype(dtype)
    for name, tol in (("melspectrogram", 1e-5), ("spectral_flatness", 1e-5)):
        got = getattr(genrefx.feature, name)(S=S)
        ref = getattr(librosa.feature, name)(S=S)
        assert got.dtype == ref.dtype, name
        assert _rel(got, ref) <= tol, name


def _chirp() -> np.ndarray:
    """A 1-s exponential chirp, 50 Hz to 9 kHz: most bins of most frames are far below the
    frame's peak."""
    t = np.arange(SR) / SR
    k = 9000 / 50
    return (0.5 * np.sin(2 * np.pi * 50 * (k**t - 1) / np.log(k))).astype(np.float32)


@pytest.mark.parametrize("kw", [{}, {"power": 0.5}, {"mask": True}, {"margin": 2.0}])
def test_hpss_effects_of_a_chirp_match_librosa(kw):
    # the soft masks of bins at the float32 FFT's floor are ratios of round-off: the harmonic
    # part was 3.4e-4 off at power=0.5, 3-5x the peak with mask=True
    y = _chirp()
    for name in ("harmonic", "percussive"):
        got = getattr(genrefx.effects, name)(y, **kw)
        ref = getattr(librosa.effects, name)(y, **kw)
        assert got.dtype == ref.dtype
        assert _rel(got, ref) <= 1e-4, name


@pytest.mark.parametrize(
    ("sr", "freq", "kw"),
    [
        (22050, 440.0, {}),
        (44100, 1234.5, {"fmax": 15413.5, "hop_length": 128, "max_size": 3}),
        (22050, 440.0, {"fmax": 4873.7}),
    ],
)
def test_onset_strength_of_a_steady_tone_matches_librosa(sr, freq, kw):
    # after the attack the envelope is made of mel bands 60-80 dB down: from the float32 FFT
    # it was 2e-4 off with the defaults, 2.8e-2 with fmax=4873.7
    y = (0.5 * np.sin(2 * np.pi * freq * np.arange(3 * sr) / sr)).astype(np.float32)
    got = genrefx.onset.onset_strength(y=y, sr=sr, **kw)
    ref = librosa.onset.onset_strength(y=y, sr=sr, **kw)
    assert _rel(got, ref) <= 1e-5


@pytest.mark.parametrize(
    ("freq", "phase", "kw"),
    [(3686.1, 4.24, {"center": False}), (2758.0, 0.67, {"center": False, "order": 2})],
)
def test_poly_features_of_a_pure_tone_match_librosa(freq, phase, kw):
    # the fit runs over every bin, and a tone's off-peak bins sit at the FFT's floor: from the
    # float32 FFT the coefficients were up to 8.9e-5 of a degree's largest off (26 of 60
    # random tones above 1e-6)
    sr = 11025
    t = np.arange(11159) / sr
    y = (0.3 * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)
    got = genrefx.feature.poly_features(y=y, sr=sr, **kw)
    ref = librosa.feature.poly_features(y=y, sr=sr, **kw)
    for degree in range(ref.shape[0]):
        assert _rel(got[degree], ref[degree]) <= 1e-6, degree


def test_chroma_cqt_refuses_zero_chroma_bins():
    # (librosa: a ZeroDivisionError, not a ValueError)
    with pytest.raises(ParameterError, match="n_chroma"):
        genrefx.feature.chroma_cqt(y=_tone(440.0), sr=SR, n_chroma=0)
