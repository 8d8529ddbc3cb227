"""Constant-Q features against librosa 0.11: cqt, estimate_tuning, chroma_cqt, chroma_cens,
tonnetz, and the helpers they are built from (cq_to_chroma, util.normalize).

Tolerances (max|a - ref| / max|ref|): cqt 1e-5 (complex values; measured ~3e-7, the float32
STFTs of the octaves), chroma_cqt / chroma_cens / tonnetz 1e-3 (the issue's bound; measured
~3e-5), estimate_tuning and the filter matrices exact.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import genrefx
import signals
from conftest import rel_err
from genrefx import ParameterError

CQT_TOL = 1e-5
CHROMA_TOL = 1e-3


def clip(seed: int = 0, duration: float = 4.0, sr: int = 22050, dtype=np.float32) -> np.ndarray:
    return signals.music(duration, sr, seed=seed, dtype=dtype)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"tuning": None},
        {"bins_per_octave": 36, "n_bins": 252, "tuning": None},
        {"n_bins": 80},
        {"fmin": 55.0, "n_bins": 60},
        {"hop_length": 256},
        {"hop_length": 300},  # 300 -> 150 -> 75: librosa stops decimating at an odd hop
        {"norm": 2},
        {"norm": None},
        {"scale": False},
        {"window": "hamming"},
        {"filter_scale": 0.5},
        {"sparsity": 0.0},
        {"pad_mode": "reflect"},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "defaults",
)
def test_cqt_matches_librosa(kwargs):
    y = clip(seed=1)
    got = genrefx.cqt(y, sr=22050, **kwargs)
    ref = librosa.cqt(y, sr=22050, **kwargs)
    assert got.dtype == ref.dtype
    assert rel_err(got, ref) <= CQT_TOL


@pytest.mark.parametrize("sr", [16000, 44100])
def test_cqt_other_rates_and_early_downsampling(sr):
    y = clip(seed=2, sr=sr)
    got = genrefx.cqt(y, sr=sr)
    ref = librosa.cqt(y, sr=sr)
    assert rel_err(got, ref) <= CQT_TOL


def test_cqt_float64_multichannel_and_signals():
    y = np.stack([clip(seed=3, dtype=np.float64), signals.chirp(duration=4.0, dtype=np.float64)])
    got = genrefx.cqt(y, sr=22050, tuning=None)
    ref = librosa.cqt(y, sr=22050, tuning=None)
    assert got.dtype == np.complex128
    assert got.shape == ref.shape == (2, 84, 173)
    assert rel_err(got, ref) <= CQT_TOL
    # one channel alone equals its slice when the tuning is given
    one = genrefx.cqt(y[1], sr=22050, tuning=0.1)
    both = genrefx.cqt(y, sr=22050, tuning=0.1)
    np.testing.assert_array_equal(one, both[1])


@pytest.mark.parametrize("name", ["tone", "white_noise", "zeros"])
def test_cqt_simple_signals(name):
    y = getattr(signals, name)()
    assert rel_err(genrefx.cqt(y, sr=22050), librosa.cqt(y, sr=22050)) <= CQT_TOL


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("bins_per_octave", [12, 36])
def test_estimate_tuning_equals_librosa(seed, bins_per_octave):
    y = clip(seed=seed)
    assert genrefx.estimate_tuning(y=y, sr=22050, bins_per_octave=bins_per_octave) == (
        librosa.estimate_tuning(y=y, sr=22050, bins_per_octave=bins_per_octave)
    )
    S = np.abs(librosa.stft(y, n_fft=1024))
    assert genrefx.estimate_tuning(S=S, sr=22050, resolution=0.02) == (
        librosa.estimate_tuning(S=S, sr=22050, resolution=0.02)
    )


@pytest.mark.parametrize("n_fft", [513, 1000, 1025, 2047])
def test_estimate_tuning_with_other_n_fft_equals_librosa(n_fft):
    # librosa's piptrack takes the bins' frequencies from the n_fft it is given (y input, or
    # an S whose bins match it), odd ones too; 2 (n_bins - 1) was off for 30 of 42 cases
    for seed in range(2):
        y = clip(seed=seed)
        assert genrefx.estimate_tuning(y=y, sr=22050, n_fft=n_fft) == (
            librosa.estimate_tuning(y=y, sr=22050, n_fft=n_fft)
        )
        S = np.abs(librosa.stft(y, n_fft=n_fft))
        assert genrefx.estimate_tuning(S=S, sr=22050, n_fft=n_fft) == (
            librosa.estimate_tuning(S=S, sr=22050, n_fft=n_fft)
        )


@pytest.mark.parametrize(
    "piptrack",
    [
        {"fmin": 100.0},
        {"fmax": 2000.0},
        {"fmin": 50.0, "fmax": 8000.0},
        {"threshold": 0.2},
        {"fmin": -5.0, "fmax": 1e6},
        {"fmin": 5000.0, "fmax": 4000.0},
    ],
)
@pytest.mark.filterwarnings("ignore:Trying to estimate tuning from empty:UserWarning")
def test_estimate_tuning_with_piptrack_arguments_equals_librosa(piptrack):
    y = clip(seed=2)
    assert genrefx.estimate_tuning(y=y, sr=22050, **piptrack) == (
        librosa.estimate_tuning(y=y, sr=22050, **piptrack)
    )
    S = np.abs(librosa.stft(y))
    assert genrefx.estimate_tuning(S=S, sr=22050, **piptrack) == (
        librosa.estimate_tuning(S=S, sr=22050, **piptrack)
    )


@pytest.mark.parametrize("duration", [3.0, 3.1])
def test_estimate_tuning_with_many_peaks_equals_librosa(duration):
    # ~10k piptrack peaks (noise): the core takes the median of more than 4096 magnitudes by a
    # bucket preselection instead of a full selection; the clips above have a few hundred
    rng = np.random.default_rng(7)
    y = (0.1 * rng.standard_normal(round(duration * 22050))).astype(np.float32)
    S = np.abs(librosa.stft(y)) ** 2
    pitch, _ = librosa.piptrack(S=S, sr=22050, fmin=150.0, fmax=4000.0, threshold=0.1)
    assert np.count_nonzero(pitch > 0) > 4096
    for bins_per_octave in (12, 36):
        assert genrefx.estimate_tuning(y=y, sr=22050, bins_per_octave=bins_per_octave) == (
            librosa.estimate_tuning(y=y, sr=22050, bins_per_octave=bins_per_octave)
        )
    assert genrefx.estimate_tuning(S=S, sr=22050) == librosa.estimate_tuning(S=S, sr=22050)
    # a fine resolution: 100000 histogram bins (more than an int16 bin index holds)
    assert genrefx.estimate_tuning(y=y, sr=22050, resolution=1e-5) == (
        librosa.estimate_tuning(y=y, sr=22050, resolution=1e-5)
    )
    got = genrefx.extract(y, features=["chroma_stft"])["chroma_stft"]
    assert rel_err(got, librosa.feature.chroma_stft(y=y)) <= 1e-4


@pytest.mark.parametrize("seed", range(4))
def test_estimate_tuning_on_dense_peaks_equals_librosa(seed):
    # noise (with a tone in odd seeds): a third of the lanes peak at a bin, the core's
    # all-lanes piptrack interpolation and vectorized histogram bins; its flat histogram at a
    # fine resolution turns on single counts
    rng = np.random.default_rng(100 + seed)
    y = (0.1 * rng.standard_normal(3 * 22050)).astype(np.float32)
    if seed % 2:
        y += (0.05 * np.sin(2 * np.pi * 440.0 * np.arange(y.size) / 22050)).astype(np.float32)
    for resolution in (0.01, 0.001):
        for bins_per_octave in (12, 24):
            kw = {"sr": 22050, "resolution": resolution, "bins_per_octave": bins_per_octave}
            assert genrefx.estimate_tuning(y=y, **kw) == librosa.estimate_tuning(y=y, **kw)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    "frequencies",
    [
        [1e-44, 1e-44, 1e-44, 445.0],  # f / 27.5 underflows to 0: log2 -inf, not counted
        [np.inf, np.nan, -3.0, 0.0, 445.0, 446.0],
        [3e38, 1e-40, 440.5, 439.0, 439.1],  # extreme but finite: counted
        [27.5 * 2.0 ** (k / 12) for k in range(-40, 60)],  # on the grid: residual 0
    ],
)
def test_pitch_tuning_counts_what_librosa_counts(frequencies):
    f = np.array(frequencies, np.float32)
    for bins_per_octave in (12, 36):
        assert genrefx._core.pitch_tuning(f, 0.01, bins_per_octave) == librosa.pitch_tuning(
            f, bins_per_octave=bins_per_octave
        )


@pytest.mark.parametrize("seed", range(3))
def test_chroma_cqt_cens_tonnetz_match_librosa(seed):
    y = clip(seed=seed, duration=6.0)
    assert rel_err(genrefx.feature.chroma_cqt(y=y), librosa.feature.chroma_cqt(y=y)) <= CHROMA_TOL
    assert rel_err(genrefx.feature.chroma_cens(y=y), librosa.feature.chroma_cens(y=y)) <= (
        CHROMA_TOL
    )
    assert rel_err(genrefx.feature.tonnetz(y=y), librosa.feature.tonnetz(y=y)) <= CHROMA_TOL


def test_chroma_from_a_given_cqt_as_the_fma_recipe():
    # FMA's features.py: one CQT (12 bins per octave, tuning estimated), reused
    y = clip(seed=5, duration=6.0)
    C = np.abs(genrefx.cqt(y, sr=22050, bins_per_octave=12, n_bins=84, tuning=None))
    C_ref = np.abs(librosa.cqt(y, sr=22050, bins_per_octave=12, n_bins=84, tuning=None))
    for fn in ("chroma_cqt", "chroma_cens"):
        got = getattr(genrefx.feature, fn)(C=C, n_chroma=12, n_octaves=7, bins_per_octave=12)
        ref = getattr(librosa.feature, fn)(C=C_ref, n_chroma=12, n_octaves=7, bins_per_octave=12)
        assert rel_err(got, ref) <= CHROMA_TOL, fn
    cens = librosa.feature.chroma_cens(C=C_ref, n_chroma=12, n_octaves=7, bins_per_octave=12)
    np.testing.assert_allclose(
        genrefx.feature.tonnetz(chroma=cens), librosa.feature.tonnetz(chroma=cens), rtol=1e-6
    )


@pytest.mark.parametrize(
    ("n_input", "kwargs"),
    [
        (84, {}),
        (252, {"bins_per_octave": 36}),
        (100, {"bins_per_octave": 24, "n_chroma": 24, "fmin": 55.0}),
        (84, {"base_c": False}),
        (84, {"window": np.array([0.25, 0.5, 0.25])}),
    ],
)
def test_cq_to_chroma_equals_librosa(n_input, kwargs):
    np.testing.assert_array_equal(
        genrefx.filters.cq_to_chroma(n_input, **kwargs),
        librosa.filters.cq_to_chroma(n_input, **kwargs),
    )


@pytest.mark.parametrize("norm", [np.inf, -np.inf, 0, 1, 2, 3.5, None])
@pytest.mark.parametrize("fill", [None, False, True])
def test_normalize_equals_librosa(norm, fill, rng):
    S = rng.standard_normal((6, 40)).astype(np.float32)
    S[:, 3] = 0.0
    if norm == 0 and fill is True:
        with pytest.raises(ParameterError):
            genrefx.util.normalize(S, norm=norm, fill=fill)
        return
    got = genrefx.util.normalize(S, norm=norm, axis=0, fill=fill)
    np.testing.assert_array_equal(got, librosa.util.normalize(S, norm=norm, axis=0, fill=fill))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"hop_length": 0}, "hop_length"),
        ({"n_bins": 0}, "n_bins"),
        ({"bins_per_octave": -1}, "bins_per_octave"),
        ({"fmin": -5.0}, "fmin"),
        ({"sr": 0}, "sr"),
        ({"filter_scale": 0}, "filter_scale"),
        ({"sparsity": 1.0}, "sparsity"),
        ({"res_type": "kaiser_best"}, "res_type"),
        ({"n_bins": 120}, "Nyquist"),
    ],
)
def test_cqt_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        genrefx.cqt(clip(duration=1.0), **kwargs)


def test_cqt_bad_audio():
    with pytest.raises(ParameterError):
        genrefx.cqt(np.array([0.0, np.nan, 1.0], dtype=np.float32))
    with pytest.raises(ParameterError):
        genrefx.cqt(np.zeros(0, dtype=np.float32))
    with pytest.raises(ParameterError, match="bins_per_octave"):
        genrefx.feature.chroma_cqt(y=clip(duration=1.0), bins_per_octave=30)
    with pytest.raises(ParameterError, match="C or y"):
        genrefx.feature.chroma_cqt()
    with pytest.raises(ParameterError, match="win_len_smooth"):
        genrefx.feature.chroma_cens(y=clip(duration=1.0), win_len_smooth=0)
    with pytest.raises(ParameterError, match="fmax"):  # (other fmax values are supported)
        genrefx.estimate_tuning(y=clip(duration=1.0), fmax="2000")
    with pytest.raises(ParameterError, match="ref"):
        genrefx.estimate_tuning(y=clip(duration=1.0), ref=np.max)


# ---------------------------------------------------------------------------------------------
# genrefx.extract's recipe features: chroma_cqt, chroma_cens, tonnetz (one shared CQT) and tempo
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fused_tuning", [True, False])
def test_extract_recipe_features_equal_the_single_calls(fused_tuning):
    y = np.stack([clip(seed=21, duration=5.0), clip(seed=22, duration=5.0)])
    kwargs = {} if fused_tuning else {"n_fft": 1024}  # a non-default STFT: cqt estimates itself
    names = ["mfcc", "chroma_cqt", "chroma_cens", "tonnetz", "tempo", "zero_crossing_rate"]
    out = genrefx.extract(y, 22050, names, **kwargs)
    assert list(out) == names
    for name in ("chroma_cqt", "chroma_cens", "tonnetz"):
        single = getattr(genrefx.feature, name)(y=y, sr=22050)
        np.testing.assert_array_equal(out[name], single, err_msg=name)
        ref = getattr(librosa.feature, name)(y=y, sr=22050)
        assert rel_err(out[name], ref) <= CHROMA_TOL, name
    np.testing.assert_array_equal(out["tempo"], genrefx.feature.tempo(y=y, sr=22050))
    np.testing.assert_array_equal(out["tempo"], librosa.feature.tempo(y=y, sr=22050))
    assert "chroma_cqt" not in genrefx.FEATURES  # on request only: the default set is unchanged


def test_extract_recipe_features_given_tuning_and_bad_n_chroma():
    y = clip(seed=23, duration=3.0)
    out = genrefx.extract(y, 22050, ["chroma_stft", "chroma_cqt"], tuning=0.2)
    np.testing.assert_array_equal(
        out["chroma_cqt"], genrefx.feature.chroma_cqt(y=y, sr=22050, tuning=0.2)
    )
    with pytest.raises(ParameterError, match="n_chroma"):
        genrefx.extract(y, 22050, ["chroma_cqt"], n_chroma=24)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: genrefx.util.normalize(np.ones((3, 4)), threshold=0.0), "threshold"),
        (lambda: genrefx.util.normalize(np.ones((3, 4)), fill=2), "fill"),
        (lambda: genrefx.util.normalize(np.ones((3, 4)), norm=-2), "norm"),
        (lambda: genrefx.util.normalize(np.array([[1.0, np.nan]])), "finite"),
        (lambda: genrefx.estimate_tuning(y=clip(duration=1.0), resolution=0.0), "resolution"),
        (lambda: genrefx.estimate_tuning(y=clip(duration=1.0), bins_per_octave=0), "bins_per"),
        (lambda: genrefx.estimate_tuning(y=clip(duration=1.0), n_mels=40), "n_mels"),
        (lambda: genrefx.estimate_tuning(), "y or S"),
        (lambda: genrefx.filters.cq_to_chroma(84, bins_per_octave=12, n_chroma=24), "merge"),
        (lambda: genrefx.note_to_hz("H2"), "note"),
        (lambda: genrefx.note_to_hz("C#"), "note"),
        (lambda: genrefx.feature.tonnetz(), "chromagram"),
        (lambda: genrefx.feature.chroma_cqt(C=np.ones(5)), "C must"),
        (lambda: genrefx.cqt(clip(duration=1.0), norm=-1), "norm"),
        (lambda: genrefx.cqt(clip(duration=1.0), window=np.ones(10)), "window"),
        (lambda: genrefx.extract(clip(duration=1.0), 22050, ["chroma_cqt", "tempos"]), "tempos"),
    ],
)
def test_constant_q_bad_arguments(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_core_divide_is_numpys_float32_division_by_a_float64(rng):
    x = (rng.standard_normal(100_003) * 10.0 ** rng.uniform(-30, 30, 100_003)).astype(np.float32)
    x[:3] = [0.0, -0.0, np.float32(1e-45)]
    divisor = float(np.sqrt(1.0 / 2))
    ref = (x.astype(np.float64) / np.sqrt(1.0 / 2)).astype(np.float32)  # (numpy 2's x /= ...)
    out = np.empty_like(x)
    genrefx._core.divide(x, divisor, out)
    np.testing.assert_array_equal(out, ref)
    with pytest.raises(ValueError, match="same length"):
        genrefx._core.divide(x, divisor, out[:-1])


def test_core_cqt_row_scale_is_numpys_complex64_division(rng):
    y = clip(seed=4)[:22050]
    fr = genrefx._framing.framing(n_fft=256, hop_length=512, window="ones", center=True)
    indptr = np.array([0, 2, 3], dtype=np.int32)
    indices = np.array([3, 7, 20], dtype=np.int32)
    data = (rng.standard_normal(3) + 1j * rng.standard_normal(3)).astype(np.complex64)
    scale = np.sqrt(rng.uniform(10.0, 3000.0, 2))
    batch = y[np.newaxis]
    plain = genrefx._core.cqt_octave(fr.plan, batch, indptr, indices, data)
    scaled = genrefx._core.cqt_octave(fr.plan, batch, indptr, indices, data, row_scale=scale)
    ref = plain.copy()
    ref /= scale[:, np.newaxis]
    np.testing.assert_array_equal(scaled, ref)
    with pytest.raises(ValueError, match="row_scale"):
        genrefx._core.cqt_octave(fr.plan, batch, indptr, indices, data, row_scale=scale[:1])


@pytest.mark.parametrize("resolution", [1e-7, 0.0, 1.0])
def test_estimate_tuning_resolution_bounds(resolution):
    # ceil(1 / resolution) histogram bins: below 1e-6 refused (librosa would allocate millions)
    with pytest.raises(ParameterError, match="resolution"):
        genrefx.estimate_tuning(y=clip(duration=1.0), resolution=resolution)
    with pytest.raises(ValueError, match="resolution"):
        genrefx._core.pitch_tuning(np.array([440.0], np.float32), resolution, 12)


def test_core_helpers_refuse_bad_input():
    # the compiled module's own checks (the Python layer validates before calling them)
    with pytest.raises(ValueError, match="1-D"):
        genrefx._core.median(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match="bins_per_octave"):
        genrefx._core.pitch_tuning(np.array([440.0], np.float32), 0.01, 0)


def test_chroma_cqt_in_a_long_silence_matches_librosa():
    # In the middle of 1.5 s of exact zeros the octaves' decimated signals hold nothing but the
    # decimation filter's float32 rounding noise, which chroma's per-frame normalization scales
    # up to 1: parity there needs soxr's own output, bit for bit (an FIR with soxr's measured
    # taps, equal to soxr to 3e-7 of the peak elsewhere, gave errors up to 0.88 here on the FMA
    # recipe's 12-bins-per-octave CQT, 8e-4 on chroma_cqt's default).
    y = clip(seed=1, duration=6.0)
    y[2 * 22050 : int(3.5 * 22050)] = 0.0
    kw = {"n_chroma": 12, "n_octaves": 7, "bins_per_octave": 12}
    C = np.abs(genrefx.cqt(y, sr=22050, bins_per_octave=12, n_bins=84, tuning=None))
    C_ref = np.abs(librosa.cqt(y, sr=22050, bins_per_octave=12, n_bins=84, tuning=None))
    for fn in ("chroma_cqt", "chroma_cens"):
        got = getattr(genrefx.feature, fn)(C=C, **kw)
        assert rel_err(got, getattr(librosa.feature, fn)(C=C_ref, **kw)) <= CHROMA_TOL, fn
        got = getattr(genrefx.feature, fn)(y=y)
        assert rel_err(got, getattr(librosa.feature, fn)(y=y)) <= CHROMA_TOL, fn


def test_cqt_basis_is_sparsified_from_librosas_fft():
    # librosa 0.11 FFTs the wavelet basis with scipy.fft (its fftlib); numpy.fft's round-off
    # flipped which coefficients sparsify_rows' 1 % quantile kept in bin 20 here (17 against
    # librosa's 18), putting that bin ~1e-4 of the peak off (found by a differential fuzz)
    sr = 11025
    y = np.sin(2 * np.pi * 181.7 * np.arange(sr) / sr)
    kw = {"sr": sr, "hop_length": 100, "n_bins": 108, "bins_per_octave": 36}
    with pytest.warns(UserWarning, match="n_fft"):  # librosa's octaves shorter than its FFT
        ref = librosa.cqt(y, **kw)
    got = genrefx.cqt(y, **kw)
    assert rel_err(np.abs(got), np.abs(ref)) <= 1e-6
    assert rel_err(got, ref) <= 1e-6


def test_cqt_of_float64_audio_is_librosas_float64_cqt():
    # the core's octaves take float32 signals and complex64 products: float64 audio's CQT was
    # 1.6e-7 of its peak from librosa's here (up to 4e-5 in a differential fuzz), and
    # chroma_cqt's quiet frames up to 1.8e-2
    sr = 44100
    t = np.arange(int(1.16 * sr)) / sr
    y = 0.7 * np.sin(2 * np.pi * 40.0 * 2 ** (7 / 36) * t) + 0.01 * np.sin(2 * np.pi * 3000 * t)
    kw = {"sr": sr, "hop_length": 273, "fmin": 40.0, "n_bins": 29, "bins_per_octave": 36}
    with pytest.warns(UserWarning, match="n_fft"):
        ref = librosa.cqt(y, pad_mode="reflect", **kw)
    got = genrefx.cqt(y, pad_mode="reflect", **kw)
    assert got.dtype == ref.dtype == np.complex128
    assert rel_err(got, ref) <= 1e-12
    sr = 22050
    t = np.arange(2 * sr) / sr
    y = np.sin(2 * np.pi * 440 * t) * np.where(t < 1.0, 1.0, 1e-5)  # a tone, then a quiet tail
    with pytest.warns(UserWarning, match="n_fft"):
        ref = librosa.feature.chroma_cqt(y=y, sr=sr)
    got = genrefx.feature.chroma_cqt(y=y, sr=sr)
    assert rel_err(got, ref) <= 1e-10
