"""phase_vocoder, effects.time_stretch / pitch_shift and pcen against librosa 0.11.

* phase_vocoder, given the same STFT: bit for bit for complex128; for complex64 the phases are
  bit for bit (shown by giving librosa genrefx's phasor function) and the phasors within one
  float32 ulp (librosa's numba cosf / sinf against numpy's float32 cos / sin).
* time_stretch / pitch_shift: librosa's steps exactly (librosa's own functions, with their
  stft / istft / phase_vocoder replaced by genrefx's, give genrefx's result bit for bit); the
  STFT's FFT runs in float64 as librosa's, because the phase vocoder is ill-conditioned
  (librosa's own output moves by up to 0.5 of its peak when its input changes by 1e-7):
  against librosa itself within the istft's round-off.
* pcen: the same scipy / numpy operations as librosa, bit for bit.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import librosa
import librosa.core
import librosa.util
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import genrefx as gx
import signals
from conftest import assert_identical, rel_err
from genrefx.channel_energy import pcen
from genrefx.spectrum import _stft
from genrefx.vocoder import _phasors32, phase_vocoder, pitch_shift, time_stretch

SR = signals.SR


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (phase_vocoder, librosa.phase_vocoder),
        (time_stretch, librosa.effects.time_stretch),
        (pitch_shift, librosa.effects.pitch_shift),
        (pcen, librosa.pcen),
    ],
)
def test_signature_is_librosas(ours, theirs):
    ours = inspect.signature(ours).parameters.values()
    theirs = inspect.signature(theirs).parameters.values()
    assert [(p.name, p.kind, p.default) for p in ours] == [
        (p.name, p.kind, p.default) for p in theirs
    ]


@pytest.mark.skipif(not hasattr(gx.effects, "time_stretch"), reason="not exported from genrefx yet")
def test_exported_names_are_these_functions():
    assert gx.effects.time_stretch is time_stretch
    assert gx.effects.pitch_shift is pitch_shift
    assert gx.phase_vocoder is phase_vocoder
    assert gx.pcen is pcen


# --- signals -----------------------------------------------------------------------------------

_SIGNALS = {
    "music": lambda: signals.music(2.0),
    "noise": lambda: signals.white_noise(1.0),
    "tone": lambda: signals.tone(duration=1.0),
    "chirp": lambda: signals.chirp(duration=1.0),
}


@pytest.fixture(scope="module")
def sig():
    cache: dict[str, np.ndarray] = {}

    def get(name: str, dtype=np.float32) -> np.ndarray:
        if name not in cache:
            cache[name] = _SIGNALS[name]()
        return cache[name].astype(dtype)

    return get


@pytest.fixture(scope="module")
def stereo() -> np.ndarray:
    return np.stack([signals.music(2.0), signals.music(2.0, seed=4)])


@pytest.fixture
def genrefx_in_librosa(monkeypatch):
    """librosa.effects with genrefx's stft (the float64-FFT one time_stretch uses), istft and
    phase_vocoder (librosa calls them as ``core.stft`` ...): its time_stretch / pitch_shift
    routing around genrefx's steps."""
    monkeypatch.setattr(librosa.core, "stft", functools.partial(_stft, fft64=True))
    monkeypatch.setattr(librosa.core, "istft", gx.istft)
    monkeypatch.setattr(librosa.core, "phase_vocoder", phase_vocoder)


# --- phase_vocoder -----------------------------------------------------------------------------

RATES = [0.5, 0.8, 1.25, 2.0]


@pytest.mark.parametrize("rate", [*RATES, 1.0, 3.7, np.inf])
@pytest.mark.parametrize("name", ["music", "noise", "tone", "chirp"])
def test_phase_vocoder_complex128_is_librosas_bit_for_bit(sig, name, rate):
    D = librosa.stft(sig(name, np.float64))
    assert D.dtype == np.complex128
    assert_identical(phase_vocoder(D, rate=rate), librosa.phase_vocoder(D, rate=rate))


@pytest.mark.parametrize("rate", [0.8, 2.0])
def test_phase_vocoder_layouts_and_channels_bit_for_bit(stereo, rate):
    D = gx.stft(stereo.astype(np.float64))  # (2, 1025, t), frames-major per channel
    expected = librosa.phase_vocoder(D, rate=rate)
    assert_identical(phase_vocoder(D, rate=rate), expected)
    assert_identical(phase_vocoder(np.ascontiguousarray(D), rate=rate), expected)
    for c in range(2):  # each channel alone is its slice of the batch
        assert_identical(phase_vocoder(np.asfortranarray(D[c]), rate=rate), expected[c])
    D4 = np.stack([D, D[::-1] * 0.5])  # (2, 2, 1025, t)
    assert_identical(phase_vocoder(D4, rate=rate), librosa.phase_vocoder(D4, rate=rate))


@pytest.mark.parametrize(
    ("stft_kw", "pv_kw"),
    [
        ({"n_fft": 1001, "hop_length": 250}, {"n_fft": 1001, "hop_length": 250}),
        ({"n_fft": 512, "hop_length": 128}, {"hop_length": 128}),
        ({"n_fft": 512}, {"n_fft": 512}),
        ({"n_fft": 1024, "hop_length": 512}, {"hop_length": 300}),  # a hop D was not made with
    ],
)
def test_phase_vocoder_hop_length_and_n_fft(sig, stft_kw, pv_kw):
    D = librosa.stft(sig("music", np.float64), **stft_kw)
    for rate in (0.8, 1.25):
        assert_identical(
            phase_vocoder(D, rate=rate, **pv_kw), librosa.phase_vocoder(D, rate=rate, **pv_kw)
        )


def _genrefx_phasor(angles, *, mag=None):
    """librosa.util.phasor computed as genrefx's phase vocoder computes it (float32 angles)."""
    assert angles.dtype == np.float32
    z = np.empty(angles.shape, dtype=np.complex64)
    _phasors32(angles, np.broadcast_to(mag, angles.shape), z)
    return z


@pytest.mark.parametrize("rate", [*RATES, 1.0])
@pytest.mark.parametrize("name", ["music", "chirp"])
def test_phase_vocoder_complex64_phases_are_librosas_bit_for_bit(sig, monkeypatch, name, rate):
    # librosa's loop with genrefx's phasors: everything else (magnitudes, float32 phase
    # accumulator) must then be identical
    D = librosa.stft(sig(name))
    assert D.dtype == np.complex64
    monkeypatch.setattr(librosa.util, "phasor", _genrefx_phasor)
    assert_identical(phase_vocoder(D, rate=rate), librosa.phase_vocoder(D, rate=rate))


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("name", ["music", "noise", "tone", "chirp"])
def test_phase_vocoder_complex64_within_a_phasor_ulp(sig, name, rate):
    D = gx.stft(sig(name))
    got = phase_vocoder(D, rate=rate)
    expected = librosa.phase_vocoder(D, rate=rate)
    assert got.dtype == expected.dtype == np.complex64
    assert got.shape == expected.shape
    # one float32 ulp of the unit phasor per component, then the product's rounding
    assert np.all(np.abs(got - expected) <= 2.5e-7 * np.abs(expected))


@pytest.mark.parametrize("scale", [1e-3, 3.0, 300.0, 1e6, 3e7, 1e9])
def test_phasors32_within_2_pow_minus_24_of_librosas(scale):
    # the float32 phase accumulator reaches about pi / 2 * n_bins * n_frames radians
    x = (np.random.default_rng(7).uniform(-1, 1, 200_000) * scale).astype(np.float32)
    mag = np.random.default_rng(8).random(x.shape) * 3
    z = np.empty(x.shape, dtype=np.complex64)
    _phasors32(x, np.ones(x.shape), z)
    expected = librosa.util.phasor(x)
    assert np.max(np.abs(z.real - expected.real)) <= 2.0**-24
    assert np.max(np.abs(z.imag - expected.imag)) <= 2.0**-24
    _phasors32(x, mag, z)
    np.testing.assert_allclose(z, librosa.util.phasor(x, mag=mag), rtol=2.5e-7, atol=0)


def test_phase_vocoder_nan_propagates_as_librosa(sig):
    D = librosa.stft(sig("noise", np.float64))
    D[100, 5] = np.nan
    D[7, 0] = complex(np.nan, 1.0)
    expected = librosa.phase_vocoder(D, rate=0.8)
    got = phase_vocoder(D, rate=0.8)  # (no warnings: pytest turns them into errors)
    assert np.isnan(got).any()
    assert_identical(got, expected)
    D32 = D.astype(np.complex64)
    got = phase_vocoder(D32, rate=0.8)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(librosa.phase_vocoder(D32, rate=0.8)))


@pytest.mark.parametrize(
    ("D", "kwargs", "match"),
    [
        (np.ones((1025, 4), dtype=np.float32), {"rate": 2.0}, "D must be a complex"),
        (np.ones((1025, 4), dtype=np.int64), {"rate": 2.0}, "D must be a complex"),
        (np.ones((9, 4), dtype=np.clongdouble), {"rate": 2.0}, "D must be a complex"),
        (np.ones(1025, dtype=np.complex64), {"rate": 2.0}, "D must have shape"),
        (np.ones((1025, 0), dtype=np.complex64), {"rate": 2.0}, "no frames"),
        (np.ones((1, 4), dtype=np.complex64), {"rate": 2.0}, "pass n_fft"),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": 0}, "rate=0"),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": -1.0}, "rate=-1.0"),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": np.nan}, "rate=nan"),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": "2"}, "rate='2'"),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": np.array([2.0])}, "rate="),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": 2.0, "n_fft": 1000}, "n_fft=1000"),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": 2.0, "hop_length": 0}, "hop_length"),
        (np.ones((1025, 4), dtype=np.complex64), {"rate": 2.0, "hop_length": 9.5}, "hop_length"),
    ],
)
def test_phase_vocoder_bad_input_is_a_parameter_error(D, kwargs, match):
    # librosa: a ComplexWarning and real output, TypeError, IndexError, ZeroDivisionError, an
    # empty result (negative rate), numpy's ValueError, a broadcasting ValueError, or (for the
    # hop lengths) a silently meaningless phase advance
    with pytest.raises(gx.ParameterError, match=match):
        phase_vocoder(D, **kwargs)


def test_phase_vocoder_empty_batch_as_librosa():
    D = np.zeros((0, 1025, 12), dtype=np.complex64)
    assert_identical(phase_vocoder(D, rate=0.8), librosa.phase_vocoder(D, rate=0.8))


def test_phase_vocoder_infinite_rate_is_one_frame_as_librosa(sig):
    D = librosa.stft(sig("tone", np.float64))
    assert_identical(phase_vocoder(D, rate=np.inf), librosa.phase_vocoder(D, rate=np.inf))


# --- time_stretch ------------------------------------------------------------------------------

_STRETCH_KWARGS = [
    {},
    {"hop_length": 256},
    {"n_fft": 1024},
    {"n_fft": 1001, "hop_length": 250},
    {"win_length": 1024},  # librosa's quirk: the vocoder's hop is n_fft // 4, the STFT's 256
    {"window": "hamming"},
    {"center": False},
    {"n_fft": 512, "hop_length": 128, "win_length": 400, "window": ("kaiser", 8.0)},
]


@pytest.mark.parametrize("kwargs", _STRETCH_KWARGS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_time_stretch_is_librosas_routing_bit_for_bit(
    sig, stereo, genrefx_in_librosa, kwargs, dtype
):
    for y in (sig("music", dtype), stereo.astype(dtype)):
        for rate in (0.5, 1.25, 2.0):
            expected = librosa.effects.time_stretch(y, rate=rate, **kwargs)
            assert_identical(time_stretch(y, rate=rate, **kwargs), expected)


@pytest.mark.parametrize("n", [1, 2, 3, 100, 1000, 2049])
@pytest.mark.parametrize("rate", [0.5, 2.0, 3.0, np.inf])
def test_time_stretch_short_signals_bit_for_bit_routing(genrefx_in_librosa, n, rate):
    # round(n / rate) == 0 is no length for istft (``if length:``): the full inverse
    y = signals.short(max(n, 2))[:n]
    assert_identical(time_stretch(y, rate=rate), librosa.effects.time_stretch(y, rate=rate))


# max|a - b| / max|b| against librosa: with the STFT's FFT in float64, as librosa's, measured up
# to 4.2e-7 (music, noise, a tone, a chirp, a 30-s clip with a silent gap; float32 and float64;
# the istft's round-off). With the float32 FFT it was up to 7.3e-4, and 0.48 after the gap.
_STRETCH_TOL = 1e-6
_STRETCH_SIGNALS = ["music", "noise", "tone", "chirp"]


@pytest.mark.parametrize("rate", [*RATES, 1.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", _STRETCH_SIGNALS)
def test_time_stretch_against_librosa(sig, name, dtype, rate):
    y = sig(name, dtype)
    got = time_stretch(y, rate=rate)
    expected = librosa.effects.time_stretch(y, rate=rate)
    assert got.dtype == expected.dtype == dtype
    assert got.shape == expected.shape == (round(len(y) / rate),)
    assert rel_err(got, expected) <= _STRETCH_TOL


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_time_stretch_after_a_silent_gap_matches_librosa(dtype):
    # After digital silence every bin's accumulated phase was set by round-off: from the float32
    # FFT (1e-7 from librosa's spectrum) the music after the gap came out with other phases,
    # 0.5 of the peak away from librosa's samples (bench/COMPANIONS.md's 30-s clip: 0.48)
    music = signals.music(1.0)
    y = np.concatenate([music, np.zeros(11025, np.float32), signals.music(1.0, seed=4)])
    y = y.astype(dtype)
    for rate in (0.8, 1.25):
        got = time_stretch(y, rate=rate)
        assert rel_err(got, librosa.effects.time_stretch(y, rate=rate)) <= _STRETCH_TOL
    got = pitch_shift(y, sr=SR, n_steps=3)
    assert rel_err(got, librosa.effects.pitch_shift(y, sr=SR, n_steps=3)) <= _SHIFT_TOL


@pytest.mark.parametrize("rate", [0.8, 2.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["music", "noise", "tone", "chirp"])
def test_time_stretch_is_as_close_to_librosa_as_librosa_to_itself(sig, name, dtype, rate):
    # The phase vocoder is ill-conditioned: librosa's own output moves by far more than float
    # round-off when its input changes by 1e-7 (relative). genrefx's difference must stay well
    # below that, and even from genrefx.stft's float32 FFT the magnitudes of the vocoded STFT
    # (well-conditioned) agree to float round-off.
    y = sig(name, dtype)
    perturbed = (y * (1 + 1e-7 * np.random.default_rng(1).standard_normal(y.shape))).astype(dtype)
    expected = librosa.effects.time_stretch(y, rate=rate)
    sensitivity = rel_err(librosa.effects.time_stretch(perturbed, rate=rate), expected)
    assert rel_err(time_stretch(y, rate=rate), expected) <= 5 * sensitivity
    magnitude = np.abs(phase_vocoder(gx.stft(y), rate=rate))
    assert rel_err(magnitude, np.abs(librosa.phase_vocoder(librosa.stft(y), rate=rate))) <= 5e-7


def test_time_stretch_of_a_chirp_is_ill_conditioned_in_librosa_too(sig):
    # the reason time_stretch takes the STFT with librosa's float64 FFT
    y = sig("chirp", np.float64)
    perturbed = y * (1 + 1e-7 * np.random.default_rng(1).standard_normal(y.shape))
    expected = librosa.effects.time_stretch(y, rate=0.8)
    assert rel_err(librosa.effects.time_stretch(perturbed, rate=0.8), expected) > 0.1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_time_stretch_channels_are_independent(stereo, dtype):
    y = stereo.astype(dtype)
    got = time_stretch(y, rate=0.8)
    assert got.shape == (2, round(y.shape[-1] / 0.8))
    for c in range(2):
        assert_identical(got[c], time_stretch(y[c], rate=0.8))


def test_time_stretch_n_threads_changes_nothing(stereo):
    # genrefx's own keyword, passed to its stft and istft (librosa has none)
    assert_identical(time_stretch(stereo, rate=0.8, n_threads=2), time_stretch(stereo, rate=0.8))


@given(
    n=st.integers(min_value=1, max_value=6000),
    rate=st.floats(min_value=0.3, max_value=4.0),
    dtype=st.sampled_from([np.float32, np.float64]),
    n_fft=st.sampled_from([256, 512, 1001]),
)
def test_time_stretch_length_and_dtype(n, rate, dtype, n_fft):
    y = np.random.default_rng(n).standard_normal(n).astype(dtype)
    got = time_stretch(y, rate=rate, n_fft=n_fft)
    hop = n_fft // 4
    length = round(n / rate)
    if length == 0:  # librosa's istft takes length=0 as "not given": every frame's samples
        frames = len(np.arange(0, 1 + n // hop, rate))
        length = n_fft + hop * (frames - 1) - 2 * (n_fft // 2)
    assert got.shape == (length,)
    assert got.dtype == dtype
    assert np.isfinite(got).all()


@pytest.mark.parametrize(
    ("y", "kwargs", "match"),
    [
        (np.zeros(4000, np.float32), {"rate": 0}, "rate=0"),
        (np.zeros(4000, np.float32), {"rate": -2.0}, "rate=-2.0"),
        (np.zeros(4000, np.float32), {"rate": np.nan}, "rate=nan"),
        (np.zeros(4000, np.float32), {"rate": "2"}, "rate='2'"),
        (np.zeros(4000, np.int16), {"rate": 2.0}, "y must be floating-point"),
        (np.zeros(4000, np.float16), {"rate": 2.0}, "float16"),
        ([0.0] * 4000, {"rate": 2.0}, "y must be a numpy.ndarray"),
        (np.zeros(4000, np.float32), {"rate": 2.0, "dtype": np.complex128}, "dtype="),
        (np.zeros(4000, np.float32), {"rate": 2.0, "pad_mode": "reflect"}, "pad_mode="),
        (np.zeros(4000, np.float32), {"rate": 2.0, "length": 10}, "length=10"),
        (np.zeros(4000, np.float32), {"rate": 2.0, "bogus": 1}, "bogus=1"),
        (np.zeros(4000, np.float32), {"rate": 2.0, "hop_length": 0}, "hop_length"),
        (np.full(4000, np.nan, np.float32), {"rate": 2.0}, "not finite"),
    ],
)
def test_time_stretch_bad_input_is_a_parameter_error(y, kwargs, match):
    # librosa: its ParameterError (rate <= 0, integer y), numpy's ValueError (NaN rate),
    # TypeError (a string rate, keywords stft or istft do not take), NotImplementedError
    # (float16), AttributeError (a list)
    with pytest.raises(gx.ParameterError, match=match):
        time_stretch(y, **kwargs)


def test_time_stretch_rate_checks_match_librosas_parameter_error():
    y = np.zeros(4000, np.float32)
    for rate in (0, -1.5):
        with pytest.raises(librosa.util.exceptions.ParameterError):
            librosa.effects.time_stretch(y, rate=rate)
        with pytest.raises(gx.ParameterError, match="rate"):
            time_stretch(y, rate=rate)


# --- pitch_shift -------------------------------------------------------------------------------

N_STEPS = [-12, -4, 0.5, 3, 7]


@pytest.mark.parametrize(
    ("n_steps", "options"),
    [
        (-12, {}),
        (-4, {"bins_per_octave": 24}),
        (0, {}),
        (0.5, {"scale": True}),
        (3, {"res_type": "fft"}),
        (7, {"res_type": "soxr_vhq", "hop_length": 256}),
        (12, {"res_type": "polyphase"}),  # rate 1/2: integer rates
        (-5, {"bins_per_octave": 5, "res_type": "polyphase", "n_fft": 1024}),
        (2, {"res_type": "soxr_lq", "win_length": 1024, "window": "hamming"}),
        (-3, {"center": False}),
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pitch_shift_is_librosas_routing_bit_for_bit(
    sig, stereo, genrefx_in_librosa, n_steps, options, dtype
):
    for y in (sig("music", dtype), stereo.astype(dtype)):
        expected = librosa.effects.pitch_shift(y, sr=SR, n_steps=n_steps, **options)
        assert_identical(pitch_shift(y, sr=SR, n_steps=n_steps, **options), expected)


# measured up to 7.1e-7 (a tone), as above (float32 FFT: 3.1e-4)
_SHIFT_TOL = 2e-6


@pytest.mark.parametrize("n_steps", [*N_STEPS, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", _STRETCH_SIGNALS)
def test_pitch_shift_against_librosa(sig, name, dtype, n_steps):
    y = sig(name, dtype)
    got = pitch_shift(y, sr=SR, n_steps=n_steps)
    expected = librosa.effects.pitch_shift(y, sr=SR, n_steps=n_steps)
    assert got.dtype == expected.dtype == dtype
    assert got.shape == expected.shape == y.shape
    assert rel_err(got, expected) <= _SHIFT_TOL


def test_pitch_shift_of_a_tone_moves_its_frequency(sig):
    # not only librosa's numbers: 4 semitones up is a factor 2 ** (4 / 12) in frequency
    y = sig("tone", np.float64)
    freq = 440.0 * 2.0 ** (0.27 / 12.0)

    def peak(x):
        spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
        return np.argmax(spectrum) * SR / len(x)

    assert abs(peak(y) - freq) < 1.5
    assert abs(peak(pitch_shift(y, sr=SR, n_steps=4)) - freq * 2.0 ** (4 / 12)) < 1.5


def test_pitch_shift_numeric_string_n_steps_as_librosa(sig, genrefx_in_librosa):
    y = sig("music")
    assert_identical(
        pitch_shift(y, sr=SR, n_steps="2"), librosa.effects.pitch_shift(y, sr=SR, n_steps="2")
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sr": SR, "n_steps": np.nan}, "n_steps=nan"),
        ({"sr": SR, "n_steps": np.inf}, "n_steps=inf"),
        ({"sr": SR, "n_steps": -np.inf}, "n_steps=-inf"),
        ({"sr": SR, "n_steps": "two"}, "n_steps='two'"),
        ({"sr": SR, "n_steps": np.array([1.0, 2.0])}, "n_steps="),
        ({"sr": SR, "n_steps": 2, "bins_per_octave": 0}, "bins_per_octave=0"),
        ({"sr": SR, "n_steps": 2, "bins_per_octave": 12.0}, "bins_per_octave=12.0"),
        ({"sr": 0, "n_steps": 2}, "sr=0"),
        ({"sr": -1, "n_steps": 2}, "sr=-1"),
        ({"sr": np.nan, "n_steps": 2}, "sr=nan"),
        ({"sr": SR, "n_steps": 2, "res_type": "kaiser_best"}, "kaiser_best"),
        ({"sr": SR, "n_steps": 3, "res_type": "polyphase"}, "polyphase"),
        ({"sr": SR, "n_steps": 2, "pad_mode": "edge"}, "pad_mode="),
    ],
)
def test_pitch_shift_bad_input_is_a_parameter_error(kwargs, match):
    # librosa: its ParameterError (bins_per_octave, polyphase rates, res_type), numpy's
    # ValueError (NaN), soxr's ValueError (sr < 0), TypeError (keywords); sr=0 returns the
    # stretched signal unresampled
    y = signals.short(3000)
    with pytest.raises(gx.ParameterError, match=match):
        pitch_shift(y, **kwargs)


# --- pcen --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mel() -> np.ndarray:
    y = np.stack([signals.music(2.0), signals.white_noise(2.0)])
    return librosa.feature.melspectrogram(y=y, sr=SR, power=1, n_mels=40) * 2.0**31


_PCEN_CASES = [
    {},
    {"b": 0.1},
    {"b": 1},
    {"max_size": 3},
    {"max_size": 3, "axis": 0},
    {"max_size": 5, "max_axis": 0, "axis": -1},
    {"gain": 0.8, "bias": 10, "power": 0.25, "time_constant": 0.06, "eps": 1e-8},
    {"power": 0},
    {"bias": 0},
    {"sr": 44100, "hop_length": 441},
    {"hop_length": 256.5},
    {"axis": 0},
    {"gain": np.float32(0.98), "bias": np.float32(2.0), "power": np.float32(0.5)},
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kwargs", _PCEN_CASES)
def test_pcen_is_librosas_bit_for_bit(mel, kwargs, dtype):
    S = mel[0].astype(dtype)
    if kwargs.get("bias") == 0:  # (log(S): keep the silent frames' zeros out)
        S = S + 1
    assert_identical(pcen(S, **kwargs), librosa.pcen(S, **kwargs))


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"max_size": 3, "max_axis": -2}, {"axis": 0}, {"axis": -2, "max_size": 3, "max_axis": -1}],
)
def test_pcen_of_a_batch(mel, kwargs):
    assert_identical(pcen(mel, **kwargs), librosa.pcen(mel, **kwargs))


def test_pcen_ref_given(mel):
    S = mel[0]
    for ref in (S * 3.0, np.maximum(S, S.mean()), S[:1], S[:, :1]):  # (last two broadcast)
        assert_identical(pcen(S, ref=ref), librosa.pcen(S, ref=ref))
    assert_identical(pcen(S, ref=S * 3, max_size=3), librosa.pcen(S, ref=S * 3, max_size=3))


def test_pcen_zi_and_streaming(mel):
    S = mel[1]
    P, zf = pcen(S, return_zf=True)
    P_ref, zf_ref = librosa.pcen(S, return_zf=True)
    assert_identical(P, P_ref)
    assert_identical(zf, zf_ref)
    # two blocks, the second starting from the first's state, as librosa's streaming use
    first, state = pcen(S[:, :30], return_zf=True)
    second, state2 = pcen(S[:, 30:], zi=state, return_zf=True)
    _, l_state = librosa.pcen(S[:, :30], return_zf=True)
    l_second, l_state2 = librosa.pcen(S[:, 30:], zi=l_state, return_zf=True)
    assert_identical(second, l_second)
    assert_identical(state2, l_state2)
    # the filter's state carries over: the blocks equal one call (to round-off)
    np.testing.assert_allclose(np.concatenate([first, second], axis=-1), P, rtol=1e-12)
    zi = np.full((S.shape[0], 1), 0.5)
    assert_identical(pcen(S, zi=zi), librosa.pcen(S, zi=zi))
    assert_identical(pcen(S, zi=[[0.5]]), librosa.pcen(S, zi=[[0.5]]))  # lfilter broadcasts it
    assert_identical(pcen(S, b=0, zi=zi), librosa.pcen(S, b=0, zi=zi))  # b=0 works with zi


@pytest.mark.parametrize(
    "S",
    [
        np.arange(40 * 30, dtype=np.int16).reshape(40, 30) % 97,
        np.arange(40 * 30).reshape(40, 30) % 3 == 0,
        np.linspace(0, 5, 300, dtype=np.float16).reshape(10, 30),
        np.linspace(0, 5, 300, dtype=np.longdouble).reshape(10, 30),
        np.linspace(0, 5, 30),  # 1-d: time only
        np.zeros((40, 0)),
        np.zeros((0, 30)),
    ],
    ids=["int16", "bool", "float16", "longdouble", "1d", "no-frames", "no-bins"],
)
@pytest.mark.filterwarnings(  # scipy 1.15 / 1.16: long double in lfilter, in both libraries
    "ignore:dtype=.* is not supported by lfilter:DeprecationWarning"
)
def test_pcen_dtypes_and_shapes_as_librosa(S):
    assert_identical(pcen(S), librosa.pcen(S))


def test_pcen_of_complex_s_warns_and_takes_the_magnitude(mel):
    D = (mel[0] * np.exp(1j * np.arange(mel.shape[-1]))).astype(np.complex64)
    with pytest.warns(UserWarning, match="complex input") as ours:
        got = pcen(D)
    with pytest.warns(UserWarning, match="complex input") as theirs:
        expected = librosa.pcen(D)
    assert str(ours[0].message) == str(theirs[0].message)
    assert_identical(got, expected)


def test_pcen_runtime_warnings_as_librosa():
    S = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 1.0]])
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        expected = librosa.pcen(S, bias=0)  # log(0)
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        got = pcen(S, bias=0)
    assert_identical(got, expected)


@given(
    shape=st.sampled_from([(7,), (5, 9), (3, 4, 6), (2, 3, 5, 4)]),
    dtype=st.sampled_from([np.float32, np.float64]),
    gain=st.floats(0.0, 1.5),
    bias=st.floats(0.01, 20.0),
    power=st.floats(0.0, 1.0),
    b=st.one_of(st.none(), st.floats(0.001, 1.0)),
    data=st.data(),
)
def test_pcen_shape_dtype_and_values_property(shape, dtype, gain, bias, power, b, data):
    S = (np.random.default_rng(len(shape)).random(shape) * 1e4).astype(dtype)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    kwargs = {"gain": gain, "bias": bias, "power": power, "b": b, "axis": axis}
    got = pcen(S, **kwargs)
    assert got.shape == S.shape
    assert got.dtype == np.float64
    assert_identical(got, librosa.pcen(S, **kwargs))


@pytest.mark.parametrize(
    ("kwargs", "match", "librosa_raises"),
    [
        ({"power": -0.5}, "power=-0.5", True),
        ({"gain": -1}, "gain=-1", True),
        ({"bias": -2}, "bias=-2", True),
        ({"eps": 0}, "eps=0", True),
        ({"time_constant": 0}, "time_constant=0", True),
        ({"max_size": 0}, "max_size=0", True),
        ({"max_size": 2.0}, "max_size=2.0", True),
        ({"b": 1.5}, "b=1.5", True),
        ({"b": -0.1}, "b=-0.1", True),
        ({"b": np.nan}, "b=nan", True),
        ({"time_constant": np.nan}, "time_constant=nan", True),  # (librosa: "b=nan")
        ({"sr": 0}, "sr=0", True),  # (librosa: "b=nan")
        ({"gain": np.nan}, "gain=nan", False),  # librosa: NaN everywhere
        ({"power": np.nan}, "power=nan", False),
        ({"eps": np.nan}, "eps=nan", False),
        ({"gain": np.inf}, "gain=inf", False),
        ({"sr": -1}, "sr=-1", False),  # librosa: as sr=1
        ({"hop_length": 0}, "hop_length=0", False),  # ZeroDivisionError
        ({"b": "0.5"}, "b='0.5'", False),  # TypeError
        ({"b": 0}, "b=0 needs", False),  # LinAlgError
        ({"axis": 2}, "axis=2", False),  # ValueError
        ({"axis": 1.0}, "axis=1.0", False),  # TypeError
        ({"max_size": 3, "max_axis": 5}, "max_axis=5", False),  # AxisError
        ({"ref": np.ones((5, 30))}, "ref has shape", False),  # broadcasting ValueError
        ({"ref": np.ones((40, 30), complex)}, "ref must be real", False),  # complex output
        ({"zi": np.ones((3, 1))}, "zi has shape", False),  # lfilter's ValueError
        ({"zi": np.ones(40)}, "zi has shape", False),
        ({"zi": np.ones((40, 1), complex)}, "zi must be real", False),  # complex output
    ],
)
def test_pcen_bad_input_is_a_parameter_error(kwargs, match, librosa_raises):
    S = np.random.default_rng(3).random((40, 30))
    with pytest.raises(gx.ParameterError, match=match):
        pcen(S, **kwargs)
    if librosa_raises:
        with warnings.catch_warnings():
            # (sr=0: librosa divides by zero, with numpy's RuntimeWarning, before raising)
            warnings.simplefilter("ignore", RuntimeWarning)
            with pytest.raises(librosa.util.exceptions.ParameterError):
                librosa.pcen(S, **kwargs)


@pytest.mark.parametrize(
    ("S", "kwargs", "match"),
    [
        (np.float64(3.0), {}, "at least 1-dimensional"),
        (np.array(["a", "b"]), {}, "S must be numeric"),
        (np.ones(30), {"max_size": 3}, "1-dimensional"),  # librosa's ParameterError
        (np.ones((2, 5, 30)), {"max_size": 3}, "requires you to specify max_axis"),  # librosa's
    ],
)
def test_pcen_bad_s_is_a_parameter_error(S, kwargs, match):
    with pytest.raises(gx.ParameterError, match=match):
        pcen(S, **kwargs)


def test_pcen_takes_array_likes(mel):
    S = mel[0][:5, :8]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_identical(pcen(S.tolist()), librosa.pcen(S))
