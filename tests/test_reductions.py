"""The reductions the core mirrors from numpy / librosa, at their edges: estimate_tuning's median
and histogram in the fused pass (batches, two workers, silence, > 4096 peaks), np.median's
bucket-preselected path, spectral_flatness's summation order, chroma_stft's norms.

Tolerances: tunings exact; chroma 1e-4 (the issue's bound); flatness 2.5e-7 relative per value
on inputs built so that a wrong summation order costs 6e-7 to 6e-5; medians exact.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import genrefx
import signals
from conftest import rel_err
from genrefx import _requests
from genrefx._engine import compute

SR = 22050


def _noise(seed: int, seconds: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (0.1 * rng.standard_normal(round(seconds * SR))).astype(np.float32)


def _fused_chroma_tuning(y, n_chroma=12, n_threads=1):
    build = lambda n, f, shape: _requests.chroma_part(n, n_chroma, None, np.inf, {})  # noqa: E731
    return compute(["chroma_stft"], build, y=y, S=None, sr=SR, n_threads=n_threads)


@pytest.mark.parametrize("n_threads", [1, 2])
def test_fused_tuning_batch_many_peaks_threads(n_threads):
    # a batch (several work items per signal, two workers writing their items' peak bins),
    # > 4096 peaks in total (bucket median), one silent signal (no peaks)
    batch = np.stack(
        [_noise(7, 3.1), np.zeros(round(3.1 * SR), np.float32), signals.music(3.1, SR, seed=3)]
    )
    power = np.abs(librosa.stft(batch)) ** 2
    for n_chroma in (12, 24):
        r = _fused_chroma_tuning(batch, n_chroma, n_threads)
        assert r["tuning"] == librosa.estimate_tuning(S=power, sr=SR, bins_per_octave=n_chroma)
        ref = librosa.feature.chroma_stft(y=batch, sr=SR, n_chroma=n_chroma)
        assert rel_err(r["chroma_stft"], ref) <= 1e-4
    got = genrefx.extract(batch, features=["chroma_stft"], n_threads=n_threads)["chroma_stft"]
    assert rel_err(got, librosa.feature.chroma_stft(y=batch, sr=SR)) <= 1e-4
    assert genrefx.estimate_tuning(y=batch, sr=SR) == librosa.estimate_tuning(y=batch, sr=SR)


@pytest.mark.filterwarnings("ignore:Trying to estimate tuning from empty:UserWarning")
def test_fused_tuning_silent_batch():
    zeros = np.zeros((2, SR), np.float32)
    assert _fused_chroma_tuning(zeros, n_threads=2)["tuning"] == 0.0
    assert genrefx.estimate_tuning(y=zeros, sr=SR) == librosa.estimate_tuning(y=zeros, sr=SR)


@pytest.mark.parametrize("norm", [None, 1, 2, np.inf, -np.inf, 0, 0.5, 3])
@pytest.mark.parametrize("n_chroma", [7, 12, 24])
def test_chroma_norms_with_estimated_tuning(norm, n_chroma):
    y = signals.music(2.05, SR, seed=1)  # 89 frames: a partial last block at W = 8 and 16
    got = genrefx.feature.chroma_stft(y=y, sr=SR, norm=norm, n_chroma=n_chroma)
    ref = librosa.feature.chroma_stft(y=y, sr=SR, norm=norm, n_chroma=n_chroma)
    assert rel_err(got, ref) <= 1e-4


def _median_cases():
    rng = np.random.default_rng(0)
    for n in (4095, 4096, 4097, 4098, 10000, 10001):
        h = n // 2
        # the upper middle value is the first of its bucket: the lower one from a lower bucket
        yield f"split-{n}", np.r_[np.full(h, 1.0), np.full(n - h, 2.0)]
        yield f"split-far-{n}", np.r_[np.full(h, -1e-30), np.full(n - h, 1e30)]
        yield f"split-near-{n}", np.r_[np.full(h, 1.0), np.full(n - h, 1.0000001)]
        yield f"signed-zeros-{n}", np.where(rng.random(n) < 0.5, -0.0, 0.0)
        yield f"infs-{n}", np.r_[np.full(h, -np.inf), np.full(n - h, np.inf)]
        yield f"denormal-{n}", np.r_[np.full(h, 1e-45), np.zeros(n - h)]
        yield f"wide-{n}", np.exp(rng.uniform(-80, 80, n)) * rng.choice([-1, 1], n)


_MEDIAN_CASES = list(_median_cases())


@pytest.mark.parametrize(("name", "x"), _MEDIAN_CASES, ids=[name for name, _ in _MEDIAN_CASES])
def test_core_median_bucket_edges(name, x):
    x = np.asarray(x, np.float32)
    with np.errstate(all="ignore"):
        expected = np.float32(np.median(x))
    got = np.float32(genrefx._core.median(x))
    assert got == expected or (np.isnan(got) and np.isnan(expected))


def _adversarial_flatness_input(n_bins, power):
    # ones (log 0, lost next to 2**24 in float32) and one 2**24 per frame at the positions where
    # numpy's pairwise blocks and halves start and end: the arithmetic mean then depends on the
    # summation order by up to ~6e-5 (relative), far above the logs' ~1e-7
    pos = sorted(
        {0, 1, 7, 8, 9, n_bins // 2 - 1, n_bins // 2, n_bins // 2 + 1, n_bins - 8, n_bins - 1}
        & set(range(n_bins))
    )
    S = np.ones((n_bins, len(pos)), np.float32)
    for t, k in enumerate(pos):
        S[k, t] = np.float32(2.0 ** (24 / power))
    return S


@pytest.mark.parametrize("power", [2.0, 1.0])
@pytest.mark.parametrize("n_bins", [5, 9, 17, 128, 129, 136, 257, 1025])
@pytest.mark.parametrize("order", ["C", "F", "batch"])
def test_flatness_follows_numpys_summation_order(power, n_bins, order):
    S = _adversarial_flatness_input(n_bins, power)
    if order == "C":  # bins not innermost: numpy's running sums
        S = np.ascontiguousarray(S)
    elif order == "F":  # bins contiguous: numpy's pairwise sums
        S = np.asfortranarray(S)
    else:
        S = np.stack([S, S[::-1]])
    got = genrefx.feature.spectral_flatness(S=S, power=power)
    ref = librosa.feature.spectral_flatness(S=S, power=power)
    assert np.max(np.abs(got - ref) / np.abs(ref)) <= 2.5e-7
