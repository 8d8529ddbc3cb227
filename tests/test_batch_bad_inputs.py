"""Bad inputs never stop a ``genrefx batch-extract`` run: each one gets a clear row in
``OUT.errors.csv`` (path, error, message), the exit status is 3, and every good input still
gets its row. Degenerate but valid audio (silence, fewer samples than one frame) gives a valid
row with finite statistics.
"""

from __future__ import annotations

import struct
import zipfile

import numpy as np
import pytest
import soundfile as sf

from batch_fixtures import (
    META_COLUMNS,
    errors_path,
    feature_matrix,
    read_errors,
    read_table,
    run,
    write_clip,
)


def wav_with_format_tag(tag: int, n: int = 2000) -> bytes:
    """A well-formed RIFF/WAVE file whose codec (format tag) is ``tag``."""
    data = np.random.default_rng(5).integers(-3000, 3000, n).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHHH", tag, 1, 22050, 44100, 2, 16, 0)  # with cbSize = 0
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    """One CLI run over good files, broken files and degenerate audio."""
    base = tmp_path_factory.mktemp("bad")
    d = base / "in"
    rng = np.random.default_rng(42)
    good = [write_clip(d / "good1.wav", 1.0, seed=1), write_clip(d / "good2.flac", 1.0, seed=2)]
    whole = (d / "good1.wav").read_bytes()
    broken = {
        "corrupt": d / "corrupt.wav",
        "empty": d / "empty.wav",
        "text-mp3": d / "lyrics.mp3",
        "unsupported": d / "unknown codec.wav",
        "header-only": d / "header only.wav",
    }
    broken["corrupt"].write_bytes(rng.bytes(4000))
    broken["empty"].write_bytes(b"")
    broken["text-mp3"].write_text("This is not an MP3 file.\n" * 40, encoding="utf-8")
    broken["unsupported"].write_bytes(wav_with_format_tag(0x1234))
    broken["header-only"].write_bytes(whole[:30])
    # truncated: the header promises twice the data that is there
    truncated = d / "truncated.wav"
    truncated.write_bytes(whole[: 44 + (len(whole) - 44) // 2])
    # an archive with one good and one garbage member
    archive = d / "pack.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(good[0], arcname="fine.wav")
        zf.writestr("garbage.wav", rng.bytes(3000))
    # degenerate but valid audio
    silent = d / "silent.wav"
    sf.write(silent, np.zeros(22050, np.float32), 22050, subtype="PCM_16")
    tiny = d / "tiny.wav"
    sf.write(tiny, np.random.default_rng(7).uniform(-0.5, 0.5, 100).astype(np.float32), 22050)
    single = d / "one sample.wav"
    sf.write(single, np.array([0.25], np.float32), 22050)
    # a non-audio file named explicitly on the command line (a directory scan would skip it)
    notes = base / "notes.xyz"
    notes.write_bytes(b"plain text, no audio here\n")

    out = base / "table.parquet"
    code = run("batch-extract", d, notes, "-o", out, "--workers", "1", "-q")
    return {
        "code": code,
        "out": out,
        "good": good,
        "broken": {k: str(v) for k, v in broken.items()},
        "truncated": str(truncated),
        "archive": str(archive),
        "silent": str(silent),
        "tiny": str(tiny),
        "single": str(single),
        "notes": str(notes),
    }


def test_exit_status_is_3_when_some_inputs_fail(bad_run):
    assert bad_run["code"] == 3


def test_every_bad_input_has_one_clear_error_row(bad_run):
    errors = read_errors(bad_run["out"])
    by_path = {}
    for e in errors:
        assert e["path"] not in by_path, f"{e['path']} reported twice"
        by_path[e["path"]] = e
    expected = [
        *bad_run["broken"].values(),
        f"{bad_run['archive']}::garbage.wav",
        bad_run["notes"],
    ]
    for path in expected:
        assert path in by_path, f"no error row for {path}; errors: {errors}"
        row = by_path[path]
        assert row["error"] == "decode", row
        assert len(row["message"]) > 10, row
    table = read_table(bad_run["out"])
    failed = set(by_path)
    assert failed.isdisjoint(table.column("path").to_pylist())


def test_good_inputs_still_get_rows(bad_run):
    table = read_table(bad_run["out"])
    paths = table.column("path").to_pylist()
    for path in [*bad_run["good"], f"{bad_run['archive']}::fine.wav"]:
        assert paths.count(path) == 1, path
    # every input is accounted for exactly once: a row or an error
    errors = [e["path"] for e in read_errors(bad_run["out"])]
    assert len(paths) + len(errors) == len(set(paths) | set(errors))


def test_truncated_file_gives_a_row_or_an_error(bad_run):
    table = read_table(bad_run["out"])
    errors = [e["path"] for e in read_errors(bad_run["out"])]
    path = bad_run["truncated"]
    rows = [r for r in table.to_pylist() if r["path"] == path]
    assert (len(rows), errors.count(path)) in ((1, 0), (0, 1))
    if rows:
        n = sf.info(bad_run["good"][0]).frames
        assert 0 < rows[0]["duration"] < n / 22050
        assert all(np.isfinite(v) for k, v in rows[0].items() if k not in META_COLUMNS)


@pytest.mark.parametrize("which", ["silent", "tiny", "single"])
def test_degenerate_audio_gives_a_finite_row(bad_run, which):
    table = read_table(bad_run["out"])
    paths = table.column("path").to_pylist()
    assert paths.count(bad_run[which]) == 1
    i = paths.index(bad_run[which])
    row = table.slice(i, 1)
    values = feature_matrix(row)
    assert values.shape[1] > 0
    assert np.isfinite(values).all(), [
        n for n, v in zip(row.column_names[6:], values[0], strict=True) if not np.isfinite(v)
    ]
    meta = row.to_pylist()[0]
    n = {"silent": 22050, "tiny": 100, "single": 1}[which]
    assert meta["n_frames"] == 1 + n // 512
    assert meta["duration"] == pytest.approx(n / 22050)
    if which == "silent":
        assert row.column("rms_max")[0].as_py() == 0.0
        assert row.column("zero_crossing_rate_mean")[0].as_py() == 0.0
        for stat in ("std", "skew", "kurtosis"):
            assert row.column(f"spectral_centroid_{stat}")[0].as_py() == 0.0


def test_all_inputs_failing_still_writes_an_empty_table(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    out = tmp_path / "out.parquet"
    assert run("batch-extract", bad, "-o", out, "-q", "--features", "rms") == 3
    table = read_table(out)
    assert table.num_rows == 0
    assert table.column_names[:6] == META_COLUMNS
    assert [e["path"] for e in read_errors(out)] == [str(bad)]


def test_all_good_gives_exit_0_and_an_empty_errors_file(tmp_path):
    good = write_clip(tmp_path / "ok.wav", 1.0)
    out = tmp_path / "out.parquet"
    assert run("batch-extract", good, "-o", out, "-q", "--features", "rms") == 0
    assert read_errors(out) == []
    assert errors_path(out) == str(tmp_path / "out.errors.csv")
