"""Outputs of ``genrefx batch-extract``: an existing OUT is kept unless ``--overwrite``,
``--format csv``, ``--workers`` does not change the table, and ``--demo``."""

from __future__ import annotations

import os
import pathlib
import re
import shutil

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from batch_fixtures import (
    FAST,
    META_COLUMNS,
    errors_path,
    feature_matrix,
    librosa_load,
    parts_dirs,
    read_errors,
    read_table,
    run,
    sort_table,
    write_clip,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs") / "music"
    for i in range(6):
        ext = ("wav", "flac", "ogg")[i % 3]
        write_clip(d / f"track {i}.{ext}", 1.0 + 0.25 * i, (22050, 44100, 16000)[i % 3], seed=i)
    (d / "broken.wav").write_bytes(b"definitely not audio")
    return d


STATS7 = ["mean", "std", "skew", "kurtosis", "median", "min", "max"]


def extract(folder, out, *options):
    return run("batch-extract", folder, "-o", out, "-q", *FAST, *options)


def test_existing_output_is_kept_without_overwrite(folder, tmp_path, capsys):
    out = tmp_path / "out.parquet"
    assert extract(folder, out, "--workers", "1") == 3
    before = out.read_bytes()
    errors_before = pathlib.Path(errors_path(out)).read_bytes()
    mtime = os.stat(out).st_mtime_ns
    capsys.readouterr()

    assert extract(folder, out, "--workers", "1") == 2
    assert "exists" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert os.stat(out).st_mtime_ns == mtime
    assert pathlib.Path(errors_path(out)).read_bytes() == errors_before
    assert parts_dirs(out) == []


def test_overwrite_replaces_the_output(folder, tmp_path):
    out = tmp_path / "out.parquet"
    assert extract(folder, out, "--workers", "1") == 3
    old = read_table(out)
    good = write_clip(tmp_path / "only.wav", 1.0, seed=99)
    code = run("batch-extract", good, "-o", out, "-q", "--overwrite", "--features", "rms")
    assert code == 0
    new = read_table(out)
    assert new.column("path").to_pylist() == [good]
    assert new.column_names == [*META_COLUMNS, *(f"rms_{s}" for s in STATS7)]
    assert new.num_rows != old.num_rows
    assert read_errors(out) == []  # the old run's errors are gone too
    assert parts_dirs(out) == []


def test_csv_output_matches_parquet(folder, tmp_path):
    pq_out = tmp_path / "t.parquet"
    assert extract(folder, pq_out, "--workers", "1") == 3
    ref = read_table(pq_out)

    for out, options in [
        (tmp_path / "t.csv", ()),  # the format follows the extension
        (tmp_path / "t2.table", ("--format", "csv")),
    ]:
        assert extract(folder, out, "--workers", "1", *options) == 3
        with open(out, encoding="utf-8") as f:
            header = f.readline().strip()
        assert header.replace('"', "").split(",") == ref.column_names
        table = pacsv.read_csv(out)
        assert table.column_names == ref.column_names
        assert table.num_rows == ref.num_rows
        assert table.column("path").to_pylist() == ref.column("path").to_pylist()
        for name in ("segment", "sr", "n_frames"):
            assert table.column(name).to_pylist() == ref.column(name).to_pylist()
        np.testing.assert_allclose(
            table.column("duration").to_numpy(), ref.column("duration").to_numpy(), rtol=1e-12
        )
        got = feature_matrix(table.cast(pa.schema([*table.schema])))
        np.testing.assert_array_equal(got.astype(np.float32), feature_matrix(ref))
        assert [e["path"] for e in read_errors(out)] == [str(folder / "broken.wav")]


def test_workers_do_not_change_the_table(folder, tmp_path):
    one, two = tmp_path / "one.parquet", tmp_path / "two.parquet"
    assert extract(folder, one, "--workers", "1", "--shard-size", "2") == 3
    assert extract(folder, two, "--workers", "2", "--shard-size", "2") == 3
    a, b = read_table(one), read_table(two)
    assert a.num_rows == 6
    assert sort_table(b).equals(sort_table(a))
    assert read_errors(one) == read_errors(two)


def test_native_rate_offset_and_duration(folder, tmp_path):
    out = tmp_path / "native.parquet"
    options = ["--sr", "native", "--offset", "0.25", "--duration", "0.5", "--workers", "1"]
    assert extract(folder, out, *options) == 3
    table = read_table(out)
    rates = {r["path"]: r["sr"] for r in table.select(["path", "sr"]).to_pylist()}
    assert rates == {
        str(folder / f"track {i}.{('wav', 'flac', 'ogg')[i % 3]}"): (22050, 44100, 16000)[i % 3]
        for i in range(6)
    }
    for row in table.select(["path", "sr", "duration", "n_frames"]).to_pylist():
        y, sr = librosa_load(row["path"], sr=None, offset=0.25, duration=0.5)
        assert row["sr"] == sr
        assert row["duration"] == pytest.approx(y.size / sr, abs=1e-12)
        assert row["duration"] == pytest.approx(0.5, abs=1.5 / sr)
        assert row["n_frames"] == 1 + y.size // 512


def test_resume_of_a_finished_run_is_a_usage_error(folder, tmp_path):
    out = tmp_path / "done.parquet"
    assert extract(folder, out, "--workers", "1") == 3
    before = out.read_bytes()
    assert extract(folder, out, "--workers", "1", "--resume") == 2
    assert out.read_bytes() == before


def test_demo(capsys):
    assert run("batch-extract", "--demo", "--workers", "2") == 0
    stdout = capsys.readouterr().out
    summary = re.search(
        r"genrefx batch-extract: (\d+) ok, (\d+) failed of (\d+) inputs, (\d+) rows", stdout
    )
    assert summary, stdout
    ok, failed, total, rows = map(int, summary.groups())
    assert failed == 0
    assert ok == total == rows > 0
    assert "mfcc_mean_01=" in stdout
    # the table it names is there to be read after the run (it was in a deleted temp folder)
    table = re.search(r"-> (\S+demo\.parquet)", stdout).group(1)
    try:
        assert pq.read_table(table).num_rows == rows
    finally:
        shutil.rmtree(os.path.dirname(table), ignore_errors=True)
