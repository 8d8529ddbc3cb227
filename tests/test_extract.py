"""genrefx.extract: keys, consistency with the single-feature calls, parity with librosa,
batches, threads."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import genrefx
import signals
from test_feature_parity import (
    TOLERANCES,
    assert_feature_close,
    assert_multichannel_close,
    per_channel,
    rolloff_max_differing,
    tuning_histogram_margin,
    well_conditioned,
)

EXPECTED_FEATURES = (
    "melspectrogram",
    "mfcc",
    "chroma_stft",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_contrast",
    "spectral_rolloff",
    "spectral_flatness",
    "zero_crossing_rate",
    "rms",
)

EXTRACT_DEFAULTS = {
    "n_fft": 2048,
    "hop_length": 512,
    "win_length": None,
    "window": "hann",
    "center": True,
    "pad_mode": "constant",
    "n_mels": 128,
    "n_mfcc": 20,
    "n_chroma": 12,
    "tuning": None,
    "fmin_contrast": 200.0,
    "n_bands": 6,
    "roll_percent": 0.85,
}


def single_call_kwargs(name, sr, params):
    """Keyword arguments of the single-feature call that extract(name, **params) mirrors."""
    p = {**EXTRACT_DEFAULTS, **params}
    stft = {k: p[k] for k in ("n_fft", "hop_length", "win_length", "window", "center", "pad_mode")}
    if name == "zero_crossing_rate":
        return {"frame_length": p["n_fft"], "hop_length": p["hop_length"], "center": p["center"]}
    if name == "rms":
        return {
            "frame_length": p["n_fft"],
            "hop_length": p["hop_length"],
            "center": p["center"],
            "pad_mode": p["pad_mode"],
        }
    if name == "spectral_flatness":
        return stft
    kw = {"sr": sr, **stft}
    if name == "melspectrogram":
        kw["n_mels"] = p["n_mels"]
    elif name == "mfcc":
        kw.update(n_mfcc=p["n_mfcc"], n_mels=p["n_mels"])
    elif name == "chroma_stft":
        kw.update(tuning=p["tuning"], n_chroma=p["n_chroma"])
    elif name == "spectral_contrast":
        kw.update(fmin=p["fmin_contrast"], n_bands=p["n_bands"])
    elif name == "spectral_rolloff":
        kw["roll_percent"] = p["roll_percent"]
    return kw


def single(module, name, y, sr, params):
    kw = single_call_kwargs(name, sr, params)
    fn = getattr(module.feature, name)
    if name == "zero_crossing_rate":
        return fn(y, **kw)
    return fn(y=y, **kw)


def assert_same(name, got, ref, context=""):
    """extract's value vs the single genrefx call: same computation, so equal up to
    rtol 1e-6 (rolloff: the 1%-of-frames rule, since it is a bin frequency)."""
    msg = f"{name}{context}"
    assert got.shape == ref.shape, f"{msg}: shape {got.shape} != {ref.shape}"
    assert got.dtype == ref.dtype, f"{msg}: dtype {got.dtype} != {ref.dtype}"
    if name == "zero_crossing_rate":
        assert np.array_equal(got, ref), msg
    elif name == "spectral_rolloff":
        off = ~np.isclose(got, ref, rtol=1e-6, atol=0)
        assert int(off.sum()) <= rolloff_max_differing(off.size), msg
    else:
        scale = float(np.max(np.abs(ref))) if ref.size else 0.0
        np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-6 * scale, err_msg=msg)


def bin_hz(sr, params):
    return sr / {**EXTRACT_DEFAULTS, **params}["n_fft"]


# --------------------------------------------------------------------------------------
# keys
# --------------------------------------------------------------------------------------
def test_features_constant():
    assert tuple(genrefx.FEATURES) == EXPECTED_FEATURES


def test_default_is_all_features():
    out = genrefx.extract(signals.get("music"))
    assert isinstance(out, dict)
    assert set(out) == set(EXPECTED_FEATURES)
    for k, v in out.items():
        assert isinstance(v, np.ndarray), k
    out2 = genrefx.extract(signals.get("music"), features=None)
    assert set(out2) == set(EXPECTED_FEATURES)


@pytest.mark.parametrize(
    "features",
    [
        ("rms",),
        ["mfcc", "zero_crossing_rate"],
        ("spectral_contrast", "melspectrogram", "chroma_stft"),
        tuple(reversed(EXPECTED_FEATURES)),
    ],
)
def test_requested_keys_only(features):
    y = signals.get("music")
    out = genrefx.extract(y, features=features, tuning=0.0)
    assert set(out) == set(features)
    for name in features:
        assert_same(name, out[name], single(genrefx, name, y, 22050, {"tuning": 0.0}))


# --------------------------------------------------------------------------------------
# values: vs the single genrefx calls and vs librosa
# --------------------------------------------------------------------------------------
PARAM_SETS = {
    "defaults": (22050, {}),
    "sr16k-1024-center_false": (
        16000,
        {
            "n_fft": 1024,
            "hop_length": 256,
            "win_length": 800,
            "window": "hamming",
            "center": False,
            "n_mels": 64,
            "n_mfcc": 13,
            "tuning": 0.0,
            "fmin_contrast": 100.0,
            "n_bands": 5,
            "roll_percent": 0.9,
        },
    ),
    "sr44k-4096-reflect": (
        44100,
        {
            "n_fft": 4096,
            "hop_length": 1024,
            "pad_mode": "reflect",
            "n_mels": 96,
            "n_mfcc": 30,
            "n_chroma": 24,
            "tuning": 0.1,
            "roll_percent": 0.5,
        },
    ),
    "n_fft2000-hop441-edge": (
        22050,
        {
            "n_fft": 2000,
            "hop_length": 441,
            "pad_mode": "edge",
            "window": "blackman",
            "tuning": -0.3,
        },
    ),
}


@pytest.fixture(scope="module")
def extract_cases():
    """(y, sr, params, genrefx.extract output, librosa references) per PARAM_SETS entry."""
    cases = {}
    for key, (sr, params) in PARAM_SETS.items():
        y = signals.music(sr=sr) if sr != 22050 else signals.get("music")
        out = genrefx.extract(y, sr=sr, **params)
        refs = {name: single(librosa, name, y, sr, params) for name in EXPECTED_FEATURES}
        cases[key] = (y, sr, params, out, refs)
    return cases


@pytest.mark.parametrize("name", EXPECTED_FEATURES)
@pytest.mark.parametrize("key", list(PARAM_SETS))
def test_extract_equals_single_call(extract_cases, key, name):
    y, sr, params, out, _ = extract_cases[key]
    assert set(out) == set(EXPECTED_FEATURES)
    assert_same(name, out[name], single(genrefx, name, y, sr, params), f" [{key}]")


@pytest.mark.parametrize("name", EXPECTED_FEATURES)
@pytest.mark.parametrize("key", list(PARAM_SETS))
def test_extract_matches_librosa(extract_cases, key, name):
    _, sr, params, out, refs = extract_cases[key]
    assert_feature_close(
        name, out[name], refs[name], f" extract [{key}]", bin_hz=bin_hz(sr, params)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extract_dtypes_follow_librosa(dtype):
    y = signals.get("odd", dtype=dtype)
    out = genrefx.extract(y)
    for name in EXPECTED_FEATURES:
        ref = single(librosa, name, y, 22050, {})
        assert_feature_close(
            name, out[name], ref, f" extract {np.dtype(dtype).name}", bin_hz=22050 / 2048
        )


@pytest.mark.parametrize("name", ["noise", "zeros", "short", "chirp_exp"])
def test_extract_other_signals(name):
    y = signals.get(name)
    params = {"tuning": 0.0}  # tuning estimation is ill-conditioned/warns on these
    out = genrefx.extract(y, **params)
    for f in EXPECTED_FEATURES:
        if name == "chirp_exp" and f in (
            "spectral_bandwidth",
            "spectral_contrast",
            "spectral_flatness",
        ):
            continue  # purely tonal: see signals.py
        ref = single(librosa, f, y, 22050, params)
        assert_feature_close(f, out[f], ref, f" extract on {name}", bin_hz=22050 / 2048)


def test_extract_30s_clip():
    # one GTZAN-sized clip: 30 s at 22050 Hz, default parameters (tuning estimated)
    y = signals.music(duration=30.0, seed=11)
    S = np.abs(librosa.stft(y)) ** 2
    assert well_conditioned(*tuning_histogram_margin(S, 22050))
    out = genrefx.extract(y)
    for name in EXPECTED_FEATURES:
        ref = single(librosa, name, y, 22050, {})
        assert ref.shape[-1] == 1 + len(y) // 512
        assert_feature_close(name, out[name], ref, " 30 s clip", bin_hz=22050 / 2048)


# --------------------------------------------------------------------------------------
# batches
# --------------------------------------------------------------------------------------
# librosa computes these over the whole multichannel array, not per channel:
#   chroma_stft: one tuning estimate for all channels (when tuning is None)
#   mfcc:        power_to_db's top_db floor is relative to the max over all channels
#   spectral_contrast: power_to_db(peak) / power_to_db(valley) likewise (top_db=80)
COUPLED = ("chroma_stft", "mfcc", "spectral_contrast")


@pytest.fixture(scope="module")
def batch():
    """(3, n): three different mixtures with different tunings, the last one 60 dB quieter
    (so that the coupling of COUPLED features is visible)."""
    a = signals.get("music")
    n = len(a)
    b = signals.music(seed=7, tuning=-0.2)[:n]
    c = (signals.music(seed=9, tuning=0.1)[:n] * 1e-3).astype(np.float32)
    Y = np.stack([a, b, c])
    S = np.abs(librosa.stft(Y)) ** 2
    assert well_conditioned(*tuning_histogram_margin(S, 22050))
    return Y


@pytest.fixture(scope="module")
def batch_out(batch):
    return genrefx.extract(batch)


@pytest.fixture(scope="module")
def batch_librosa(batch):
    return {name: single(librosa, name, batch, 22050, {}) for name in EXPECTED_FEATURES}


def rel_err_max(a, ref):
    return float(np.max(np.abs(a.astype(np.float64) - ref)) / np.max(np.abs(ref)))


def test_batch_coupling_is_real(batch, batch_librosa):
    # sanity check of the test data: per-channel calls differ from the batch call in
    # librosa for the COUPLED features, so a genrefx that ignores the coupling fails
    for name in COUPLED:
        rows = per_channel(lambda r, name=name: single(librosa, name, r, 22050, {}), batch)
        assert rel_err_max(rows, batch_librosa[name]) > 100 * TOLERANCES[name], name


@pytest.mark.parametrize("name", EXPECTED_FEATURES)
def test_batch_matches_librosa_batch(batch, batch_out, batch_librosa, name):
    got = batch_out[name]
    assert got.shape[0] == 3
    rows = None
    if name == "spectral_flatness":
        rows = per_channel(lambda r: single(librosa, name, r, 22050, {}), batch)
    assert_multichannel_close(
        name, got, batch_librosa[name], rows, " batch (3, n)", bin_hz=22050 / 2048
    )


@pytest.mark.parametrize("name", [f for f in EXPECTED_FEATURES if f not in COUPLED])
def test_batch_equals_per_row_calls(batch, batch_out, batch_librosa, name):
    for i in range(batch.shape[0]):
        row = genrefx.extract(batch[i], features=[name])[name]
        try:
            assert_same(name, batch_out[name][i], row, f" batch row {i}")
        except AssertionError:
            if name != "spectral_flatness":
                raise
            # librosa's own float32 batch flatness of all-zero frames differs from its
            # per-row value by ~3e-4 (see assert_multichannel_close): a genrefx that
            # reproduces librosa's batch result is accepted too
            assert_feature_close(name, batch_out[name], batch_librosa[name], " batch")


def test_batch_with_fixed_tuning_is_per_row(batch):
    # with a fixed tuning, chroma_stft does not couple channels
    out = genrefx.extract(batch, features=["chroma_stft"], tuning=0.0)["chroma_stft"]
    for i in range(batch.shape[0]):
        row = genrefx.extract(batch[i], features=["chroma_stft"], tuning=0.0)["chroma_stft"]
        assert_same("chroma_stft", out[i], row, f" tuning=0 row {i}")
        ref = librosa.feature.chroma_stft(y=batch[i], sr=22050, tuning=0.0)
        assert_feature_close("chroma_stft", out[i], ref, f" tuning=0 row {i}")


def test_batch_4d_shape_and_values(batch):
    Y = np.stack([batch[:2], batch[1:]])  # (2, 2, n)
    out = genrefx.extract(Y, tuning=0.0, n_fft=1024, hop_length=256)
    for name in EXPECTED_FEATURES:
        ref = single(librosa, name, Y, 22050, {"tuning": 0.0, "n_fft": 1024, "hop_length": 256})
        rows = None
        if name == "spectral_flatness":
            rows = per_channel(
                lambda r, name=name: single(
                    librosa, name, r, 22050, {"tuning": 0.0, "n_fft": 1024, "hop_length": 256}
                ),
                Y,
            )
        assert_multichannel_close(name, out[name], ref, rows, " (2, 2, n)", bin_hz=22050 / 1024)


@pytest.mark.parametrize("shape", ["batch", "1d", "4d"])
def test_n_threads_identical(batch, shape):
    Y = {"batch": batch, "1d": batch[0], "4d": np.stack([batch, batch[::-1]])}[shape]
    a = genrefx.extract(Y, n_threads=1)
    b = genrefx.extract(Y, n_threads=2)
    assert set(a) == set(b) == set(EXPECTED_FEATURES)
    for name in EXPECTED_FEATURES:
        assert a[name].dtype == b[name].dtype
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def test_n_threads_more_than_signals(batch):
    a = genrefx.extract(batch[:2], n_threads=1, tuning=0.0)
    b = genrefx.extract(batch[:2], n_threads=8, tuning=0.0)
    for name in EXPECTED_FEATURES:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "features", [("bogus_feature",), ["rms", "bogus_feature"], ("MFCC",), ("stft",)]
)
def test_unknown_feature(features):
    bad = next(f for f in features if f not in EXPECTED_FEATURES)
    with pytest.raises(genrefx.ParameterError, match="features") as info:
        genrefx.extract(signals.get("music"), features=features)
    assert bad in str(info.value), f"message should name the bad value {bad!r}: {info.value}"


# --------------------------------------------------------------------------------------
# independent=True: each signal of a batch as its own call
# --------------------------------------------------------------------------------------
WITH_RECIPES = (*EXPECTED_FEATURES, "chroma_cqt", "chroma_cens", "tonnetz", "tempo")


@pytest.mark.parametrize("n_threads", [1, 2])
def test_independent_equals_separate_calls(batch, n_threads):
    out = genrefx.extract(batch, features=WITH_RECIPES, independent=True, n_threads=n_threads)
    for i in range(batch.shape[0]):
        alone = genrefx.extract(batch[i], features=WITH_RECIPES)
        for name in WITH_RECIPES:
            assert out[name].shape == (batch.shape[0], *alone[name].shape), name
            np.testing.assert_array_equal(out[name][i], alone[name], err_msg=f"{name} row {i}")


def test_independent_is_not_the_batch_call(batch, batch_out):
    # the batch fixture's quiet third signal and different tunings make the coupled features
    # differ between the two modes, so the test above would see a coupled result
    out = genrefx.extract(batch, independent=True)
    for name in COUPLED:
        assert not np.allclose(out[name][2], batch_out[name][2], rtol=1e-3, atol=0), name


def test_independent_4d_and_given_tuning(batch):
    Y = np.stack([batch[:2], batch[1:]])  # (2, 2, n)
    for kwargs in ({}, {"tuning": 0.1}, {"n_fft": 1024, "hop_length": 256}):
        names = ["chroma_stft", "mfcc", "spectral_contrast", "chroma_cqt"]
        out = genrefx.extract(Y, features=names, independent=True, **kwargs)
        for idx in np.ndindex(2, 2):
            alone = genrefx.extract(Y[idx], features=names, **kwargs)
            for name in names:
                np.testing.assert_array_equal(out[name][idx], alone[name], err_msg=f"{name} {idx}")


def test_independent_single_signal_is_the_plain_call(batch):
    a = genrefx.extract(batch[1], independent=True)
    b = genrefx.extract(batch[1])
    for name in EXPECTED_FEATURES:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_independent_must_be_a_bool(value):
    with pytest.raises(genrefx.ParameterError, match="independent"):
        genrefx.extract(signals.get("music")[:4096], independent=value)


@pytest.mark.parametrize("features", [["chroma_cqt"], ["chroma_cqt", "mfcc"], ["chroma_stft"]])
@pytest.mark.parametrize("tuning", [np.array([0.1, 0.2]), np.array([0.1]), np.nan, np.inf, "0.1"])
def test_bad_tuning_is_a_parameter_error(features, tuning):
    # a tuning array was taken as one tuning per signal with independent=True (found in
    # review), and raised TypeError / ValueError elsewhere: every path now names the parameter
    Y = signals.get("music")[: 2 * 22050].reshape(2, -1)
    for y, kwargs in ((Y[0], {}), (Y, {}), (Y, {"independent": True})):
        with pytest.raises(genrefx.ParameterError, match="tuning"):
            genrefx.extract(y, features=features, tuning=tuning, **kwargs)


def test_bad_tuning_in_the_single_calls():
    y = signals.get("music")[:22050]
    bad = np.array([0.1, 0.2])
    calls = (
        lambda: genrefx.cqt(y, tuning=bad),
        lambda: genrefx.feature.chroma_cqt(y=y, tuning=bad),
        lambda: genrefx.feature.chroma_stft(y=y, tuning=bad),
    )
    for call in calls:
        with pytest.raises(genrefx.ParameterError, match="tuning"):
            call()


def test_cached_set_up_keeps_checking_arguments():
    """extract caches its filterbanks and framing per argument set: a repeated call gives the
    same numbers, another sample rate its own, and an argument of the wrong type is still
    rejected after the right one was cached (20.0 equals 20 but is no integer)."""
    y = signals.get("music")
    first = genrefx.extract(y, 22050)
    again = genrefx.extract(y, 22050)
    for name in genrefx.FEATURES:
        np.testing.assert_array_equal(again[name], first[name])
    other_sr = genrefx.extract(y, 16000, ["spectral_centroid", "melspectrogram"])
    ref = librosa.feature.spectral_centroid(y=y, sr=16000)
    assert np.max(np.abs(other_sr["spectral_centroid"] - ref)) <= 1e-5 * np.max(np.abs(ref))
    assert not np.array_equal(other_sr["melspectrogram"], first["melspectrogram"])
    for kwargs in ({"n_mfcc": 20.0}, {"n_chroma": 12.0}, {"n_bands": 6.0}, {"n_mfcc": True}):
        with pytest.raises(genrefx.ParameterError, match=next(iter(kwargs))):
            genrefx.extract(y, 22050, **kwargs)
    with pytest.raises(genrefx.ParameterError, match="hop_length"):
        genrefx.extract(y, 22050, hop_length=512.0)
