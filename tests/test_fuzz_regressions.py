"""Regressions found by fuzzing (session 11): inputs that crashed the interpreter, exhausted
memory, hung or returned silent garbage. Inputs that could crash or hang run in a subprocess,
so a regression shows as a failed assertion on the return code instead of killing the run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_PRELUDE = """
import os
import resource
# a memory cap: a runaway allocation then fails instead of waking the OOM killer (not under
# AddressSanitizer, scripts/sanitize.sh, whose shadow memory is terabytes of address space)
if "libasan" not in os.environ.get("LD_PRELOAD", ""):
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))
import numpy as np
import genrefx
import genrefx._core as C
"""


def _run(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _assert_clean_exception(code: str) -> None:
    """``code`` must end with a Python exception (printed as RAISED) or a result, never a
    signal."""
    wrapped = (
        "try:\n"
        + textwrap.indent(textwrap.dedent(code), "    ")
        + ("\nexcept Exception as e:\n    print('RAISED', type(e).__name__, e)\n")
    )
    proc = _run(wrapped)
    assert proc.returncode == 0, (
        f"process died with return code {proc.returncode} (negative: killed by signal "
        f"{-proc.returncode})\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
    )


# --- crashes -------------------------------------------------------------------------------


def test_core_chroma_filterbank_n_fft_zero_does_not_segfault():
    # cpp/plans.cpp chroma_filterbank writes frqbins[0] and binwidth[n_fft - 1] of empty
    # vectors (genrefx.filters.chroma now refuses n_fft < 2 before calling it)
    _assert_clean_exception("C.chroma_filterbank(22050.0, 0, 12, 0.0, 5.0, 2.0, True)")


def test_core_extract_chroma_with_n_fft_1_does_not_segfault():
    # the default chroma_n_fft = 2 * (F - 1) = 0 for a 1-point FFT reaches the same bug
    _assert_clean_exception(
        """
        plan = C.StftPlan(1, 1, np.ones(1), False, "constant")
        C.extract(plan, np.random.randn(1, 10).astype(np.float32), {"features": ["chroma_stft"]})
        """
    )


@pytest.mark.parametrize("feature", ["melspectrogram", "mfcc"])
def test_core_extract_mel_bank_none_does_not_segfault(feature):
    # cpp/bindings.cpp prepare(): d["mel_bank"].cast<shared_ptr<SparseBank>>() of None is a
    # null pointer, dereferenced by bank->n_bins()
    _assert_clean_exception(
        f"""
        plan = C.StftPlan(512, 128, np.hanning(512), True, "constant")
        y = np.zeros((1, 2048), np.float32)
        C.extract(plan, y, {{"features": ["{feature}"], "mel_bank": None, "dct": np.ones((3, 4))}})
        """
    )


def test_core_spectral_mel_bank_none_does_not_segfault():
    _assert_clean_exception(
        """
        S = np.ones((1, 257, 10), np.float32)
        C.spectral(S, {"features": ["melspectrogram"], "mel_bank": None})
        """
    )


@pytest.mark.parametrize(
    "request_code",
    [
        "{'features': ['chroma_stft'], 'independent': True}",
        "{'features': ['estimate_tuning'], 'independent': True}",
        "{'features': ['spectral_contrast'], 'contrast_lo': [0], 'contrast_hi': [10],"
        " 'contrast_count': [2], 'independent': True}",
    ],
)
def test_core_extract_zero_signals_independent_does_not_sigfpe(request_code):
    # cpp/extract.cpp Engine::joint(): per_group = n_items() / G with G = B = 0
    _assert_clean_exception(
        f"""
        plan = C.StftPlan(512, 128, np.hanning(512), True, "constant")
        C.extract(plan, np.zeros((0, 2048), np.float32), {request_code})
        """
    )


def test_core_spectral_zero_signals_independent_does_not_sigfpe():
    _assert_clean_exception(
        """
        C.spectral(np.zeros((0, 257, 4), np.float32),
                   {"features": ["chroma_stft"], "independent": True})
        """
    )


# --- memory --------------------------------------------------------------------------------


def test_istft_huge_hop_does_not_allocate_per_hop_sample():
    # librosa returns the 1000 requested samples within the 6 GiB cap; genrefx allocates
    # O(hop_length) buffers (cpp/istft.cpp WindowSumSquare::period_(hop), period(hop)): 16 GiB,
    # std::bad_alloc under the cap, the OOM killer without it
    proc = _run(
        """
        y = genrefx.istft(np.ones((257, 10), np.complex64), hop_length=2**31 - 1, length=1000)
        assert y.shape == (1000,), y.shape
        assert np.isfinite(y).all()
        print("OK")
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "OK" in proc.stdout, proc.stderr[-2000:]


# --- silent garbage ------------------------------------------------------------------------


def test_core_divide_noncontiguous_out_is_not_silently_dropped():
    # `out` was py::array_t<float, c_style> without forcecast: a strided array was copied and
    # the copy written, so the caller's array was never filled. It is refused now.
    import numpy as np

    from genrefx import _core

    x = np.arange(10, dtype=np.float32)
    out = np.zeros(20, np.float32)[::2]
    with pytest.raises(ValueError, match="out"):
        _core.divide(x, 2.0, out)
    contiguous = np.zeros(10, np.float32)
    _core.divide(x, 2.0, contiguous)
    assert np.array_equal(contiguous, x / 2)


@pytest.mark.parametrize(
    ("feature", "kw", "loud", "fine"),
    [
        ("melspectrogram", {}, 1e18, 1e15),
        ("chroma_stft", {}, 1e18, 1e15),
        ("mfcc", {}, 1e18, 1e15),
        ("spectral_flatness", {}, 1e18, 1e15),
        ("spectral_flatness", {"power": 4.0}, 1e8, 1e5),
        # magnitudes: 1e18 is fine (|X| stays far below float32's range)
        ("melspectrogram", {"power": 1.0}, 1e35, 1e18),
        ("spectral_flatness", {"power": 1.0}, 1e35, 1e18),
    ],
)
def test_loud_float64_audio_is_refused_not_garbage(feature, kw, loud, fine):
    # float64 samples of 1e18 are within float32's range, and librosa's float64 spectrogram is
    # finite, but genrefx's float32 |X| ** power overflowed: inf mel, NaN chroma, finite but
    # 2 % wrong mfcc, NaN flatness (power 4 from ~1e8). Audio that could overflow is now a
    # ParameterError naming y; audio under the bound (the power's root of float32's range)
    # matches librosa.
    import librosa
    import numpy as np

    import genrefx

    y = np.random.RandomState(5).randn(4000)
    with pytest.raises(genrefx.ParameterError, match=r"^y: float64 audio"):
        getattr(genrefx.feature, feature)(y=y * loud, **kw)
    got = getattr(genrefx.feature, feature)(y=y * fine, **kw)
    ref = getattr(librosa.feature, feature)(y=y * fine, **kw)
    assert np.abs(got - ref).max() <= 1e-4 * np.abs(ref).max()


@pytest.mark.parametrize("feature", ["stft", "stft64", "rms"])
def test_core_spectral_refuses_signal_only_features(feature):
    # cpp/bindings.cpp "spectral" -> prepare() allocated the "stft" / "rms" outputs (numpy
    # arrays, uninitialized), but run_from_spectrum never writes them: the caller got whatever
    # the allocator held
    import numpy as np

    from genrefx import _core

    S = np.abs(np.random.RandomState(0).randn(2, 257, 10)).astype(np.float32)
    with pytest.raises(ValueError, match=feature):
        _core.spectral(S, {"features": [feature]})


# --- batch inputs ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dangling_symlink", "device_symlink"])
def test_extract_files_special_path_is_not_endless_recursion(tmp_path, kind):
    # python/genrefx/batch/sources.py _expand_one: a path that is neither a folder nor a
    # regular file (a FIFO, a device, a dangling or looping symlink) falls through to
    # glob.glob, which returns the path itself, and _expand_one recurses on it until
    # RecursionError, which escapes extract_files even with errors=[]
    import os

    path = tmp_path / "x.wav"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling_symlink":
        os.symlink(tmp_path / "missing.wav", path)
    else:
        os.symlink("/dev/zero", path)
    proc = _run(
        f"""
        import genrefx.batch as gb
        try:
            gb.extract_files({os.fspath(path)!r}, errors=[])
        except genrefx.ParameterError as e:
            print("RAISED", e)
        """,
        timeout=60,
    )
    said = {"fifo": "is a FIFO", "dangling_symlink": "is a broken symbolic link"}
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert f"RAISED INPUT {os.fspath(path)!r} {said.get(kind, 'is a device')}" in proc.stdout


def test_extract_files_folder_with_fifo_does_not_hang(tmp_path):
    # a FIFO named *.wav found in a folder is listed as audio, and opening it blocks forever
    # (batch/sources.py open_source via batch/audio.py _decoding); it should be a failed input
    import os

    import numpy as np
    import soundfile as sf

    sf.write(tmp_path / "good.wav", np.zeros(22050, np.float32), 22050)
    os.mkfifo(tmp_path / "pipe.wav")
    try:
        proc = _run(
            f"""
            import genrefx.batch as gb
            errs = []
            t = gb.extract_files({os.fspath(tmp_path)!r}, errors=errs)
            assert t.num_rows == 1, t.num_rows
            assert len(errs) == 1 and errs[0][0].endswith("pipe.wav"), errs
            print("OK")
            """,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("extract_files hung on a FIFO in the input folder")
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert "OK" in proc.stdout, proc.stderr[-1500:]
