"""Invalid input raises genrefx.ParameterError (a ValueError) whose message names the
offending parameter (and, for numeric parameters, its value); nothing crashes the
interpreter.

The expected messages are genrefx's contract (docs/API.md: "messages name the parameter
and value"), not librosa's wording: the regexes only require the parameter name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import genrefx

Y_NAME = r"\by\b"  # the audio argument, as a word ("y", "y=", "`y`", "y.shape" ...)

# (id, python expression, regex the message must match, text the message must contain)
# Expressions are evaluated with: gx (genrefx), np, y (1.5 s float32 noise), y_short (100
# samples), and the helpers below; the same table drives the no-crash subprocess test.
CASES = [
    ("chroma-norm-negative", "gx.feature.chroma_stft(y=y, norm=-1)", "norm", "-1"),
    ("chroma-norm-string", "gx.feature.chroma_stft(y=y, norm='l2')", "norm", "'l2'"),
    ("chroma-norm-nan", "gx.feature.chroma_stft(y=y, norm=np.nan)", "norm", "nan"),
    ("mel-power-zero", "gx.feature.melspectrogram(y=y, power=0)", "power", "0"),
    ("mfcc-power-negative", "gx.feature.mfcc(y=y, power=-1.5)", "power", "-1.5"),
    ("mfcc-dct-type-5", "gx.feature.mfcc(y=y, dct_type=5)", "dct_type", "5"),
    ("mfcc-dct-norm-bogus", "gx.feature.mfcc(y=y, norm='bogus')", "norm", "bogus"),
    ("rms-pad-empty", "gx.feature.rms(y=y, pad_mode='empty')", "pad_mode", "empty"),
    ("stft-pad-wrap", "gx.stft(y, pad_mode='wrap')", "pad_mode", "wrap"),
    ("tuning-fmin-string", "gx.estimate_tuning(y=y, fmin='150')", "fmin", "150"),
    ("tuning-threshold-nan", "gx.estimate_tuning(y=y, threshold=np.nan)", "threshold", "nan"),
    ("tuning-ref-callable", "gx.estimate_tuning(y=y, ref=np.max)", "ref", None),
    # non-finite audio
    ("stft-nan", "gx.stft(with_value(y, np.nan))", Y_NAME, None),
    ("stft-inf", "gx.stft(with_value(y, np.inf))", Y_NAME, None),
    ("stft-neginf", "gx.stft(with_value(y, -np.inf))", Y_NAME, None),
    ("stft-nan-float64", "gx.stft(with_value(y.astype(np.float64), np.nan))", Y_NAME, None),
    ("stft-batch-inf", "gx.stft(np.stack([y, with_value(y, np.inf)]))", Y_NAME, None),
    ("mel-nan", "gx.feature.melspectrogram(y=with_value(y, np.nan))", Y_NAME, None),
    ("mfcc-inf", "gx.feature.mfcc(y=with_value(y, np.inf))", Y_NAME, None),
    ("zcr-nan", "gx.feature.zero_crossing_rate(with_value(y, np.nan))", Y_NAME, None),
    ("rms-nan", "gx.feature.rms(y=with_value(y, np.nan))", Y_NAME, None),
    ("extract-nan", "gx.extract(with_value(y, np.nan))", Y_NAME, None),
    ("extract-batch-inf", "gx.extract(np.stack([y, with_value(y, -np.inf)]))", Y_NAME, None),
    # empty / 0-d / integer audio
    ("stft-empty", "gx.stft(np.zeros(0, np.float32))", Y_NAME, None),
    ("stft-empty-batch", "gx.stft(np.zeros((2, 0), np.float32))", Y_NAME, None),
    ("extract-empty", "gx.extract(np.zeros(0, np.float32))", Y_NAME, None),
    ("mel-empty", "gx.feature.melspectrogram(y=np.zeros(0, np.float32))", Y_NAME, None),
    ("stft-0d", "gx.stft(np.array(0.5, dtype=np.float32))", Y_NAME, None),
    ("extract-0d", "gx.extract(np.array(0.5, dtype=np.float32))", Y_NAME, None),
    ("stft-int16", "gx.stft((y * 1000).astype(np.int16))", Y_NAME, None),
    ("stft-int32", "gx.stft((y * 1000).astype(np.int32))", Y_NAME, None),
    ("extract-int16", "gx.extract((y * 1000).astype(np.int16))", Y_NAME, None),
    ("mel-int64", "gx.feature.melspectrogram(y=(y * 1000).astype(np.int64))", Y_NAME, None),
    ("zcr-int16", "gx.feature.zero_crossing_rate((y * 1000).astype(np.int16))", Y_NAME, None),
    # n_fft
    ("stft-n_fft-0", "gx.stft(y, n_fft=0)", "n_fft", None),
    ("stft-n_fft-neg", "gx.stft(y, n_fft=-7)", "n_fft", "-7"),
    ("mel-n_fft-neg", "gx.feature.melspectrogram(y=y, n_fft=-7)", "n_fft", "-7"),
    ("centroid-n_fft-0", "gx.feature.spectral_centroid(y=y, n_fft=0)", "n_fft", None),
    ("extract-n_fft-neg", "gx.extract(y, n_fft=-7)", "n_fft", "-7"),
    # hop_length
    ("stft-hop-0", "gx.stft(y, hop_length=0)", "hop_length", None),
    ("stft-hop-neg", "gx.stft(y, hop_length=-3)", "hop_length", "-3"),
    ("mel-hop-0", "gx.feature.melspectrogram(y=y, hop_length=0)", "hop_length", None),
    ("zcr-hop-0", "gx.feature.zero_crossing_rate(y, hop_length=0)", "hop_length", None),
    ("rms-hop-neg", "gx.feature.rms(y=y, hop_length=-3)", "hop_length", "-3"),
    ("extract-hop-neg", "gx.extract(y, hop_length=-3)", "hop_length", "-3"),
    # win_length
    ("stft-win-0", "gx.stft(y, win_length=0)", "win_length", None),
    ("stft-win-neg", "gx.stft(y, win_length=-5)", "win_length", "-5"),
    ("stft-win-gt-n_fft", "gx.stft(y, n_fft=1024, win_length=2048)", "win_length", "2048"),
    (
        "mel-win-gt-n_fft",
        "gx.feature.melspectrogram(y=y, n_fft=512, win_length=513)",
        "win_length",
        "513",
    ),
    ("extract-win-gt-n_fft", "gx.extract(y, n_fft=1024, win_length=4096)", "win_length", "4096"),
    # sr
    ("mel-sr-0", "gx.feature.melspectrogram(y=y, sr=0)", r"\bsr\b", None),
    ("mel-sr-neg", "gx.feature.melspectrogram(y=y, sr=-22050)", r"\bsr\b", "-22050"),
    ("mfcc-sr-neg", "gx.feature.mfcc(y=y, sr=-22050)", r"\bsr\b", "-22050"),
    ("chroma-sr-0", "gx.feature.chroma_stft(y=y, sr=0, tuning=0.0)", r"\bsr\b", None),
    ("centroid-sr-neg", "gx.feature.spectral_centroid(y=y, sr=-16000)", r"\bsr\b", "-16000"),
    ("extract-sr-0", "gx.extract(y, sr=0)", r"\bsr\b", None),
    ("extract-sr-neg", "gx.extract(y, sr=-44100)", r"\bsr\b", "-44100"),
    # spectral_contrast bands above Nyquist
    (
        "contrast-nyquist",
        "gx.feature.spectral_contrast(y=y, sr=8000, fmin=200.0, n_bands=6)",
        "n_bands|fmin|Nyquist",
        None,
    ),
    (
        "extract-contrast-nyquist",
        "gx.extract(y, sr=8000, fmin_contrast=200.0, n_bands=6, tuning=0.0)",
        "n_bands|fmin|Nyquist",
        None,
    ),
    # window
    ("stft-window", "gx.stft(y, window='not-a-window')", "window", "not-a-window"),
    ("mel-window", "gx.feature.melspectrogram(y=y, window='not-a-window')", "window", None),
    ("extract-window", "gx.extract(y, window='not-a-window')", "window", None),
    # chroma filterbank shape (non-finite values once reached the core's filterbank cache)
    ("chroma-ctroct-nan", "gx.feature.chroma_stft(y=y, ctroct=np.nan)", "ctroct", "nan"),
    ("chroma-octwidth-0", "gx.feature.chroma_stft(y=y, octwidth=0)", "octwidth", None),
    # unknown feature
    ("extract-feature", "gx.extract(y, features=['spectral_bogus'])", "features", "spectral_bogus"),
    # neither y nor S
    ("mel-no-input", "gx.feature.melspectrogram()", r"\by\b|\bS\b", None),
    ("mfcc-no-input", "gx.feature.mfcc()", r"\by\b|\bS\b", None),
    ("chroma-no-input", "gx.feature.chroma_stft()", r"\by\b|\bS\b", None),
    ("centroid-no-input", "gx.feature.spectral_centroid()", r"\by\b|\bS\b", None),
    ("bandwidth-no-input", "gx.feature.spectral_bandwidth()", r"\by\b|\bS\b", None),
    ("contrast-no-input", "gx.feature.spectral_contrast()", r"\by\b|\bS\b", None),
    ("rolloff-no-input", "gx.feature.spectral_rolloff()", r"\by\b|\bS\b", None),
    ("flatness-no-input", "gx.feature.spectral_flatness()", r"\by\b|\bS\b", None),
    ("rms-no-input", "gx.feature.rms()", r"\by\b|\bS\b", None),
    # center=False with a signal shorter than the frame
    ("stft-short-uncentered", "gx.stft(y_short, n_fft=2048, center=False)", "n_fft", None),
    ("mel-short-uncentered", "gx.feature.melspectrogram(y=y_short, center=False)", "n_fft", None),
    (
        "zcr-short-uncentered",
        "gx.feature.zero_crossing_rate(y_short, center=False)",
        "frame_length",
        None,
    ),
    ("rms-short-uncentered", "gx.feature.rms(y=y_short, center=False)", "frame_length", None),
    ("extract-short-uncentered", "gx.extract(y_short, center=False)", "n_fft", None),
]

HELPERS = textwrap.dedent(
    """
    def with_value(a, v, i=777):
        a = a.copy()
        a[..., i] = v
        return a
    """
)


def namespace():
    ns = {"gx": genrefx, "np": np}
    exec(HELPERS, ns)
    rng = np.random.default_rng(0)
    ns["y"] = (0.3 * rng.standard_normal(33075)).astype(np.float32)
    ns["y_short"] = ns["y"][:100].copy()
    return ns


def test_parameter_error_is_value_error():
    assert issubclass(genrefx.ParameterError, ValueError)
    assert issubclass(genrefx.ParameterError, Exception)


@pytest.mark.parametrize(
    ("expr", "pattern", "value"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_raises(expr, pattern, value):
    ns = namespace()
    with pytest.raises(genrefx.ParameterError, match=pattern) as info:
        eval(expr, ns)
    if value is not None:
        assert value in str(info.value), f"message should contain {value!r}: {info.value}"


def test_inputs_are_not_modified_by_failed_calls():
    ns = namespace()
    y = ns["y"]
    y0 = y.copy()
    with pytest.raises(genrefx.ParameterError):
        genrefx.extract(y, features=["spectral_bogus"])
    with pytest.raises(genrefx.ParameterError):
        genrefx.stft(y, hop_length=0)
    np.testing.assert_array_equal(y, y0)


# Extra inputs for the crash test only: they may raise (any Exception) or succeed, but must
# not take the interpreter down.
CRASH_ONLY = [
    "gx.stft(y, n_fft=1)",
    "gx.stft(y, n_fft=2, hop_length=1)",
    "gx.stft(y[:1], n_fft=1, center=False)",
    "gx.stft(y, hop_length=10**9)",
    "gx.stft(y, n_fft=2**22)",
    "gx.stft(y, n_fft=2.5)",
    "gx.stft(y, hop_length=2.5)",
    "gx.stft(y, win_length=2.5)",
    "gx.stft(y, n_fft=None)",
    "gx.stft(y.astype(np.float16))",
    "gx.stft(y.astype(np.complex64))",
    "gx.stft(list(y[:4096]))",
    "gx.stft(None)",
    "gx.stft(np.zeros((0, 4096), np.float32))",
    "gx.stft(y, pad_mode='bogus')",
    "gx.stft(y, dtype=np.float32)",
    "gx.stft(y, n_threads=0)",
    "gx.stft(y, n_threads=-1)",
    "gx.extract(np.stack([y, y]), n_threads=64)",
    "gx.extract(y, features='rms')",
    "gx.extract(y, features=[])",
    "gx.extract(y, n_mels=0)",
    "gx.extract(y, n_mfcc=0)",
    "gx.extract(y, n_chroma=0)",
    "gx.extract(y, n_bands=0)",
    "gx.extract(y, roll_percent=1.5)",
    "gx.extract(y, sr=float('nan'))",
    "gx.extract(y, tuning=float('nan'))",
    "gx.feature.melspectrogram(S=np.full((1025, 10), np.nan, np.float32))",
    "gx.feature.mfcc(S=np.zeros((0, 10), np.float32))",
    "gx.feature.spectral_centroid(S=-np.ones((1025, 10), np.float32))",
    "gx.feature.rms(S=np.ones((1025, 10), np.float32), frame_length=512)",
    "gx.feature.spectral_contrast(S=np.ones((3, 10), np.float32))",
    "gx.power_to_db(np.array([], np.float32))",
    "gx.amplitude_to_db(-np.ones(10, np.float32), top_db=-1.0)",
]


def test_nothing_crashes_the_interpreter():
    script = textwrap.dedent(
        """
        import json, sys
        import numpy as np
        import genrefx as gx
        {helpers}
        rng = np.random.default_rng(0)
        y = (0.3 * rng.standard_normal(33075)).astype(np.float32)
        y_short = y[:100].copy()
        results = {{}}
        for expr in json.loads(sys.argv[1]):
            print("RUN", expr, flush=True)
            try:
                eval(expr)
                results[expr] = "ok"
            except Exception as e:  # noqa: BLE001
                results[expr] = type(e).__name__
        print("RESULT " + json.dumps(results), flush=True)
        """
    ).format(helpers=HELPERS)
    exprs = [c[1] for c in CASES] + CRASH_ONLY
    proc = subprocess.run(
        [sys.executable, "-c", script, json.dumps(exprs)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
    )
    last_run = [ln for ln in proc.stdout.splitlines() if ln.startswith("RUN ")]
    assert proc.returncode == 0, (
        f"interpreter died with return code {proc.returncode} during "
        f"{last_run[-1] if last_run else '?'}\nstderr:\n{proc.stderr[-3000:]}"
    )
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    results = json.loads(line[len("RESULT ") :])
    assert set(results) == set(exprs)
    for _id, expr, _pattern, _value in CASES:
        assert results[expr] == "ParameterError", (expr, results[expr])


@pytest.mark.parametrize("name", ["n_fft", "hop_length", "win_length"])
def test_huge_sizes_are_parameter_errors(name):
    y = np.zeros(4096, dtype=np.float32)
    with pytest.raises(genrefx.ParameterError, match=name):
        genrefx.stft(y, **{name: 2**31})


def test_spectrogram_with_one_bin_is_a_parameter_error():
    with pytest.raises(genrefx.ParameterError, match="S"):
        genrefx.feature.spectral_centroid(S=np.ones((1, 5), dtype=np.float32))


def test_complex_audio_is_a_parameter_error():
    with pytest.raises(genrefx.ParameterError, match="y"):
        genrefx.stft(np.ones(4096, dtype=np.complex64))


def test_wrap_padding_is_refused_as_librosa_refuses_it():
    # librosa.stft raises for pad_mode="wrap" when centring; rms pads with np.pad and takes it
    import librosa

    y = np.random.default_rng(5).standard_normal(5000).astype(np.float32)
    with pytest.raises(librosa.ParameterError):
        librosa.stft(y, pad_mode="wrap")
    for call in (
        lambda: genrefx.stft(y, pad_mode="wrap"),
        lambda: genrefx.feature.spectral_centroid(y=y, pad_mode="wrap"),
        lambda: genrefx.extract(y, 22050, pad_mode="wrap"),
    ):
        with pytest.raises(genrefx.ParameterError, match="wrap"):
            call()
    genrefx.stft(y, pad_mode="wrap", center=False)  # no padding: nothing to refuse
    ref = librosa.feature.rms(y=y, pad_mode="wrap")
    np.testing.assert_allclose(genrefx.feature.rms(y=y, pad_mode="wrap"), ref, rtol=1e-5)


def test_extract_default_features_at_a_low_rate_name_contrast():
    y = np.random.default_rng(6).standard_normal(8000).astype(np.float32)
    with pytest.raises(genrefx.ParameterError, match="features without spectral_contrast"):
        genrefx.extract(y, 8000)  # contrast's 6 bands from 200 Hz pass 4 kHz
    assert "spectral_contrast" in genrefx.extract(y, 8000, n_bands=4)
