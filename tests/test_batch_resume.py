"""Crash safety of ``genrefx batch-extract``: a run killed with SIGKILL (``kill -9``) is
finished by the same command with ``--resume``, committed shards are not redone, and the
final table holds every input exactly once; a mismatched ``--resume`` is a usage error."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from batch_fixtures import (
    batch_command,
    errors_path,
    feature_matrix,
    parts_dirs,
    read_errors,
    read_table,
    run,
    shard_files,
)
from batch_fixtures import write_clip as write
from genrefx.batch import extract_files

N_FILES = 12
# many short windows per file make each one-input shard take a noticeable time (~0.1-0.2 s)
# without long audio, so that the run can be caught between two shards
SEGMENTS = ["--segment", "0.05", "--segment-hop", "0.025"]
N_SEGMENTS = 79  # whole 0.05 s windows every 0.025 s in 2 s


def command(inputs, out, *extra):
    return batch_command(inputs, out, "--shard-size", "1", *SEGMENTS, *extra)


def kill_mid_run(argv, out, log, timeout=60.0):
    """Start ``python -m genrefx <argv>``, SIGKILL it once >= 2 shards are committed."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "genrefx", *argv],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
        deadline = time.monotonic() + timeout
        try:
            while proc.poll() is None and len(shard_files(out)) < 2:
                if time.monotonic() > deadline:
                    pytest.fail(f"no 2 shards after {timeout} s: {log.read_text()}")
                time.sleep(0.002)
            finished = proc.poll() is not None
            proc.kill()  # SIGKILL, as kill -9
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
    if finished:
        pytest.fail(
            f"the run finished (exit {proc.returncode}) before it could be killed; make each "
            f"shard slower. stderr: {log.read_text()[-2000:]}"
        )
    return proc.returncode


@pytest.fixture
def inputs(tmp_path):
    d = tmp_path / "in"
    return d, [write(d / f"c{i:02d}.wav", 2.0, 22050, seed=i) for i in range(N_FILES)]


def test_resume_after_kill_9(tmp_path, inputs):
    folder, files = inputs
    out = tmp_path / "out.parquet"
    code = kill_mid_run(command([folder], out), out, tmp_path / "stderr.txt")
    assert code == -9

    # the interrupted state: no output yet, some but not all shards committed
    assert not out.exists()
    shards = shard_files(out)
    assert 2 <= len(shards) < N_FILES, shards
    committed_rows = {}  # (path, segment) -> feature values, as the shards committed them
    for shard in shards:
        with np.load(shard, allow_pickle=False) as z:
            for p, seg, values in zip(z["path"], z["segment"], z["values"], strict=True):
                committed_rows[(str(p), int(seg))] = values
    committed_paths = {p for p, _ in committed_rows}
    assert 2 <= len(committed_paths) < N_FILES

    # an interrupted run is not silently restarted or mixed with other inputs / options
    assert run(*command([folder], out)) == 2  # neither --resume nor --overwrite
    assert run(*command(files[:5], out, "--resume")) == 2  # other inputs
    assert run(*command([folder], out, "--resume", "--sr", "16000")) == 2  # other options
    assert not out.exists()
    assert shard_files(out) == shards

    # Committed shards must not be decoded again: spoil their inputs. If the resumed run
    # re-read them, they would become errors (and the exit status 3).
    for path in committed_paths:
        with open(path, "wb") as f:
            f.write(b"spoiled after its shard was committed")

    assert run(*command([folder], out, "--resume")) == 0
    assert parts_dirs(out) == []
    assert read_errors(out) == []
    table = read_table(out)

    # every input exactly once: all its segments, each once, nothing else
    segments = defaultdict(list)
    paths = table.column("path").to_pylist()
    for path, segment in zip(paths, table.column("segment").to_pylist(), strict=True):
        segments[path].append(segment)
    assert sorted(segments) == sorted(files)
    for path, got in segments.items():
        assert sorted(got) == list(range(N_SEGMENTS)), path
    assert table.num_rows == N_FILES * N_SEGMENTS

    # the committed rows are kept as they were, the others are computed afresh
    kept = table.filter(pc.is_in(table.column("path"), pa.array(sorted(committed_paths))))
    assert kept.num_rows == len(committed_rows)
    kept_values = feature_matrix(kept)
    for i, (p, seg) in enumerate(
        zip(kept.column("path").to_pylist(), kept.column("segment").to_pylist(), strict=True)
    ):
        np.testing.assert_array_equal(kept_values[i], committed_rows[(p, seg)])
    fresh = sorted(set(files) - committed_paths)[-1]
    ref = extract_files([fresh], segment=0.05, segment_hop=0.025)
    got = table.filter(pc.equal(table.column("path"), fresh))
    assert got.equals(ref)


def test_parts_of_another_run_block_a_new_run(tmp_path, inputs):
    """A leftover OUT.parts is an interrupted run: a new run needs --resume or --overwrite."""
    folder, files = inputs
    out = tmp_path / "out.parquet"
    kill_mid_run(command([folder], out), out, tmp_path / "stderr.txt")
    shards = shard_files(out)
    assert shards
    assert run(*command([folder], out, "--features", "rms")) == 2
    assert shard_files(out) == shards
    # --overwrite starts from scratch with the new options
    assert run(*command(files[:2], out, "--overwrite", "--features", "rms")) == 0
    table = read_table(out)
    assert table.column_names[6:] == [
        f"rms_{s}" for s in ("mean", "std", "skew", "kurtosis", "median", "min", "max")
    ]
    assert sorted(set(table.column("path").to_pylist())) == files[:2]
    assert np.isfinite(table.column("rms_mean").to_numpy()).all()
    assert parts_dirs(out) == []
    assert os.path.exists(errors_path(out))


def _covered(table: pa.Table, paths) -> float:
    """Seconds of audio that the table's rows of ``paths`` cover (overlaps counted once)."""
    total = 0.0
    for path in paths:
        rows = table.filter(pc.equal(table.column("path"), path))
        starts = rows.column("start").to_pylist()
        spans = sorted(zip(starts, rows.column("duration").to_pylist(), strict=True))
        end = -np.inf
        for start, length in spans:
            if start + length > end:
                total += start + length - max(start, end)
                end = start + length
    return total


def test_resume_reports_the_audio_it_extracted(tmp_path, monkeypatch):
    """A resumed run's result counts the whole table's audio and, apart, its own; overlapping
    segments count their audio once (not once per segment)."""
    from genrefx.batch import BatchOptions, run_batch, runner

    folder = tmp_path / "in"
    files = [write(folder / f"c{i}.wav", 1.0 + 0.2 * i, 22050, seed=i) for i in range(4)]
    out = tmp_path / "out.parquet"
    options = BatchOptions(segment=0.4, segment_hop=0.2, features=["rms"], stats=["mean"])

    def killed(*args, **kwargs):
        raise RuntimeError("killed before the merge")

    with monkeypatch.context() as m:  # every shard committed, then the run dies
        m.setattr(runner, "_merge", killed)
        with pytest.raises(RuntimeError, match="killed"):
            run_batch([folder], out, options, workers=1, shard_size=1)
    shards = shard_files(out)
    assert len(shards) == len(files)
    redone = []
    for shard in shards[1::2]:  # as if the kill came before these shards' commits
        with np.load(shard, allow_pickle=False) as z:
            redone.append(str(z["path"][0]))
        os.remove(shard)

    result = run_batch([folder], out, options, workers=1, shard_size=1, resume=True)
    table = read_table(out)
    assert result.n_ok == len(files)
    assert result.audio_seconds == pytest.approx(_covered(table, files), abs=1e-9)
    assert result.run_audio_seconds == pytest.approx(_covered(table, redone), abs=1e-9)
    # overlapping 0.4-s windows every 0.2 s, which tile each clip: its audio once, not the
    # windows' sum
    assert result.audio_seconds == pytest.approx(sum(1.0 + 0.2 * i for i in range(4)), abs=1e-9)
    assert sum(table.column("duration").to_pylist()) > 1.5 * result.audio_seconds


def test_summary_gives_the_speed_of_this_run(tmp_path, monkeypatch, capsys):
    from genrefx.batch import BatchResult
    from genrefx.batch import command as batch_command_module

    def result(run_audio):
        return BatchResult(
            output=str(tmp_path / "o.parquet"),
            errors_path=str(tmp_path / "o.errors.csv"),
            n_inputs=3,
            n_ok=3,
            n_failed=0,
            n_rows=3,
            audio_seconds=3600.0,
            wall_seconds=10.0,
            run_audio_seconds=run_audio,
        )

    for run_audio, expected in [
        (3600.0, "1.000 h of audio in 10.0 s (360x real time)"),
        (1800.0, "1.000 h of audio (0.500 h in this run) in 10.0 s (180x real time)"),
    ]:
        fake = lambda *args, r=run_audio, **kwargs: result(r)  # noqa: E731
        monkeypatch.setattr(batch_command_module, "run_batch", fake)
        assert run("batch-extract", tmp_path, "-o", tmp_path / "o.parquet") == 0
        assert expected in capsys.readouterr().out
