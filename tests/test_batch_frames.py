"""``--save-frames DIR --frames ...``: frame-level arrays beside the table, and glob inputs."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest

import genrefx
from batch_fixtures import FAST, run, write_clip
from genrefx.batch import load
from genrefx.batch.sources import Source, expand_inputs


def test_save_frames_writes_one_array_per_track_and_name(tmp_path):
    a = write_clip(tmp_path / "a.wav", 1.5, seed=1)
    write_clip(tmp_path / "b.flac", 1.0, seed=2)
    out, frames = tmp_path / "out.parquet", tmp_path / "frames"
    code = run(
        "batch-extract",
        str(tmp_path),
        "-o",
        str(out),
        "--save-frames",
        str(frames),
        "--frames",
        "mel,mfcc",
        "-q",
        *FAST,
    )
    assert code == 0
    mel = sorted(glob.glob(str(frames / "*.mel.npy")))
    mfcc = sorted(glob.glob(str(frames / "*.mfcc.npy")))
    assert len(mel) == 2
    assert len(mfcc) == 2
    # the arrays are genrefx's own features of librosa.load's samples (mel in dB), from the
    # same extract call as the table's (its centroid makes that call's FFT float64)
    y, sr = load(Source("", a))
    ref = genrefx.extract(y, sr, ["mfcc", "rms", "spectral_centroid", "melspectrogram"])
    got_mel = np.load(next(p for p in mel if os.path.basename(p).startswith("a.wav")))
    got_mfcc = np.load(next(p for p in mfcc if os.path.basename(p).startswith("a.wav")))
    assert got_mel.dtype == np.float32
    assert got_mel.shape == ref["melspectrogram"].shape
    np.testing.assert_allclose(got_mel, genrefx.power_to_db(ref["melspectrogram"]), atol=1e-4)
    np.testing.assert_array_equal(got_mfcc, ref["mfcc"])


def test_save_frames_per_segment(tmp_path):
    write_clip(tmp_path / "a.wav", 3.0, seed=3)
    frames = tmp_path / "frames"
    code = run(
        "batch-extract",
        str(tmp_path / "a.wav"),
        "-o",
        str(tmp_path / "o.parquet"),
        "--segment",
        "1",
        "--save-frames",
        str(frames),
        "--frames",
        "rms",
        "-q",
        *FAST,
    )
    assert code == 0
    names = sorted(os.listdir(frames))
    assert [n.split(".")[-3] for n in names] == ["seg0000", "seg0001", "seg0002"]


@pytest.mark.parametrize("args", [["--frames", "mel"], ["--frames", "nope", "--save-frames", "x"]])
def test_frames_options_must_be_valid(tmp_path, args, capsys):
    write_clip(tmp_path / "a.wav", 1.0)
    code = run("batch-extract", str(tmp_path / "a.wav"), "-o", str(tmp_path / "o.parquet"), *args)
    assert code == 2
    assert "frames" in capsys.readouterr().err


def test_glob_skips_non_audio_but_named_files_are_tried(tmp_path):
    write_clip(tmp_path / "a.wav", 1.0)
    (tmp_path / "notes.txt").write_text("not audio")
    found = expand_inputs([str(tmp_path / "*")])
    assert [os.path.basename(s.member) for s in found] == ["a.wav"]
    named = expand_inputs([str(tmp_path / "notes.txt")])
    assert [os.path.basename(s.member) for s in named] == ["notes.txt"]


def test_list_file_entries_are_relative_to_the_list(tmp_path, monkeypatch):
    sub = tmp_path / "sub"
    sub.mkdir()
    write_clip(sub / "a.wav", 1.0)
    (sub / "list.txt").write_text("a.wav\n")
    monkeypatch.chdir(tmp_path)
    found = expand_inputs(["@sub/list.txt"])
    assert [os.path.basename(s.member) for s in found] == ["a.wav"]


def test_save_frames_of_constant_q_features(tmp_path):
    """chroma_cqt / chroma_cens / tonnetz are frame-level features too (tempo is not)."""
    a = write_clip(tmp_path / "a.wav", 2.0, seed=4)
    frames = tmp_path / "frames"
    out = str(tmp_path / "out.parquet")
    args = ["batch-extract", a, "-o", out, "--features", "rms", "--stats", "mean", "-q"]
    assert run(*args, "--save-frames", str(frames), "--frames", "chroma_cqt,tonnetz") == 0
    y, sr = load(Source("", a))
    ref = genrefx.extract(y, sr, ["chroma_cqt", "tonnetz"])
    for name in ("chroma_cqt", "tonnetz"):
        (path,) = glob.glob(str(frames / f"*.{name}.npy"))
        np.testing.assert_allclose(np.load(path), ref[name], rtol=0, atol=1e-6)
    assert run(*args, "--overwrite", "--save-frames", str(frames), "--frames", "tempo") == 2
