"""genrefx called from several Python threads at once gives the same results as sequential
calls (the core releases the GIL, so the calls really overlap)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import librosa
import numpy as np

import genrefx
import signals
from test_feature_parity import assert_feature_close

N_ROUNDS = 3


def _inputs():
    a = signals.music(duration=3.0, seed=21)
    b = signals.music(duration=2.5, seed=22, tuning=-0.15)
    c = signals.white_noise(duration=2.0, seed=23)
    return [
        (a, {}),
        (b, {"n_fft": 1024, "hop_length": 256, "tuning": 0.0}),
        (c, {"sr": 16000, "n_fft": 512, "hop_length": 128, "tuning": 0.0, "n_mels": 64}),
        (np.stack([a[: len(c)], c]), {"tuning": 0.0, "n_threads": 2}),
    ]


def _run_concurrently(fn, args_list, n_workers):
    barrier = threading.Barrier(n_workers)

    def task(args):
        barrier.wait()  # start together
        return [fn(*args) for _ in range(N_ROUNDS)]

    with ThreadPoolExecutor(max_workers=n_workers) as ex:
        futures = [ex.submit(task, args) for args in args_list]
        return [f.result(timeout=600) for f in futures]


def _assert_identical(a, b, context):
    assert set(a) == set(b), context
    for k in a:
        assert a[k].shape == b[k].shape, (context, k)
        assert a[k].dtype == b[k].dtype, (context, k)
        np.testing.assert_array_equal(a[k], b[k], err_msg=f"{context}: {k}")


def test_extract_two_threads_equals_sequential():
    inputs = _inputs()[:2]
    sequential = [genrefx.extract(y, **kw) for y, kw in inputs]
    results = _run_concurrently(lambda y, kw: genrefx.extract(y, **kw), inputs, 2)
    for i, rounds in enumerate(results):
        for r, out in enumerate(rounds):
            _assert_identical(out, sequential[i], f"signal {i} round {r}")


def test_extract_four_threads_mixed_params_and_batches():
    inputs = _inputs()
    sequential = [genrefx.extract(y, **kw) for y, kw in inputs]
    results = _run_concurrently(lambda y, kw: genrefx.extract(y, **kw), inputs, 4)
    for i, rounds in enumerate(results):
        for r, out in enumerate(rounds):
            _assert_identical(out, sequential[i], f"signal {i} round {r}")


def test_stft_and_features_from_threads():
    a = signals.music(duration=3.0, seed=31)
    b = signals.chirp(method="exponential", duration=3.0)
    calls = [
        (lambda y: genrefx.stft(y, n_fft=2048), a),
        (lambda y: genrefx.stft(y, n_fft=1000, hop_length=250), b),
        (lambda y: genrefx.feature.mfcc(y=y, sr=22050), a),
        (lambda y: genrefx.feature.chroma_stft(y=y, sr=22050, tuning=0.0), b),
    ]
    sequential = [fn(y) for fn, y in calls]
    results = _run_concurrently(lambda fn, y: fn(y), calls, len(calls))
    for i, rounds in enumerate(results):
        for r, out in enumerate(rounds):
            np.testing.assert_array_equal(out, sequential[i], err_msg=f"call {i} round {r}")


def test_threaded_results_are_correct():
    # the sequential reference above is genrefx itself: also tie one threaded result to
    # librosa so that identical-but-wrong results cannot pass
    y = signals.music(duration=3.0, seed=21)
    results = _run_concurrently(
        lambda y: genrefx.extract(y, features=["mfcc", "rms"]), [(y,), (y.copy(),)], 2
    )
    ref_mfcc = librosa.feature.mfcc(y=y, sr=22050)
    ref_rms = librosa.feature.rms(y=y, frame_length=2048)
    for rounds in results:
        for out in rounds:
            assert_feature_close("mfcc", out["mfcc"], ref_mfcc, " threaded")
            assert_feature_close("rms", out["rms"], ref_rms, " threaded")


def test_errors_in_threads_do_not_poison_other_calls():
    y = signals.music(duration=2.0, seed=41)
    good = genrefx.extract(y, tuning=0.0)

    def bad():
        try:
            genrefx.extract(y, hop_length=0)
        except genrefx.ParameterError:
            return "raised"
        return "no error"

    def ok():
        return genrefx.extract(y, tuning=0.0)

    barrier = threading.Barrier(2)

    def run(fn):
        barrier.wait()
        return [fn() for _ in range(N_ROUNDS)]

    with ThreadPoolExecutor(max_workers=2) as ex:
        f_bad = ex.submit(run, bad)
        f_ok = ex.submit(run, ok)
        assert f_bad.result(timeout=600) == ["raised"] * N_ROUNDS
        for out in f_ok.result(timeout=600):
            _assert_identical(out, good, "alongside failing calls")


def test_more_threads_than_cores_is_fine():
    y = np.random.default_rng(3).standard_normal((3, 22050)).astype(np.float32)
    a = genrefx.extract(y, features=["rms", "spectral_centroid"], n_threads=1)
    b = genrefx.extract(y, features=["rms", "spectral_centroid"], n_threads=512)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
