"""Unusual-but-legal arguments of the constant-Q, tuning, hpss and onset functions, against
librosa 0.11: note names with cents or without an octave, cqt_frequencies' tuning, the tuning of
a complex spectrogram, hpss of integer spectrograms and 0-d array arguments, and
onset_strength's aggregation functions.

Tolerances are those of the README's parity table (max|a - b| / max|librosa|).
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import scipy.stats

import genrefx
import rhythm_signals
import signals
from conftest import rel_err

SR = 22050
HPSS_TOL = 1e-4  # decompose.hpss, onset_strength


# ----------------------------------------------------------------------------------------
# note_to_hz and cqt_frequencies
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "A4",
        "C1",
        "a4",
        "A4+50",  # cents, rounded to the nearest MIDI number by default
        "C2-32",
        "E♭3",
        "G𝄪6",
        "C♭𝄫5",
        "B♮3",
        "Dbb4",
        "C!4",
        ["A3", "A4", "C#5"],
        np.array(["C1", "G2"]),
    ],
)
@pytest.mark.parametrize("round_midi", [True, False])
def test_note_to_hz_takes_librosas_note_names(note, round_midi):
    ref = librosa.note_to_hz(note, round_midi=round_midi)
    got = genrefx.note_to_hz(note, round_midi=round_midi)
    assert type(got) is type(ref)
    assert np.shape(got) == np.shape(ref)
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("note", ["A 4", " A4", "H4", "A4+5.5", "A4cents", "Bn3", ""])
def test_note_to_hz_bad_names_are_parameter_errors(note):
    with pytest.raises(genrefx.ParameterError, match="note format"):
        genrefx.note_to_hz(note)


@pytest.mark.parametrize("note", ["C", "C#", ["A4", "Bb"]])
def test_note_to_hz_without_octave_is_a_parameter_error(note):
    """A deliberate difference (librosa reads a missing octave as octave 0)."""
    with pytest.raises(genrefx.ParameterError, match="no octave"):
        genrefx.note_to_hz(note)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fmin": 32.70319566257483},
        {"fmin": 55.0, "bins_per_octave": 7},
        {"fmin": 32.7, "tuning": 0.25},
        {"fmin": 100.0, "bins_per_octave": 36, "tuning": -0.4},
    ],
)
def test_cqt_frequencies_equal_librosas(kwargs):
    ref = librosa.cqt_frequencies(50, **kwargs)
    got = genrefx.cqt_frequencies(50, **kwargs)
    np.testing.assert_array_equal(got, ref)


# ----------------------------------------------------------------------------------------
# estimate_tuning of a spectrogram
# ----------------------------------------------------------------------------------------


def test_estimate_tuning_takes_the_magnitude_of_the_spectrogram():
    """librosa's piptrack takes |S|: a complex STFT (or a signed real array) is accepted."""
    y = signals.music(2.0, seed=1)
    D = librosa.stft(y)
    for S in (D, -np.abs(D), D.astype(np.complex128)):
        ref = librosa.estimate_tuning(S=S, sr=SR)
        got = genrefx.estimate_tuning(S=S, sr=SR)
        assert type(got) is type(ref)
        assert got == ref
    got = genrefx.estimate_tuning(y=y, sr=SR)
    assert type(got) is type(librosa.estimate_tuning(y=y, sr=SR))


# ----------------------------------------------------------------------------------------
# decompose.hpss
# ----------------------------------------------------------------------------------------


def _magnitude(duration=2.0, seed=1):
    return np.abs(librosa.stft(signals.music(duration, seed=seed)))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint8, np.bool_])
def test_hpss_masks_of_integer_spectrograms_have_librosas_dtype(dtype):
    S = (_magnitude()[:200] * 20).astype(dtype)
    for margin in (1.0, (1.0, 2.0)):
        ref = librosa.decompose.hpss(S, mask=True, margin=margin)
        got = genrefx.decompose.hpss(S, mask=True, margin=margin)
        for g, r in zip(got, ref, strict=True):
            assert g.dtype == r.dtype
            assert rel_err(g, r) <= HPSS_TOL


def test_hpss_takes_zero_dimensional_array_arguments():
    S = _magnitude(1.0)
    kw = {"kernel_size": np.array(9), "margin": np.array(2.0)}
    ref = librosa.decompose.hpss(S, **kw)
    got = genrefx.decompose.hpss(S, **kw)
    for g, r in zip(got, ref, strict=True):
        assert rel_err(g, r) <= HPSS_TOL


# ----------------------------------------------------------------------------------------
# onset_strength's aggregate
# ----------------------------------------------------------------------------------------


def _percentile_75(x, axis):
    return np.percentile(x, 75, axis=axis)


@pytest.mark.parametrize(
    "aggregate",
    [_percentile_75, scipy.stats.gmean, True, "median"],
    ids=["no-keepdims", "gmean", "true", "string"],
)
@pytest.mark.parametrize("stereo", [False, True])
def test_onset_strength_aggregate_as_librosa_calls_it(aggregate, stereo):
    """librosa calls aggregate(x, axis=-2) without keepdims, and skips the aggregation (the
    first band's flux) when aggregate is not callable."""
    y = rhythm_signals.groove(110.0, 4.0, seed=3)
    if stereo:
        y = np.stack([y, y[::-1].copy()])
    kw = {"aggregate": aggregate, "lag": 2, "max_size": 3}
    ref = librosa.onset.onset_strength(y=y, sr=SR, **kw)
    got = genrefx.onset.onset_strength(y=y, sr=SR, **kw)
    assert got.shape == ref.shape
    assert got.dtype == ref.dtype
    assert rel_err(got, ref) <= HPSS_TOL


def test_beat_track_faster_than_one_beat_per_frame_is_a_parameter_error():
    # frames per beat rounds to 0: the core raised a bare ValueError (librosa runs its dynamic
    # programme on it and returns a meaningless beat)
    y = np.random.default_rng(0).standard_normal(22050 * 3).astype(np.float32)
    with pytest.raises(genrefx.ParameterError, match="bpm"):
        genrefx.beat.beat_track(y=y, bpm=1e9)


def test_tonnetz_of_one_dimensional_chroma_is_a_parameter_error():
    # an IndexError before (librosa's too)
    with pytest.raises(genrefx.ParameterError, match="chroma"):
        genrefx.feature.tonnetz(chroma=np.ones(12, dtype=np.float32))
