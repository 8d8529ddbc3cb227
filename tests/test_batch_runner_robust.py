"""Robustness of ``genrefx batch-extract``'s runner: file names that are not UTF-8, ``--overwrite``
that keeps the old table until the new one is complete, crashes during the final cleanup,
workers that end with a killed run, options and output locations checked up front, the
progress rate of a resumed run, and one path or feature name given as a plain string."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import time
import types
import zipfile

import numpy as np
import pyarrow.parquet as pq
import pytest

import genrefx.batch.runner as runner
from batch_fixtures import (
    FAST,
    batch_command,
    errors_path,
    parts_dirs,
    read_errors,
    read_table,
    run,
    shard_files,
    write_clip,
)
from genrefx.batch import BatchOptions, Source, extract_files
from genrefx.batch.features import rows_to_table
from genrefx.exceptions import ParameterError

N_FILES = 4


def command(inputs, out, *extra):
    return batch_command(inputs, out, *FAST, *extra)


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "in"
    for i in range(N_FILES):
        write_clip(d / f"c{i}.wav", 0.5, 22050, seed=i)
    return d


def input_paths(folder) -> list[str]:
    return sorted(str(folder / f"c{i}.wav") for i in range(N_FILES))


def crash_at_merge(monkeypatch, argv):
    """Run ``argv`` in this process and fail it when the shards are merged (all committed)."""

    def boom(rows, options):
        raise RuntimeError("simulated crash at the merge")

    with monkeypatch.context() as m:
        m.setattr(runner, "rows_to_table", boom)
        with pytest.raises(RuntimeError, match="simulated crash"):
            run(*argv)


def leftovers(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if ".trash-" in n or ".new-" in n)


# --- 1. file names that are not UTF-8 --------------------------------------------------------


@pytest.fixture
def latin1_folder(tmp_path):
    """A folder with ``b"caf\\xe9.wav"`` (audio) and ``b"bad\\xff.wav"`` (not audio)."""
    d = tmp_path / "latin1"
    good = write_clip(d / "cafe.wav", 0.5, 22050, seed=1)
    (d / "bad.wav").write_bytes(b"not audio")
    try:
        os.rename(os.fsencode(good), os.fsencode(d) + b"/caf\xe9.wav")
        os.rename(os.fsencode(d / "bad.wav"), os.fsencode(d) + b"/bad\xff.wav")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    return d


def test_utf8_text_escapes_undecodable_bytes():
    from genrefx.batch.features import utf8_text

    assert utf8_text(os.fsdecode(b"caf\xe9.wav")) == "caf\\xe9.wav"
    assert utf8_text("plain é ü.wav") == "plain é ü.wav"
    assert utf8_text("lone \ud800") == "lone \\ud800"


def test_table_and_errors_of_non_utf8_names(latin1_folder, tmp_path):
    out = tmp_path / "out.parquet"
    assert run(*command([latin1_folder], out)) == 3
    assert read_table(out).column("path").to_pylist() == [f"{latin1_folder}/caf\\xe9.wav"]
    errors = read_errors(out)  # read as UTF-8
    assert [e["path"] for e in errors] == [f"{latin1_folder}/bad\\xff.wav"]
    assert parts_dirs(out) == []


def test_resume_merges_shards_of_non_utf8_names(latin1_folder, tmp_path, monkeypatch):
    out = tmp_path / "out.parquet"
    argv = command([latin1_folder], out, "--shard-size", "1")
    crash_at_merge(monkeypatch, argv)
    assert len(shard_files(out)) == 2
    assert run(*argv, "--resume") == 3
    assert read_table(out).column("path").to_pylist() == [f"{latin1_folder}/caf\\xe9.wav"]
    assert parts_dirs(out) == []


def test_extract_files_of_non_utf8_names(latin1_folder):
    errors = []
    table = extract_files([latin1_folder], errors=errors, features="rms")
    assert table.column("path").to_pylist() == [f"{latin1_folder}/caf\\xe9.wav"]
    assert [e[0] for e in errors] == [f"{latin1_folder}/bad\\xff.wav"]
    for error in errors:
        "".join(error).encode("utf-8")  # valid text


def test_rows_with_escaped_names_become_a_valid_table():
    """Rows (or shards of older versions) holding surrogate escapes still make a table."""
    options = BatchOptions(features=("rms",), stats=("mean",))
    row = {"meta": (os.fsdecode(b"/x/caf\xe9.wav"), 0, 0.0, 1.0, 22050, 44), "values": [0.5]}
    row["values"] = np.array(row["values"], np.float32)
    table = rows_to_table([row], options)
    assert table.column("path").to_pylist() == ["/x/caf\\xe9.wav"]


# --- 2. --overwrite keeps the old output until the new one is complete -----------------------


def test_overwrite_with_a_missing_input_keeps_the_old_output(folder, tmp_path):
    out = tmp_path / "out.parquet"
    assert run(*command([folder], out)) == 0
    errors = tmp_path / "out.errors.csv"
    assert str(errors) == errors_path(out)
    old_table, old_errors = out.read_bytes(), errors.read_bytes()
    assert run(*command([tmp_path / "typo.wav"], out, "--overwrite")) == 2
    assert out.read_bytes() == old_table
    assert errors.read_bytes() == old_errors


def test_overwrite_replaces_the_old_output_only_at_the_end(folder, tmp_path, monkeypatch):
    out = tmp_path / "out.parquet"
    assert run(*command([folder], out)) == 0
    old = out.read_bytes()
    argv = command([folder / "c0.wav"], out, "--overwrite")
    crash_at_merge(monkeypatch, argv)
    assert out.read_bytes() == old  # a failed --overwrite run leaves the old table
    assert run(*command([folder / "c0.wav"], out, "--resume")) == 0
    assert read_table(out).column("path").to_pylist() == [str(folder / "c0.wav")]


# --- 3. crashes during the final cleanup ---------------------------------------------------------

CRASH_IN_CLEANUP = """
import os, sys
import genrefx.batch.runner as r
from genrefx.batch import BatchOptions

def rmtree(path, ignore_errors=False):  # killed halfway through deleting the parts folder
    names = sorted(os.listdir(path))
    for name in names[: len(names) // 2 + 1]:
        os.remove(os.path.join(path, name))
    os._exit(9)

r.shutil.rmtree = rmtree
options = BatchOptions(features=("mfcc", "rms", "spectral_centroid"), stats=("mean", "std", "max"))
r.run_batch([sys.argv[1]], sys.argv[2], options, workers=1, shard_size=1)
"""


def test_kill_during_cleanup_leaves_a_finished_run(folder, tmp_path):
    out = tmp_path / "out.parquet"
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_IN_CLEANUP, str(folder), str(out)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 9, proc.stderr.decode()[-2000:]
    # the output is complete and no half-deleted interrupted run is left
    assert parts_dirs(out) == []
    assert sorted(read_table(out).column("path").to_pylist()) == input_paths(folder)
    assert read_errors(out) == []
    assert leftovers(tmp_path)
    # the next run, even one that stops at once (already complete), removes the crash's trash
    assert run(*command([folder], out, "--resume")) == 2
    assert leftovers(tmp_path) == []
    assert run(*command([folder], out, "--overwrite")) == 0


def test_resume_never_uses_shards_without_a_manifest(folder, tmp_path, monkeypatch):
    out = tmp_path / "out.parquet"
    crash_at_merge(monkeypatch, command([folder], out, "--shard-size", "1"))
    os.remove(os.path.join(parts_dirs(out)[0], "manifest.json"))
    other = ["--features", "rms", "--stats", "mean", "--shard-size", "1", "--resume"]
    argv = ["batch-extract", str(folder), "-o", str(out), "-q", "--workers", "1", *other]
    assert run(*argv) == 0
    table = read_table(out).sort_by("path")
    assert table.column_names[6:] == ["rms_mean"]
    assert table.column("path").to_pylist() == input_paths(folder)
    ref = extract_files(input_paths(folder), features=["rms"], stats=["mean"])
    np.testing.assert_array_equal(table.column("rms_mean"), ref.column("rms_mean"))


def test_shard_of_an_older_version_without_its_errors_is_redone(folder, tmp_path, monkeypatch):
    """Shards written apart as ``.npz`` + ``.errors.json`` (older genrefx) still merge; one whose
    ``.errors.json`` a crash deleted is processed again."""
    out = tmp_path / "out.parquet"
    argv = command([folder], out, "--shard-size", "1")
    crash_at_merge(monkeypatch, argv)
    shards = shard_files(out)
    assert len(shards) == N_FILES
    for i, shard in enumerate(shards):  # rewrite each in the older layout
        with np.load(shard) as z:
            arrays = {k: z[k] for k in z.files if k != "errors"}
            record = z["errors"].item()
        np.savez(shard, **arrays)
        if i != 1:
            with open(shard[: -len("npz")] + "errors.json", "w", encoding="utf-8") as f:
                f.write(record)
    assert run(*argv, "--resume") == 0
    assert sorted(read_table(out).column("path").to_pylist()) == input_paths(folder)


# --- 4. workers end with a killed run; shard files of their own ---------------------------------


def running(processes) -> list:
    """The psutil ``processes`` still running (a zombie has ended: init reaps it)."""
    import psutil

    alive = []
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
    return alive


def test_workers_exit_when_the_run_is_killed(tmp_path):
    psutil = pytest.importorskip("psutil")
    folder = tmp_path / "in"
    files = [write_clip(folder / f"s{i:02d}.wav", 2.0, 22050, seed=i) for i in range(16)]
    out = tmp_path / "out.parquet"
    # many short windows make each one-input shard take ~0.1-0.2 s
    argv = ["batch-extract", str(folder), "-o", str(out), "-q", "--workers", "2"]
    argv += ["--shard-size", "1", "--segment", "0.05", "--segment-hop", "0.025", *FAST]
    proc = subprocess.Popen(
        [sys.executable, "-m", "genrefx", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = []
    try:
        deadline = time.monotonic() + 60
        while not shard_files(out) and proc.poll() is None:
            assert time.monotonic() < deadline, "no shard committed in 60 s"
            time.sleep(0.005)
        assert proc.poll() is None, "the run finished before it could be killed"
        workers = psutil.Process(proc.pid).children(recursive=True)
        assert workers
        proc.kill()  # SIGKILL, as kill -9
        proc.wait(timeout=30)
        deadline = time.monotonic() + 5
        while running(workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running(workers) == [], "workers left running after the run was killed"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        for p in running(workers):
            p.kill()
    assert run(*argv, "--resume") == 0
    assert sorted(set(read_table(out).column("path").to_pylist())) == files


def test_shard_temporary_files_are_unique_per_process(folder, tmp_path, monkeypatch):
    renamed = []
    replace = os.replace

    def recording(src, dst):
        renamed.append(os.fspath(src))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", recording)
    out = tmp_path / "out.parquet"
    assert run(*command([folder], out, "--shard-size", "1")) == 0
    tmp = [p for p in renamed if os.path.basename(p).startswith("shard-")]
    assert len(tmp) == N_FILES
    assert all(f".{os.getpid()}-" in os.path.basename(p) for p in tmp), tmp


# --- 5. options are checked up front -------------------------------------------------------------

BAD_OPTIONS = [
    ("n_fft", -4),
    ("n_fft", 2048.0),
    ("hop_length", 0),
    ("hop_length", True),
    ("n_fft", 10**9),  # its FFT plan alone would take tens of GB
    ("hop_length", 2**23),
    ("n_mels", 0),
    ("n_mfcc", -1),
    ("n_chroma", 0),
    ("n_bands", False),
    ("offset", float("nan")),
    ("offset", -1.0),
    ("offset", float("inf")),
    ("duration", float("inf")),
    ("duration", 0.0),
    ("segment", float("inf")),
    ("segment", float("nan")),
    ("sr", True),
    ("sr", 16000.5),
    ("sr", float("inf")),
    ("sr", 0),
]


@pytest.mark.parametrize(("name", "value"), BAD_OPTIONS)
def test_bad_options_are_rejected(name, value):
    with pytest.raises(ParameterError, match=name):
        BatchOptions(**{name: value})


def test_bad_segment_hop_is_rejected():
    for hop in (float("inf"), 0.0, -1.0):
        with pytest.raises(ParameterError, match="segment_hop"):
            BatchOptions(segment=1.0, segment_hop=hop)


def test_rates_as_numpy_integers_and_whole_floats():
    assert BatchOptions(sr=np.int64(16000)).sr == 16000
    assert type(BatchOptions(sr=16000.0).sr) is int
    assert type(BatchOptions(n_fft=np.int32(1024)).n_fft) is int
    with pytest.raises(ParameterError, match="sr"):
        extract_files([], sr=True)


@pytest.mark.parametrize(
    ("flag", "value", "name"),
    [
        ("--hop-length", "0", "hop_length"),
        ("--n-fft", "-4", "n_fft"),
        ("--duration", "inf", "duration"),
        ("--segment", "inf", "segment"),
        ("--offset", "nan", "offset"),
        ("--sr", "16000.5", "sr"),
    ],
)
def test_cli_bad_options_are_usage_errors(folder, tmp_path, capsys, flag, value, name):
    out = tmp_path / "out.parquet"
    assert run(*command([folder], out, f"{flag}={value}")) == 2
    assert name in capsys.readouterr().err
    assert not out.exists()
    assert parts_dirs(out) == []


def test_cli_rate_as_a_whole_float(folder, tmp_path):
    out = tmp_path / "out.parquet"
    assert run(*command([folder / "c0.wav"], out, "--sr", "16000.0")) == 0
    assert read_table(out).column("sr").to_pylist() == [16000]


# --- 6. output locations are checked up front ----------------------------------------------------


def test_output_below_a_file(folder, tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "afile" / "x.parquet"
    assert run(*command([folder], out)) == 2
    assert "afile" in capsys.readouterr().err


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_output_in_a_folder_without_new_files(folder, capsys):
    assert run(*command([folder], "/proc/x.parquet")) == 2
    assert "/proc/x.parquet" in capsys.readouterr().err


def test_output_is_a_directory(folder, tmp_path, capsys):
    out = tmp_path / "out"
    (out / "inside").mkdir(parents=True)
    assert run(*command([folder], out, "--overwrite")) == 2
    assert str(out) in capsys.readouterr().err
    assert (out / "inside").is_dir()


def test_unreachable_scheduler_leaves_nothing(folder, tmp_path, capsys):
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask.distributed")
    out = tmp_path / "out.parquet"
    argv = command([folder], out, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1")
    with dask.config.set({"distributed.comm.timeouts.connect": "0.5s"}):
        assert run(*argv) == 2
    assert "tcp://127.0.0.1:1" in capsys.readouterr().err
    assert parts_dirs(out) == []
    assert sorted(os.listdir(tmp_path)) == ["in"]


# --- 7. the progress rate of a resumed run ------------------------------------------------------


def test_progress_rate_counts_this_runs_work_only(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(runner.time, "perf_counter", lambda: now[0])
    stream = io.StringIO()
    show = runner.terminal_progress(stream)
    now[0] = 105.0  # the inputs were listed, the shards checked
    show(900, 1000, 0.0)  # done by the interrupted run
    now[0] = 115.0
    show(910, 1000, 36.0)  # 10 inputs in 10 s
    last = stream.getvalue().split("\r")[-1]
    assert "1.0 tracks/s" in last
    assert "ETA 90 s" in last


# --- 8. one path or one feature name as a plain string --------------------------------------------


def test_extract_files_of_one_path_and_one_feature(folder):
    path = str(folder / "c0.wav")
    for given in (path, folder / "c0.wav"):
        table = extract_files(given, features="rms", stats="mean")
        assert table.column("path").to_pylist() == [path]
        assert table.column_names[6:] == ["rms_mean"]
    ref = extract_files([path], features=["rms"], stats=["mean"])
    assert table.equals(ref)


def test_workers_follow_the_run_process_not_pid_1(tmp_path):
    """The pool initializer compares the parent with the run's process id: a run that is
    PID 1 itself (a container without init) is no sign that its workers were orphaned."""
    code = (
        "import os, sys; from genrefx.batch.runner import _exit_with_parent as f; "
        "f(int(sys.argv[1]), poll=0.05); print('alive')"
    )
    ok = subprocess.run([sys.executable, "-c", code, str(os.getpid())], capture_output=True)
    assert ok.returncode == 0
    assert b"alive" in ok.stdout
    gone = subprocess.run([sys.executable, "-c", code, "1"], capture_output=True)
    assert gone.returncode == 1  # another parent than the given one: the run is gone


def test_shards_of_another_run_are_not_taken(folder, tmp_path):
    """A worker of a killed run that outlives it cannot add its shard to a new run in the same
    folder: shards carry the run's id, and a resume keeps the id of the run it resumes."""
    parts = str(tmp_path / "out.parquet.parts")
    manifest = {"version": 1, "inputs": [], "options": {}, "shard_size": 1}
    run_id = runner._prepare_parts(parts, manifest, fresh=False)
    assert runner._prepare_parts(parts, manifest, fresh=False) == run_id  # resumed: same id
    sources = runner._as_sources(input_paths(folder)[:1])
    options = BatchOptions(features=("rms",), stats=("mean",))
    runner._run_shard(0, sources, options, parts, "a-stale-run")
    assert not runner._is_committed(parts, 0, run_id)
    runner._run_shard(0, sources, options, parts, run_id)
    assert runner._is_committed(parts, 0, run_id)
    assert runner._prepare_parts(parts, manifest, fresh=True) != run_id  # --overwrite: new id


def test_extract_files_leaves_no_archive_open(folder, tmp_path):
    archive = str(tmp_path / "set.zip")
    with zipfile.ZipFile(archive, "w") as zf:
        for path in input_paths(folder):
            zf.write(path, arcname=os.path.basename(path))
    before = len(os.listdir("/proc/self/fd"))
    extract_files([archive], features=["rms"], stats=["mean"])
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_merge_streams_the_table_in_blocks(folder, tmp_path, monkeypatch, fmt):
    """The merge writes the shards' rows in blocks of MERGE_ROWS (memory bounded by a block):
    the table is the one a single block gives."""
    whole = tmp_path / f"whole.{fmt}"
    assert run(*command([folder], whole, "--shard-size", "1", "--format", fmt)) == 0
    monkeypatch.setattr(runner, "MERGE_ROWS", 2)
    blocked = tmp_path / f"blocked.{fmt}"
    assert run(*command([folder], blocked, "--shard-size", "1", "--format", fmt)) == 0
    assert read_table(blocked, fmt).equals(read_table(whole, fmt))
    if fmt == "parquet":
        blocks, one = pq.ParquetFile(blocked), pq.ParquetFile(whole)
        assert blocks.num_row_groups == -(-N_FILES // 2)
        assert blocks.schema_arrow.metadata == one.schema_arrow.metadata


def test_relative_inputs_are_the_runs_on_workers_elsewhere(folder, tmp_path, monkeypatch):
    """A dask worker runs in a folder of its own: relative inputs are taken under the run's
    folder, and the rows and errors keep the paths as given."""
    monkeypatch.chdir(folder.parent)
    relative = [os.path.relpath(p) for p in input_paths(folder)][:2]
    sources = [*runner._as_sources(relative), Source("", "missing.wav")]
    options = BatchOptions(features=("rms",), stats=("mean",))
    here = runner._process_many(sources, options)
    monkeypatch.chdir(tmp_path)  # the worker's own folder
    rows, errors, _ = runner._process_many(sources, options, base=str(folder.parent))
    assert [r["meta"][0] for r in rows] == relative
    assert [e[0] for e in errors] == ["missing.wav"]
    np.testing.assert_array_equal(
        np.stack([r["values"] for r in rows]), np.stack([r["values"] for r in here[0]])
    )


def test_frames_of_a_worker_elsewhere_are_named_as_the_run_names_the_input(
    folder, tmp_path, monkeypatch
):
    monkeypatch.chdir(folder.parent)
    name = os.path.relpath(input_paths(folder)[0])
    frames = str(tmp_path / "frames")
    options = BatchOptions(features=("rms",), stats=("mean",), save_frames=frames, frames=("rms",))
    runner._process_many(runner._as_sources([name]), options)
    here = sorted(os.listdir(frames))
    shutil.rmtree(frames)
    monkeypatch.chdir(tmp_path)
    runner._process_many([Source("", name)], options, base=str(folder.parent))
    assert sorted(os.listdir(frames)) == here


def test_a_killed_merges_temporary_table_is_removed(folder, tmp_path):
    out = tmp_path / "out.parquet"
    stale = tmp_path / "out.parquet.12345-0badc0de.tmp"
    stale.write_bytes(b"half a table")
    keep = tmp_path / "out.parquet.notes.tmp"  # not a merge's name: left alone
    keep.write_bytes(b"mine")
    assert run(*command([folder], out)) == 0
    assert not stale.exists()
    assert keep.exists()


def test_blas_controller_follows_newly_imported_modules(monkeypatch):
    """The controller is made again once a module was imported since (a feature's first call
    may load a BLAS of its own, as scipy's submodules do), and not otherwise (finding the
    libraries costs milliseconds a shard)."""
    first = runner._blas_controller()
    assert runner._blas_controller() is first
    name = "genrefx_test_newly_imported"
    monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    second = runner._blas_controller()
    assert second is not first
    assert runner._blas_controller() is second


def test_shards_run_with_one_blas_thread_and_restore_it(tmp_path, monkeypatch):
    """Each shard runs with BLAS limited to one thread (the workers are the parallelism), and
    the limit is lifted after it (an in-process run or a dask worker goes on as before)."""
    import threadpoolctl

    def blas_threads():
        info = threadpoolctl.threadpool_info()
        return [i["num_threads"] for i in info if i["user_api"] == "blas"]

    seen = []

    def process(sources, options, base=""):
        seen.append(blas_threads())
        return [], [], 0.0

    monkeypatch.setattr(runner, "_process_many", process)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads()
        assert set(blas_threads()) == {2}
        for index in range(3):
            runner._run_shard(index, [], BatchOptions(), str(tmp_path), "run-id")
        assert set(blas_threads()) == {2}
    assert len(seen) == 3
    assert all(set(threads) == {1} for threads in seen), seen
