"""``genrefx batch-extract --engine dask``: the shards run on a dask.distributed LocalCluster
(2 single-threaded worker processes on 127.0.0.1, made by the command when no ``--scheduler``
is given) and the table equals the process engine's."""

from __future__ import annotations

import dask.distributed

from batch_fixtures import FAST, read_errors, read_table, run, sort_table, write_clip


def test_dask_engine_matches_process_engine(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    for i in range(5):
        write_clip(folder / f"t{i}.{('wav', 'flac')[i % 2]}", 1.0, (22050, 44100)[i % 2], seed=i)
    (folder / "bad.wav").write_bytes(b"not audio")

    ref_out = tmp_path / "process.parquet"
    assert run("batch-extract", folder, "-o", ref_out, "-q", "--workers", "1", *FAST) == 3

    # record the LocalCluster the dask engine makes, and the tasks its scheduler ran
    made = []

    class RecordingCluster(dask.distributed.LocalCluster):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append({"kwargs": kwargs, "workers": len(self.workers), "tasks": set()})

        def close(self, *args, **kwargs):
            made[-1]["tasks"] |= set(self.scheduler.task_prefixes)
            return super().close(*args, **kwargs)

    monkeypatch.setattr(dask.distributed, "LocalCluster", RecordingCluster)

    out = tmp_path / "dask.parquet"
    argv = ["-o", out, "-q", "--engine", "dask", "--workers", "2", "--shard-size", "2", *FAST]
    assert run("batch-extract", folder, *argv) == 3

    assert len(made) == 1, "--engine dask did not start a dask LocalCluster"
    cluster = made[0]
    assert cluster["kwargs"].get("host") == "127.0.0.1"
    assert cluster["workers"] == 2
    assert cluster["tasks"], "no task ran on the dask scheduler"

    assert sort_table(read_table(out)).equals(sort_table(read_table(ref_out)))
    assert read_errors(out) == read_errors(ref_out)
