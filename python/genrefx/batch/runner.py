"""Batch runs: many inputs to one feature table, in parallel, crash-safe and resumable.

A run splits its inputs (in a fixed order) into shards of ``shard_size`` inputs. Each shard's
rows (``.npz``) and errors (``.json``) are written by a worker to ``OUT.parts/`` under
temporary names and renamed into place when complete, rows last; the final table is
assembled from the shards at the end.
After a crash (even ``kill -9``), ``resume=True`` finds the completed shards, processes only the
others, and the final table holds every input exactly once.
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import threadpoolctl

from ..exceptions import ParameterError
from .features import BatchOptions, describe_error, process_source, rows_to_table
from .presets import write_fma_csv, write_gtzan_csv
from .sources import Source, expand_inputs

__all__ = ["BatchResult", "extract_files", "run_batch"]

ERROR_COLUMNS = ("path", "error", "message")


def _as_sources(paths: Iterable[Any]) -> list[Source]:
    sources: list[Source] = []
    plain: list[str] = []
    for p in paths:
        if isinstance(p, Source):
            sources.append(p)
        else:
            plain.append(os.fspath(p))
    return sources + expand_inputs(plain) if plain else sources


def _process_many(sources: Sequence[Source], options: BatchOptions):
    rows: list[dict[str, Any]] = []
    errors: list[tuple[str, str, str]] = []
    seconds = 0.0
    for source in sources:
        try:
            new = process_source(source, options)
        except Exception as exc:  # one bad input never stops the run
            errors.append((source.name, *describe_error(exc)))
            continue
        rows.extend(new)
        seconds += sum(r["meta"][3] for r in new)
    return rows, errors, seconds


def extract_files(paths: Iterable[Any], *, errors: list | None = None, **options: Any) -> pa.Table:
    """The feature table of ``paths`` in this process (for Ray, Spark or your own pool).

    Parameters
    ----------
    paths : iterable of str, os.PathLike or Source
        Files, directories, glob patterns, ``@list`` files, archives, ``ARCHIVE::MEMBER``.
    errors : list or None
        If a list, failed inputs are appended to it as ``(path, error, message)`` and skipped;
        if None, the first failure raises.
    **options
        :class:`BatchOptions` fields: sr, offset, duration, segment, segment_hop, features,
        stats, n_fft, hop_length, n_mels, n_mfcc, n_chroma, n_bands.

    Returns
    -------
    pyarrow.Table
        One row per input (or segment): path, segment, start, duration, sr, n_frames and the
        float32 feature statistics ``{feature}_{stat}[_{index:02d}]``.
    """
    opts = BatchOptions(**options)
    sources = _as_sources(paths)
    rows, failed, _ = _process_many(sources, opts)
    if failed:
        if errors is None:
            path, kind, message = failed[0]
            raise ParameterError(f"{path}: {kind}: {message}")
        errors.extend(failed)
    return rows_to_table(rows, opts)


@dataclasses.dataclass
class BatchResult:
    """Outcome of :func:`run_batch`."""

    output: str
    errors_path: str
    n_inputs: int
    n_ok: int
    n_failed: int
    n_rows: int
    audio_seconds: float
    wall_seconds: float


def _shard_name(parts: str, index: int, kind: str) -> str:
    return os.path.join(parts, f"shard-{index:06d}.{kind}")


def _run_shard(index: int, sources: Sequence[Source], options: BatchOptions, parts: str):
    """Process one shard in a worker and commit it atomically (errors first, rows last).

    Rows are kept as a plain float32 matrix plus the meta columns (``.npz``): a Parquet file
    of ~1500 feature columns per shard would cost more than the shard's features.
    """
    # one thread for BLAS too (chroma_cqt's and tonnetz's small products): the workers are the
    # parallelism, and an idle BLAS pool's wake-ups cost more than these products
    with threadpoolctl.threadpool_limits(limits=1):
        rows, errors, seconds = _process_many(sources, options)
    errors_path = _shard_name(parts, index, "errors.json")
    rows_path = _shard_name(parts, index, "npz")
    with open(errors_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"errors": errors, "seconds": seconds}, f)
    os.replace(errors_path + ".tmp", errors_path)
    n_feat = len(options.feature_columns())
    meta = list(zip(*(r["meta"] for r in rows), strict=True)) if rows else [()] * 6
    with open(rows_path + ".tmp", "wb") as f:
        np.savez(
            f,
            values=np.stack([r["values"] for r in rows]) if rows else np.zeros((0, n_feat), "f4"),
            path=np.array(meta[0], dtype=object).astype(str) if rows else np.zeros(0, "U1"),
            segment=np.asarray(meta[1], dtype=np.int32),
            start=np.asarray(meta[2], dtype=np.float64),
            duration=np.asarray(meta[3], dtype=np.float64),
            sr=np.asarray(meta[4], dtype=np.int32),
            n_frames=np.asarray(meta[5], dtype=np.int32),
        )
    os.replace(rows_path + ".tmp", rows_path)
    return index, len(sources) - len(errors), len(errors), seconds


def _read_shard(path: str) -> list[dict[str, Any]]:
    with np.load(path, allow_pickle=False) as z:
        values = z["values"]
        cols = [z[k] for k in ("path", "segment", "start", "duration", "sr", "n_frames")]
    return [
        {
            "meta": (
                str(cols[0][i]),
                int(cols[1][i]),
                float(cols[2][i]),
                float(cols[3][i]),
                int(cols[4][i]),
                int(cols[5][i]),
            ),
            "values": values[i],
        }
        for i in range(values.shape[0])
    ]


def _execute(todo, shards, options, parts, workers, engine, scheduler):
    """Run the shards ``todo``; yields each one's (index, ok, failed, seconds) as it completes."""
    if not todo:
        return
    if engine == "dask":
        yield from _execute_dask(todo, shards, options, parts, workers, scheduler)
    elif workers == 1:
        for i in todo:
            yield _run_shard(i, shards[i], options, parts)
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run_shard, i, shards[i], options, parts) for i in todo]
            for fut in concurrent.futures.as_completed(futures):
                yield fut.result()


def _execute_dask(todo, shards, options, parts, workers, scheduler):
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ParameterError(
            "engine='dask' needs dask.distributed: pip install 'genrefx[dask]'"
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        futures = [
            client.submit(_run_shard, i, shards[i], options, parts, pure=False) for i in todo
        ]
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _manifest(sources: Sequence[Source], options: BatchOptions, shard_size: int) -> dict:
    return {
        "version": 1,
        "inputs": [[s.archive, s.member] for s in sources],
        "options": dataclasses.asdict(options),
        "shard_size": shard_size,
    }


def _write_atomic(table: pa.Table, path: str, fmt: str) -> None:
    tmp = path + ".tmp"
    if fmt == "csv":
        pacsv.write_csv(table, tmp)
    else:
        pq.write_table(table, tmp)
    os.replace(tmp, path)


def run_batch(
    inputs: Sequence[str],
    output: str,
    options: BatchOptions,
    *,
    fmt: str = "parquet",
    workers: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
    shard_size: int = 16,
    progress: Callable[[int, int, float], None] | None = None,
    engine: str = "process",
    scheduler: str | None = None,
) -> BatchResult:
    """Extract ``inputs`` into ``output`` (Parquet or CSV) with ``workers`` processes.

    ``engine="dask"`` runs the same shards on a dask.distributed cluster: the one at
    ``scheduler`` (its workers must see the inputs and the output's folder at the same paths),
    or a LocalCluster of ``workers`` single-threaded processes on 127.0.0.1.

    Raises
    ------
    ParameterError
        Bad inputs or options, an existing output without ``overwrite``/``resume``, or a
        ``resume`` whose inputs or options differ from the interrupted run's.
    """
    if engine not in ("process", "dask"):
        raise ParameterError(f"engine={engine!r} must be 'process' or 'dask'")
    if scheduler is not None and engine != "dask":
        raise ParameterError("scheduler is only used with engine='dask'")
    if fmt not in ("parquet", "csv"):
        raise ParameterError(f"format={fmt!r} must be 'parquet' or 'csv'")
    if shard_size < 1:
        raise ParameterError(f"shard_size={shard_size} must be >= 1")
    if options.preset == "fma" and fmt == "csv" and options.segment is not None:
        raise ParameterError(
            "FMA's features.csv layout has one row per track: write segments to Parquet"
        )
    workers = os.cpu_count() or 1 if workers is None else workers
    if workers < 1:
        raise ParameterError(f"workers={workers} must be >= 1")
    start_time = time.perf_counter()
    output = os.path.abspath(output)
    parts = output + ".parts"
    errors_path = os.path.splitext(output)[0] + ".errors.csv"
    if overwrite:
        for p in (output, errors_path):
            if os.path.exists(p):
                os.remove(p)
        shutil.rmtree(parts, ignore_errors=True)
    elif os.path.exists(output) and not resume:
        raise ParameterError(f"{output} exists; pass --overwrite to replace it or --resume")
    elif os.path.isdir(parts) and not resume:
        raise ParameterError(
            f"{parts} holds an interrupted run; pass --resume to finish it or --overwrite"
        )
    sources = expand_inputs(inputs)
    manifest = _manifest(sources, options, shard_size)
    manifest_path = os.path.join(parts, "manifest.json")
    if resume and os.path.exists(output) and not os.path.isdir(parts):
        raise ParameterError(f"{output} is already complete; nothing to resume")
    os.makedirs(parts, exist_ok=True)
    if os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            if json.load(f) != json.loads(json.dumps(manifest)):
                raise ParameterError(
                    f"--resume: the inputs or options differ from the interrupted run in {parts}"
                )
    else:
        with open(manifest_path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(manifest, f)
        os.replace(manifest_path + ".tmp", manifest_path)

    shards = [sources[i : i + shard_size] for i in range(0, len(sources), shard_size)]
    todo = [i for i in range(len(shards)) if not os.path.exists(_shard_name(parts, i, "npz"))]
    done_inputs = sum(len(shards[i]) for i in range(len(shards)) if i not in set(todo))
    if progress:
        progress(done_inputs, len(sources), 0.0)
    seconds_new = 0.0
    for _, ok, bad, sec in _execute(todo, shards, options, parts, workers, engine, scheduler):
        done_inputs += ok + bad
        seconds_new += sec
        if progress:
            progress(done_inputs, len(sources), seconds_new)

    # assemble: every shard in order, then the errors
    rows, errors, seconds = [], [], 0.0
    for i in range(len(shards)):
        rows.extend(_read_shard(_shard_name(parts, i, "npz")))
        with open(_shard_name(parts, i, "errors.json"), encoding="utf-8") as f:
            record = json.load(f)
        errors.extend(record["errors"])
        seconds += record["seconds"]
    table = rows_to_table(rows, options)
    if options.preset == "fma" and fmt == "csv":
        write_fma_csv(table, errors, output)
    elif options.preset == "gtzan" and fmt == "csv":
        write_gtzan_csv(table, output, segmented=options.segment is not None)
    else:
        _write_atomic(table, output, fmt)
    with open(errors_path + ".tmp", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(ERROR_COLUMNS)
        writer.writerows(errors)
    os.replace(errors_path + ".tmp", errors_path)
    shutil.rmtree(parts, ignore_errors=True)
    return BatchResult(
        output=output,
        errors_path=errors_path,
        n_inputs=len(sources),
        n_ok=len(sources) - len(errors),
        n_failed=len(errors),
        n_rows=table.num_rows,
        audio_seconds=seconds,
        wall_seconds=time.perf_counter() - start_time,
    )


def terminal_progress(stream=sys.stderr) -> Callable[[int, int, float], None]:
    """A one-line progress display (tracks/s, audio hours, ETA) for a terminal."""
    start = time.perf_counter()

    def show(done: int, total: int, audio_seconds: float) -> None:
        elapsed = max(time.perf_counter() - start, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else float("inf")
        stream.write(
            f"\r{done}/{total} inputs  {rate:.1f} tracks/s  {audio_seconds / 3600:.2f} h audio"
            f"  ETA {eta:.0f} s   "
        )
        stream.flush()
        if done >= total:
            stream.write("\n")

    return show
