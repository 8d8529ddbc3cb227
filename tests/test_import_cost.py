"""``import genrefx`` and the ``genrefx`` command's parser import no heavy third-party module.

scipy's submodules, pyarrow, soundfile, soxr, threadpoolctl, scikit-learn, ONNX (Runtime) and
dask are imported by the functions that use them, on first use. Each check runs in a fresh
interpreter (``sys.executable``), where nothing else has imported them yet: which modules a
statement imports is asserted, not how long it takes (timings belong in the benchmarks).

The second half runs functions that need those modules in a fresh interpreter too, so that
their first call, which imports them, is exercised: the results equal the same calls made in
this process (where the modules are long imported) or the libraries' own functions.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import soundfile as sf

import genrefx
import genrefx.batch

#: What ``import genrefx`` must not import.
HEAVY = (
    "scipy.signal",
    "scipy.stats",
    "scipy.ndimage",
    "scipy.sparse",
    "scipy.interpolate",
    "scipy.optimize",
    "pyarrow",
    "soundfile",
    "soxr",
    "sklearn",
    "onnxruntime",
    "dask",
    "threadpoolctl",
)


def run_python(code: str, *args: str, cwd) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (from ``cwd``, so that no source tree is on
    sys.path); fails the test unless it exits with 0."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{proc.stderr[-4000:]}"
    return proc


def heavy_after(statements: str, tmp_path) -> tuple[list[str], str]:
    """The :data:`HEAVY` modules in sys.modules after ``statements`` ran in a fresh
    interpreter, and what they printed."""
    code = f"""
import json, sys
{textwrap.dedent(statements)}
print("HEAVY " + json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
"""
    proc = run_python(code, cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert lines, proc.stderr[-2000:]
    assert lines[-1].startswith("HEAVY "), proc.stdout[-2000:]
    return json.loads(lines[-1][len("HEAVY ") :]), "\n".join(lines[:-1])


# --- what importing imports ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "statements",
    [
        "import genrefx",
        "import genrefx.batch",
        "import genrefx.classify",
        # the attributes that resolve lazily, without calling them
        "import genrefx; genrefx.GenreModel; genrefx.batch.extract_files; genrefx.batch.runner",
        "from genrefx.batch import *",
        "from genrefx.classify import *",
    ],
)
def test_import_leaves_heavy_modules_alone(statements, tmp_path):
    loaded, _ = heavy_after(statements, tmp_path)
    assert not loaded, f"`{statements}` imported {', '.join(loaded)}"


@pytest.mark.parametrize(
    "statements",
    [
        "genrefx.stft(y)",
        "genrefx.stft(y, window='hann', n_fft=1000)",
        "genrefx.feature.melspectrogram(y=y)",
        "genrefx.extract(y, sr=22050)",
        "genrefx.filters.get_window('hann', 2048)",
        "genrefx.filters.get_window('ones', 2048)",
        "genrefx.cqt(y)",
    ],
)
def test_the_default_windows_leave_scipy_signal_alone(statements, tmp_path):
    # librosa's default window (and the CQT's "ones") is computed as scipy computes it (tested
    # below, bit for bit) without importing scipy.signal, which alone takes ~0.6 s
    loaded, _ = heavy_after(
        f"import numpy as np, genrefx; y = np.ones(4096, np.float32); {statements}", tmp_path
    )
    assert "scipy.signal" not in loaded, f"{statements} imported {', '.join(loaded)}"


@pytest.mark.parametrize("name", ["hann", "ones", "boxcar", "box", "rect", "rectangular"])
@pytest.mark.parametrize("fftbins", [True, False])
def test_numpy_windows_equal_scipys_bit_for_bit(name, fftbins):
    import scipy.signal

    for n in [*range(-1, 70), 511, 512, 1000, 1023, 1024, 2000, 2048, 2049, 4096, 65536]:
        try:
            ref = scipy.signal.get_window(name, n, fftbins=fftbins)
        except ValueError:
            with pytest.raises(genrefx.ParameterError):
                genrefx.filters.get_window(name, n, fftbins=fftbins)
            continue
        got = genrefx.filters.get_window(name, n, fftbins=fftbins)
        assert got.dtype == ref.dtype, n
        assert got.shape == ref.shape, n
        np.testing.assert_array_equal(got, ref, err_msg=f"n={n}")


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["demo", "--help"],
        ["batch-extract", "--help"],
        ["train", "--help"],
        ["evaluate", "--help"],
        ["predict", "--help"],
    ],
)
def test_cli_help_leaves_heavy_modules_alone(argv, tmp_path):
    # genrefx.cli.main(argv) is the `genrefx` entry point; --help and --version print and
    # return 0 (argparse's SystemExit is caught)
    statements = f"""
import genrefx.cli
assert genrefx.cli.main({argv!r}) == 0
"""
    loaded, out = heavy_after(statements, tmp_path)
    # (an editable install's rebuild may print its own lines first)
    assert "usage: genrefx" in out or any(ln.startswith("genrefx ") for ln in out.splitlines())
    assert not loaded, f"genrefx {' '.join(argv)} imported {', '.join(loaded)}"


def test_cli_argument_parsing_leaves_heavy_modules_alone(tmp_path):
    statements = """
from genrefx.cli import build_parser
parser = build_parser()
for argv in (
    ["demo", "--duration", "2"],
    ["batch-extract", "in.zip", "-o", "out.parquet", "--features", "mfcc,rms"],
    ["train", "f.parquet", "--labels", "l.csv", "--model", "logreg", "-o", "m.onnx"],
    ["evaluate", "m.onnx", "f.parquet", "--labels", "l.csv"],
    ["predict", "m.onnx", "one.mp3"],
):
    assert callable(parser.parse_args(argv).func)
"""
    loaded, _ = heavy_after(statements, tmp_path)
    assert not loaded, f"building the parser and parsing imported {', '.join(loaded)}"


# --- the lazily imported names are all there ----------------------------------------------------


def test_batch_names_resolve():
    from genrefx.batch import audio, features, runner, sources

    home = {
        "BatchOptions": features,
        "BatchResult": runner,
        "DecodeError": audio,
        "Source": sources,
        "expand_inputs": sources,
        "extract_files": runner,
        "load": audio,
        "run_batch": runner,
        "schema": features,
    }
    assert sorted(genrefx.batch.__all__) == sorted(home)
    for name, module in home.items():
        assert getattr(genrefx.batch, name) is getattr(module, name)
    names = dir(genrefx.batch)
    assert set(genrefx.batch.__all__) <= set(names)
    assert {"audio", "features", "presets", "runner", "sources", "summary"} <= set(names)
    assert genrefx.batch.summary.__name__ == "genrefx.batch.summary"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        genrefx.batch.nope  # noqa: B018


def test_top_level_names_resolve():
    for name in genrefx.__all__:
        assert getattr(genrefx, name) is not None, name
    for name in ("beat", "feature", "effects", "filters", "onset", "util", "decompose", "batch"):
        assert getattr(genrefx, name).__name__ == f"genrefx.{name}"


# --- first calls, which import what they need ---------------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A 1-s 16-bit WAV (22050 Hz) and its samples as float32."""
    folder = tmp_path_factory.mktemp("lazy")
    rng = np.random.default_rng(7)
    t = np.arange(22050) / 22050
    y = 0.4 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(t.size)
    path = str(folder / "tone.wav")
    sf.write(path, y, 22050, subtype="PCM_16")
    y32, _ = sf.read(path, dtype="float32")
    return {"folder": folder, "wav": path, "y": y32}


#: name -> (the modules its first call imports, an expression of ``genrefx``, ``y`` and ``wav``)
FIRST_CALLS = {
    "get_window": (
        ["scipy.signal"],
        "[genrefx.filters.get_window('bohman', 256), "
        "genrefx.filters.get_window(('kaiser', 8.0), 255, fftbins=False)]",
    ),
    "stft": ([], "genrefx.stft(y)"),
    "stft_hamming": (["scipy.signal"], "genrefx.stft(y, window='hamming')"),
    "mfcc": (["scipy.fft"], "genrefx.feature.mfcc(y=y, sr=22050)"),
    "mfcc_from_S": (
        ["scipy.fft"],
        "genrefx.feature.mfcc(S=np.linspace(-80.0, 0.0, 128 * 5).reshape(128, 5))",
    ),
    "delta": (
        ["scipy.signal"],
        "genrefx.feature.delta(np.cumsum(np.arange(40.0).reshape(2, 20) ** 2, axis=-1))",
    ),
    "load": (["soundfile"], "list(genrefx.load(wav, sr=None))"),
    "load_resampled": (["soundfile", "soxr"], "list(genrefx.load(wav, sr=16000))"),
    "resample_fft": (
        ["scipy.signal"],
        "genrefx.resample(y, orig_sr=22050, target_sr=8000, res_type='fft')",
    ),
    "resample_polyphase": (
        ["scipy.signal"],
        "genrefx.resample(y, orig_sr=22050, target_sr=8000, res_type='polyphase')",
    ),
    "get_duration": (["soundfile"], "genrefx.get_duration(path=wav)"),
    "onset_strength": (
        ["scipy.ndimage"],
        "genrefx.onset.onset_strength(y=y, sr=22050, max_size=3, detrend=True)",
    ),
    "pcen": (["scipy.signal"], "genrefx.pcen(genrefx.feature.melspectrogram(y=y) * 2**31)"),
    "chroma_cens": (["scipy.ndimage", "scipy.sparse"], "genrefx.feature.chroma_cens(y=y)"),
    "preemphasis": (["scipy.signal"], "genrefx.effects.preemphasis(y)"),
    "tempogram": (["scipy.fft"], "genrefx.feature.tempogram(y=y, norm=None)"),
    "extract": ([], "genrefx.extract(y, sr=22050)"),
}


def _evaluate(expression: str, y: np.ndarray, wav: str):
    return eval(expression, {"genrefx": genrefx, "np": np, "y": y, "wav": wav})


def _as_arrays(value) -> dict[str, np.ndarray]:
    if isinstance(value, dict):
        return {k: np.asarray(v) for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): np.asarray(v) for i, v in enumerate(value)}
    return {"0": np.asarray(value)}


@pytest.mark.parametrize("name", sorted(FIRST_CALLS))
def test_first_call_in_a_fresh_interpreter(name, inputs, tmp_path):
    imports, expression = FIRST_CALLS[name]
    expected = _as_arrays(_evaluate(expression, inputs["y"], inputs["wav"]))
    np.savez(
        tmp_path / "expected.npz", y=inputs["y"], **{f"out_{k}": v for k, v in expected.items()}
    )
    code = f"""
import sys
import numpy as np
import genrefx

expression, folder, wav = sys.argv[1:4]
loaded = [m for m in {imports!r} if m in sys.modules]
assert not loaded, f"imported before the call: {{loaded}}"
with np.load(folder + "/expected.npz") as z:
    y = z["y"]
    expected = {{k[4:]: z[k] for k in z.files if k.startswith("out_")}}
value = eval(expression, {{"genrefx": genrefx, "np": np, "y": y, "wav": wav}})
if isinstance(value, dict):
    got = {{k: np.asarray(v) for k, v in value.items()}}
elif isinstance(value, list):
    got = {{str(i): np.asarray(v) for i, v in enumerate(value)}}
else:
    got = {{"0": np.asarray(value)}}
assert sorted(got) == sorted(expected), (sorted(got), sorted(expected))
for k in got:
    assert got[k].dtype == expected[k].dtype, (k, got[k].dtype, expected[k].dtype)
    np.testing.assert_array_equal(got[k], expected[k], err_msg=k)
missing = [m for m in {imports!r} if m not in sys.modules]
assert not missing, f"expected the call to import {{missing}}"
"""
    run_python(code, expression, str(tmp_path), inputs["wav"], cwd=tmp_path)


def test_first_calls_agree_with_the_libraries(inputs):
    # the lazily imported functions are the libraries': a window only scipy computes, delta as
    # scipy's Savitzky-Golay filter, load as soundfile's samples
    import scipy.signal

    np.testing.assert_array_equal(
        genrefx.filters.get_window(("kaiser", 8.0), 255),
        scipy.signal.get_window(("kaiser", 8.0), 255),
    )
    data = np.cumsum(np.arange(40.0).reshape(2, 20) ** 2, axis=-1)
    np.testing.assert_array_equal(
        genrefx.feature.delta(data),
        scipy.signal.savgol_filter(data, 9, 1, deriv=1, axis=-1, mode="interp"),
    )
    y, sr = genrefx.load(inputs["wav"], sr=None)
    assert sr == 22050
    np.testing.assert_array_equal(y, inputs["y"])


def test_extract_files_in_a_fresh_interpreter(inputs, tmp_path):
    import pyarrow.parquet as pq

    options = {"features": ["rms", "mfcc"], "stats": ["mean", "std"]}
    expected = genrefx.batch.extract_files([inputs["wav"]], **options)
    pq.write_table(expected, tmp_path / "expected.parquet")
    code = f"""
import sys
import genrefx

wav, folder = sys.argv[1:3]
loaded = [m for m in ("pyarrow", "soundfile", "soxr", "scipy.signal") if m in sys.modules]
assert not loaded, f"imported before the call: {{loaded}}"
table = genrefx.batch.extract_files([wav], **{options!r})

import pyarrow.parquet as pq

expected = pq.read_table(folder + "/expected.parquet")
assert table.num_rows == 1, table.num_rows
assert table.equals(expected, check_metadata=True), (table.schema, expected.schema)
"""
    run_python(code, inputs["wav"], str(tmp_path), cwd=tmp_path)
    assert expected.num_rows == 1
    assert expected.column_names[:2] == ["path", "segment"]
