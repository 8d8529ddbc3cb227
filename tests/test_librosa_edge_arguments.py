"""librosa's less common arguments, against librosa 0.11: thresholds and reference magnitudes
of zero_crossing_rate, float64 audio there, mfcc and chroma settings whose floors reach the
spectrum's smallest bins, the filterbanks' ``dtype`` and norms, and pad_mode without centring.

Tolerances are the feature tolerances of test_feature_parity.py (max|a - b| / max|librosa|);
zero_crossing_rate must be identical.
"""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest

import genrefx
import signals
from conftest import rel_err

SR = 22050


def _zcr_signals():
    """Signals whose classes depend on librosa's exact comparison rules."""
    rng = np.random.default_rng(11)
    y = (0.3 * rng.standard_normal(6000)).astype(np.float32)
    y[100:300] = 0.0
    y[300:320] = -0.0  # -0.0 counts as negative with zero_pos when nothing zeroes it
    y[400:420] = 1e-11
    y[420:440] = -1e-11
    y64 = y.astype(np.float64)
    # between the float64 threshold 1e-10 and its float32 rounding: librosa compares in float64
    y64[500:600] = 1e-10 * (1 + 1e-9) * np.sign(rng.standard_normal(100))
    return {
        "float32": y,
        "float64": y64,
        "float64_tiny": rng.standard_normal(4000) * 1e-50,  # float32 would flush these to 0
        "float64_loud": rng.standard_normal(4000) * 1e39,  # beyond float32's range
        "stereo": (0.3 * rng.standard_normal((2, 4000))).astype(np.float32),
    }


ZCR_SIGNALS = _zcr_signals()


def _per_frame_max(frames):
    return frames.max(axis=-2, keepdims=True)


@pytest.mark.parametrize("name", sorted(ZCR_SIGNALS))
@pytest.mark.parametrize(
    ("threshold", "ref"),
    [
        (1e-10, None),
        (-0.5, None),
        (0.0, None),
        (np.nan, None),
        (np.float64(0.1), None),  # a numpy float64 threshold: librosa compares in float64
        (0.5, np.mean),  # applied to the frames, not to y
        (0.5, np.median),
        (0.2, 2.0),
        (0.3, _per_frame_max),  # one threshold per frame
    ],
)
@pytest.mark.parametrize("zero_pos", [True, False])
@pytest.mark.parametrize("center", [True, False])
def test_zero_crossing_rate_threshold_rules(name, threshold, ref, zero_pos, center):
    y = ZCR_SIGNALS[name]
    kw = {"threshold": threshold, "ref_magnitude": ref, "zero_pos": zero_pos, "pad": center}
    args = {"frame_length": 512, "hop_length": 128, "center": center}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # librosa's kernel on a NaN threshold
        if ref is _per_frame_max and y.ndim > 1:
            # librosa's kernel cannot broadcast per-frame thresholds of stereo frames: each
            # channel on its own
            ref_out = np.stack([librosa.feature.zero_crossing_rate(c, **args, **kw) for c in y])
        else:
            ref_out = librosa.feature.zero_crossing_rate(y, **args, **kw)
    out = genrefx.feature.zero_crossing_rate(y, **args, **kw)
    assert out.shape == ref_out.shape
    assert out.dtype == ref_out.dtype
    assert np.array_equal(out, ref_out)


def test_extract_zero_crossing_rate_of_float64_audio_is_librosas():
    y = ZCR_SIGNALS["float64"]
    out = genrefx.extract(y, SR, ["zero_crossing_rate", "rms"], n_fft=512, hop_length=128)
    ref = librosa.feature.zero_crossing_rate(y, frame_length=512, hop_length=128)
    assert np.array_equal(out["zero_crossing_rate"], ref)


def test_zero_crossing_rate_threshold_none_is_a_parameter_error():
    with pytest.raises(genrefx.ParameterError, match="threshold"):
        genrefx.feature.zero_crossing_rate(ZCR_SIGNALS["float32"], threshold=None)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["chirp", "lowpass_music", "tone"])
@pytest.mark.parametrize("power", [1.0, 1.5])
def test_mfcc_of_magnitudes_reaches_the_smallest_bins(kind, power, dtype):
    """mfcc's 80 dB floor of a magnitude mel keeps bins down to 1e-8 of the loudest: they
    need librosa's float64 FFT (a float32 FFT missed by up to 1e-2)."""
    y = _floor_signal(kind).astype(dtype)
    ref = librosa.feature.mfcc(y=y, sr=SR, power=power)
    out = genrefx.feature.mfcc(y=y, sr=SR, power=power)
    assert out.dtype == ref.dtype
    assert out.shape == ref.shape
    assert rel_err(out, ref) <= 1e-4


@pytest.mark.parametrize("sr", [22050, 96000])
def test_chroma_min_norm_reaches_the_smallest_bins(sr):
    """norm=-inf divides each frame by its smallest chroma value (1e-15 of the largest here)."""
    y = _floor_signal("chirp", sr)
    ref = librosa.feature.chroma_stft(y=y, sr=sr, norm=-np.inf, tuning=0.0)
    out = genrefx.feature.chroma_stft(y=y, sr=sr, norm=-np.inf, tuning=0.0)
    assert out.dtype == ref.dtype
    assert out.shape == ref.shape
    assert rel_err(out, ref) <= 1e-4


def _floor_signal(kind: str, sr: int = SR) -> np.ndarray:
    if kind == "chirp":
        t = np.arange(sr) / sr
        return librosa.chirp(fmin=100, fmax=sr / 2.5, sr=sr, duration=1.0).astype(np.float32) * (
            0.5 + 0.4 * np.sin(2 * np.pi * 3 * t)
        ).astype(np.float32)
    if kind == "tone":
        return signals.tone(440.0, duration=1.0).astype(np.float32)
    music = signals.music(duration=2.0)
    spectrum = np.fft.rfft(music)
    spectrum[np.fft.rfftfreq(music.size, 1 / SR) > 4000] = 0  # like a decoded MP3's cut-off
    return np.fft.irfft(spectrum, music.size).astype(np.float32)


@pytest.mark.parametrize("pad_mode", ["median", "maximum", "mean", "wrap"])
def test_center_false_ignores_pad_mode(pad_mode):
    """librosa pads only centred frames, so any pad_mode goes with center=False."""
    y = signals.get("music")[: 3 * SR]
    kw = {"center": False, "pad_mode": pad_mode}
    assert rel_err(np.abs(genrefx.stft(y, **kw)), np.abs(librosa.stft(y, **kw))) <= 1e-5
    ref = librosa.feature.spectral_centroid(y=y, sr=SR, **kw)
    assert rel_err(genrefx.feature.spectral_centroid(y=y, sr=SR, **kw), ref) <= 1e-5
    assert rel_err(genrefx.feature.rms(y=y, **kw), librosa.feature.rms(y=y, **kw)) <= 1e-5


@pytest.mark.parametrize("use_S", [False, True])
def test_filterbank_dtype_keyword(use_S):
    """dtype= reaches librosa's filterbanks: a float64 bank makes the product float64."""
    y = signals.get("music")[: 3 * SR]
    src = {"S": np.abs(librosa.stft(y)) ** 2} if use_S else {"y": y}
    for fn, tol in (("melspectrogram", 1e-5), ("chroma_stft", 1e-4)):
        ref = getattr(librosa.feature, fn)(**src, sr=SR, dtype=np.float64)
        out = getattr(genrefx.feature, fn)(**src, sr=SR, dtype=np.float64)
        assert out.dtype == ref.dtype == np.float64
        assert out.shape == ref.shape
        assert rel_err(out, ref) <= tol, fn
    if not use_S:
        for kw in ({"dtype": np.float64}, {"dtype": np.float64, "power": 1.5}):
            ref = librosa.feature.mfcc(y=y, sr=SR, **kw)
            out = genrefx.feature.mfcc(y=y, sr=SR, **kw)
            assert out.dtype == ref.dtype
            assert rel_err(out, ref) <= 1e-4


@pytest.mark.parametrize("norm", [None, 1, 2, np.inf, -np.inf, 0, 3.5])
@pytest.mark.parametrize(
    "kw", [{}, {"octwidth": None}, {"base_c": False, "tuning": 0.2, "n_chroma": 24}]
)
def test_chroma_filterbank_norms(norm, kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # -inf norms overflow in both
        ref = librosa.filters.chroma(sr=SR, n_fft=2048, norm=norm, **kw)
        out = genrefx.filters.chroma(sr=SR, n_fft=2048, norm=norm, **kw)
    assert out.dtype == ref.dtype
    assert out.shape == ref.shape
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize(
    "call",
    [
        lambda y: genrefx.feature.melspectrogram(y=y, norm=-1),
        lambda y: genrefx.filters.chroma(sr=SR, n_fft=2048, norm=-1),
        lambda y: genrefx.filters.mel(sr=SR, n_fft=2048, norm=-2.5),
    ],
)
def test_norms_librosa_refuses_are_parameter_errors(call):
    with pytest.raises(genrefx.ParameterError, match="norm"):
        call(signals.get("music")[:SR])


def test_onset_strength_and_beats_of_a_clip_shorter_than_two_frames():
    """One frame leaves no frame difference: librosa's envelope is [0.] and beat_track finds
    tempo 0 (the GTZAN preset on a sub-frame clip went through here)."""
    y = signals.short(100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # librosa warns that n_fft is too large for y
        ref = librosa.onset.onset_strength(y=y, sr=SR, aggregate=np.median)
        ref_tempo, ref_beats = librosa.beat.beat_track(y=y, sr=SR)
    np.testing.assert_array_equal(
        genrefx.onset.onset_strength(y=y, sr=SR, aggregate=np.median), ref
    )
    tempo, beats = genrefx.beat.beat_track(y=y, sr=SR)
    assert np.array_equal(np.atleast_1d(tempo), np.atleast_1d(ref_tempo))
    assert beats.size == ref_beats.size == 0


@pytest.mark.parametrize("dtype", ["nonsense", np.int32, np.complex64, object])
@pytest.mark.parametrize("fn", ["melspectrogram", "mfcc", "chroma_stft"])
def test_filterbank_dtype_must_be_real_floating_point(fn, dtype):
    y = signals.get("music")[:SR]
    with pytest.raises(genrefx.ParameterError, match="dtype"):
        getattr(genrefx.feature, fn)(y=y, sr=SR, dtype=dtype)
