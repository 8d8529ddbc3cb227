"""Scalar parameters given as 0-d numpy arrays (``np.array(22050)``), which librosa's arithmetic
takes: the companions give librosa's results (they were ParameterErrors before, found by a
differential hunt against librosa)."""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest

import genrefx as gx

A = np.array


@pytest.fixture(scope="module")
def y() -> np.ndarray:
    return np.random.default_rng(0).standard_normal(22050).astype(np.float32)


CASES = {
    "frames_to_time": lambda m, y: m.frames_to_time(np.arange(10), sr=A(22050), hop_length=A(512)),
    "time_to_frames": lambda m, y: m.time_to_frames(
        np.arange(3.0), sr=A(22050), hop_length=A(512), n_fft=A(2048)
    ),
    "samples_to_time": lambda m, y: m.samples_to_time(np.arange(5) * 100, sr=A(16000.0)),
    "blocks_to_time": lambda m, y: m.blocks_to_time(
        np.arange(4), block_length=A(3), hop_length=A(512), sr=A(16000)
    ),
    "hz_to_octs": lambda m, y: m.hz_to_octs(440.0, bins_per_octave=A(24)),
    "A4_to_tuning": lambda m, y: m.A4_to_tuning(442.0, bins_per_octave=A(24)),
    "tempo_frequencies": lambda m, y: m.tempo_frequencies(A(10), hop_length=A(256), sr=A(22050)),
    "magphase": lambda m, y: m.magphase(np.full((3, 3), 2 - 1j), power=A(2.0)),
    "resample": lambda m, y: m.resample(y, orig_sr=A(22050), target_sr=A(16000)),
    "get_duration": lambda m, y: m.get_duration(y=y, sr=A(22050)),
    "delta": lambda m, y: m.feature.delta(np.outer(np.arange(4.0), np.arange(20.0)), width=A(5)),
    "stack_memory": lambda m, y: m.feature.stack_memory(np.arange(40.0).reshape(2, 20), delay=A(2)),
    "trim": lambda m, y: m.effects.trim(
        np.concatenate([np.zeros(4000, np.float32), y]),
        top_db=A(30),
        frame_length=A(1024),
        hop_length=A(256),
    ),
    "onset_detect": lambda m, y: m.onset.onset_detect(y=y, sr=A(22050)),
}


def _equal(a, b) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_equal(p, q) for p, q in zip(a, b, strict=True))
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


@pytest.mark.parametrize("name", list(CASES))
def test_zero_d_array_parameters_equal_librosa(y, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (librosa's own warnings on some of these)
        expected = CASES[name](librosa, y)
    assert _equal(CASES[name](gx, y), expected)


def test_pitch_shift_takes_a_zero_d_sr(y):
    got = gx.effects.pitch_shift(y, sr=A(22050), n_steps=2)
    expected = librosa.effects.pitch_shift(y, sr=A(22050), n_steps=2)
    assert float(np.max(np.abs(got - expected)) / np.max(np.abs(expected))) <= 2e-6


@pytest.mark.parametrize("value", [A([22050]), A(True), A(1 + 0j), A("22050")])
def test_arrays_that_are_no_scalar_number_are_refused(value):
    with pytest.raises(gx.ParameterError, match="sr="):
        gx.frames_to_time(np.arange(3), sr=value)
