"""Batch runs: many inputs to one feature table, in parallel, crash-safe and resumable.

A run splits its inputs (in a fixed order) into shards of ``shard_size`` inputs. A worker
writes each shard's rows and errors to one ``.npz`` file in ``OUT.parts/`` under a temporary
name of its own (with its process id) and renames it into place when complete: that one atomic
rename commits the shard. ``OUT.parts/`` is created already holding ``manifest.json`` (the
inputs and options), and shards are never used without it. The final table is assembled from
the shards at the end and written by atomic renames (an existing OUT is replaced only then);
the parts folder is then renamed to ``OUT.parts.trash-*`` and deleted, so that a crash at any
point leaves either an interrupted run or a finished one, never a half-deleted folder (the next
run removes trash a crash left).
After a crash (even ``kill -9``), ``resume=True`` finds the committed shards, processes only the
others, and the final table holds every input exactly once. Worker processes end when the run's
process dies.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import dataclasses
import functools
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..exceptions import ParameterError
from .features import (
    BatchOptions,
    describe_error,
    process_source,
    rows_to_table,
    schema,
    utf8_text,
)
from .presets import check_track_ids, write_fma_csv, write_gtzan_csv
from .sources import Source, close_archives, expand_inputs

if TYPE_CHECKING:
    import pyarrow as pa
    import threadpoolctl

__all__ = ["BatchResult", "extract_files", "run_batch"]

ERROR_COLUMNS = ("path", "error", "message")
_META_KEYS = ("path", "segment", "start", "duration", "sr", "n_frames")
#: Seconds between a pool worker's checks that the run's process is still alive.
PARENT_POLL_SECONDS = 0.5
#: What the default extraction imports when it first needs it (``import genrefx`` does not):
#: a run with a pool imports them before forking the workers, which then share them. (Other
#: features and the presets import more, scipy.signal / ndimage / sparse ~0.6 s, in each
#: worker that needs them; the BLAS controller follows, see _blas_controller.)
EXTRACTION_MODULES = ("scipy.fft", "soundfile", "soxr")


def _as_list(paths: Any) -> list[Any]:
    """``paths`` as a list of inputs: one str, bytes, os.PathLike or Source is one input."""
    if isinstance(paths, (str, bytes, os.PathLike, Source)):
        return [paths]
    return list(paths)


def _as_sources(paths: Any) -> list[Source]:
    sources: list[Source] = []
    plain: list[str] = []
    for p in _as_list(paths):
        if isinstance(p, Source):
            sources.append(p)
        else:
            plain.append(os.fsdecode(p))
    return sources + expand_inputs(plain) if plain else sources


def _process_many(sources: Sequence[Source], options: BatchOptions, base: str = ""):
    """Rows, errors ``(path, error, message)`` as valid UTF-8 text, and audio seconds.

    ``base``: the folder that relative paths are relative to, when this process's working
    folder may be another (a dask worker's); the rows keep the paths as given.
    """
    rows: list[dict[str, Any]] = []
    errors: list[tuple[str, str, str]] = []
    seconds = 0.0
    for source in sources:
        try:
            new = process_source(_under(base, source), options, named=source)
        except Exception as exc:  # one bad input never stops the run
            kind, message = describe_error(exc)
            errors.append((utf8_text(source.name), kind, utf8_text(message)))
            continue
        rows.extend(new)
        seconds += _covered_seconds(new)
    return rows, errors, seconds


def _covered_seconds(rows: Sequence[dict[str, Any]]) -> float:
    """The seconds of one input's audio that its rows cover: the union of their [start,
    start + duration) spans, so that overlapping segments (a hop shorter than the segment)
    count their audio once, not once per segment."""
    total = 0.0
    end = -np.inf
    for start, length in sorted((r["meta"][2], r["meta"][3]) for r in rows):
        stop = start + length
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def _under(base: str, source: Source) -> Source:
    """``source`` with a relative file or archive path taken under ``base`` (unchanged when
    ``base`` is "")."""
    if not base:
        return source
    if source.archive:
        if os.path.isabs(source.archive):
            return source
        return Source(os.path.join(base, source.archive), source.member, error=source.error)
    if os.path.isabs(source.member):
        return source
    return Source("", os.path.join(base, source.member), error=source.error)


def extract_files(paths: Any, *, errors: list | None = None, **options: Any) -> pa.Table:
    """The feature table of ``paths`` in this process (for Ray, Spark or your own pool).

    Parameters
    ----------
    paths : str, os.PathLike, Source or an iterable of them
        Files, directories, glob patterns, ``@list`` files, archives, ``ARCHIVE::MEMBER``; a
        single str or path is one input.
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
        float32 feature statistics ``{feature}_{stat}[_{index:02d}]``. ``path`` (also in
        ``errors``) is valid UTF-8 text: a file name's undecodable bytes appear as backslash
        escapes (``b"caf\xe9.wav"`` gives ``caf\\xe9.wav``).
    """
    opts = BatchOptions(**options)
    sources = _as_sources(paths)
    try:
        rows, failed, _ = _process_many(sources, opts)
    finally:
        close_archives()  # (a long-lived session must not hold archives open)
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
    run_audio_seconds: float = 0.0
    """The audio that this call extracted: ``audio_seconds`` less what an interrupted run had
    done before a ``resume``. ``wall_seconds`` is this call's, so their ratio is its speed."""


# --- shards ------------------------------------------------------------------------------------


def _shard_name(parts: str, index: int, kind: str = "npz") -> str:
    return os.path.join(parts, f"shard-{index:06d}.{kind}")


#: This process's threadpoolctl controller and how many modules were loaded when it was made.
_controller: list = [None, -1]


def _blas_controller() -> threadpoolctl.ThreadpoolController:
    """This process's threadpoolctl controller, made again only when modules were imported
    since: ``threadpool_limits`` finds the loaded BLAS / OpenMP libraries anew at every call,
    ~3-4 ms a shard (~20 % of a run of short clips with one worker; measured at 20,000 0.5-s
    inputs). A feature's first call may import a module that loads a BLAS of its own (scipy's
    OpenBLAS): the next shard's controller lists it. A forked worker's copy starts from the
    parent's."""
    import threadpoolctl

    if _controller[1] != len(sys.modules):
        _import_extraction_modules()
        _controller[0] = threadpoolctl.ThreadpoolController()
        _controller[1] = len(sys.modules)
    return _controller[0]


def _import_extraction_modules() -> None:
    """Import :data:`EXTRACTION_MODULES` (a dictionary lookup each once imported)."""
    for name in EXTRACTION_MODULES:
        importlib.import_module(name)


def _run_shard(
    index: int,
    sources: Sequence[Source],
    options: BatchOptions,
    parts: str,
    run: str = "",
    base: str = "",
):
    """Process one shard in a worker and commit it: rows and errors in one ``.npz``, written
    under a name unique to this process and renamed into place, stamped with the id ``run``
    of the run's manifest (a worker of a killed run that outlives it cannot add its shard to
    a new run in the same folder: the stamp differs). Relative input paths are taken under
    ``base`` (see :func:`_process_many`).

    Rows are kept as a plain float32 matrix plus the meta columns: a Parquet file of ~1500
    feature columns per shard would cost more than the shard's features. The errors and the
    audio seconds are a JSON string in the same file, so that a shard is complete or absent.
    """
    # one thread for BLAS too (chroma_cqt's and tonnetz's small products): the workers are the
    # parallelism, and an idle BLAS pool's wake-ups cost more than these products
    with _blas_controller().limit(limits=1):
        rows, errors, seconds = _process_many(sources, options, base)
    path = _shard_name(parts, index)
    tmp = f"{path}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"  # (workers never share one)
    try:
        with open(tmp, "wb") as f:
            np.savez(f, **_shard_arrays(rows, errors, seconds, options, run))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
    return index, len(sources) - len(errors), len(errors), seconds


def _shard_arrays(rows, errors, seconds: float, options: BatchOptions, run: str):
    n_feat = len(options.feature_columns())
    meta = list(zip(*(r["meta"] for r in rows), strict=True)) if rows else [()] * 6
    record = json.dumps(
        {"errors": [[utf8_text(t) for t in e] for e in errors], "seconds": seconds, "run": run}
    )
    return {
        "values": np.stack([r["values"] for r in rows]) if rows else np.zeros((0, n_feat), "f4"),
        "path": np.array([utf8_text(p) for p in meta[0]], dtype=str),
        "segment": np.asarray(meta[1], dtype=np.int32),
        "start": np.asarray(meta[2], dtype=np.float64),
        "duration": np.asarray(meta[3], dtype=np.float64),
        "sr": np.asarray(meta[4], dtype=np.int32),
        "n_frames": np.asarray(meta[5], dtype=np.int32),
        "errors": np.array(record),
    }


def _is_committed(parts: str, index: int, run: str = "") -> bool:
    """Whether shard ``index`` is complete and of the run ``run``: its ``.npz`` holds the
    errors and the run's id (or, from genrefx versions that wrote the errors apart and had no
    run ids, its ``.errors.json`` is there too)."""
    try:
        with np.load(_shard_name(parts, index), allow_pickle=False) as z:
            if "errors" in z.files:
                return json.loads(z["errors"].item()).get("run", "") == run
    except (OSError, ValueError, zipfile.BadZipFile):
        return False
    return not run and os.path.isfile(_shard_name(parts, index, "errors.json"))


def _read_shard(parts: str, index: int):
    """A committed shard's rows, errors and audio seconds."""
    with np.load(_shard_name(parts, index), allow_pickle=False) as z:
        values = z["values"]
        cols = [z[k] for k in _META_KEYS]
        text = z["errors"].item() if "errors" in z.files else None
    if text is None:
        with open(_shard_name(parts, index, "errors.json"), encoding="utf-8") as f:
            text = f.read()
    record = json.loads(text)
    rows = [
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
    errors = [tuple(utf8_text(t) for t in e) for e in record["errors"]]
    return rows, errors, record["seconds"]


# --- engines -----------------------------------------------------------------------------------


def _exit_with_parent(parent: int, poll: float = PARENT_POLL_SECONDS) -> None:
    """Pool initializer: end this worker as soon as the run's process ``parent`` dies.

    A daemon thread compares the parent process id with ``parent`` every ``poll`` seconds:
    after the run's process is killed (even ``kill -9``) the worker is re-parented and exits at
    once, instead of finishing the queued shards and then waiting forever. (``parent`` comes
    from the run, not from the worker's start: a run that is PID 1 itself, in a container
    without an init process, is its workers' parent, not a sign of their re-parenting.)
    """
    if os.getppid() != parent:  # re-parented already: the run died while this worker started
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll)
        os._exit(1)

    threading.Thread(target=watch, name="genrefx-parent-watch", daemon=True).start()


def _execute_local(todo, shards, options, parts, run, *, workers: int) -> Iterator[tuple]:
    """Run the shards ``todo`` in this process or a pool of ``workers`` processes; yields each
    one's (index, ok, failed, seconds) as it completes."""
    if workers == 1:
        for i in todo:
            yield _run_shard(i, shards[i], options, parts, run)
        return
    _import_extraction_modules()  # (once here rather than in every forked worker)
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=min(workers, len(todo)), initializer=_exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        futures = [pool.submit(_run_shard, i, shards[i], options, parts, run) for i in todo]
        for fut in concurrent.futures.as_completed(futures):
            yield fut.result()


def _execute_dask(client, todo, shards, options, parts, run) -> Iterator[tuple]:
    """Run the shards ``todo`` on a dask.distributed ``client``, as :func:`_execute_local`."""
    from dask.distributed import as_completed

    # (a cluster's workers run in folders of their own: relative inputs are the run's)
    base = os.getcwd()
    futures = [
        client.submit(_run_shard, i, shards[i], options, parts, run, base, pure=False) for i in todo
    ]
    for fut in as_completed(futures):
        yield fut.result()


@contextlib.contextmanager
def _dask_client(workers: int, scheduler: str | None):
    """A client of the cluster at ``scheduler``, or of a LocalCluster of ``workers`` processes.

    Raises
    ------
    ParameterError
        When dask.distributed is not installed or the scheduler cannot be reached (after
        dask's ``distributed.comm.timeouts.connect``).
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ParameterError(
            "engine='dask' needs dask.distributed: pip install 'genrefx[dask]'"
        ) from None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            # its HTTP server on a port the system picks: the default, 8787, raced with another
            # LocalCluster starting at the same moment ("Cluster failed to start: Port 8787 is
            # already in use")
            dashboard_address="127.0.0.1:0",
        )
        client = Client(cluster)
    else:
        cluster = None
        try:
            client = Client(scheduler)
        except OSError as exc:  # refused, unreachable, timed out
            raise ParameterError(f"cannot reach the dask scheduler {scheduler}: {exc}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextlib.contextmanager
def _engine(engine: str, workers: int, scheduler: str | None):
    """The function ``execute(todo, shards, options, parts, run)`` that runs shards, with its
    cluster (dask) connected before the run touches any file."""
    if engine == "dask":
        with _dask_client(workers, scheduler) as client:
            yield functools.partial(_execute_dask, client)
    else:
        yield functools.partial(_execute_local, workers=workers)


# --- the output and the parts folder -----------------------------------------------------------


def _manifest(sources: Sequence[Source], options: BatchOptions, shard_size: int) -> dict:
    return {
        "version": 1,
        "inputs": [[s.archive, s.member] for s in sources],
        "options": dataclasses.asdict(options),
        "shard_size": shard_size,
    }


def _check_output(output: str, errors_path: str) -> None:
    """Raise ParameterError unless ``output`` and ``errors_path`` can be written: neither is a
    folder, and the nearest existing folder above them takes new files (missing folders are
    made when the run starts)."""
    for path in (output, errors_path):
        if os.path.isdir(path):
            raise ParameterError(f"output {path} is a directory")
    folder = os.path.dirname(output)
    while not os.path.exists(folder):
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        raise ParameterError(f"cannot write {output}: {folder} is not a directory")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".genrefx-", suffix=".probe")
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        reason = f"cannot create files in {folder} ({exc.strerror or exc})"
        raise ParameterError(f"cannot write {output}: {reason}") from None


def _check_existing(output: str, parts: str, *, resume: bool, overwrite: bool) -> None:
    """Refuse to replace a finished output or an interrupted run unless asked to."""
    if overwrite:
        return
    if not resume:
        if os.path.exists(output):
            raise ParameterError(f"{output} exists; pass --overwrite to replace it or --resume")
        if os.path.isdir(parts):
            raise ParameterError(
                f"{parts} holds an interrupted run; pass --resume to finish it or --overwrite"
            )
    elif os.path.exists(output) and not os.path.isdir(parts):
        raise ParameterError(f"{output} is already complete; nothing to resume")


def _discard(folder: str) -> None:
    """Delete ``folder`` crash-safely: rename it (atomically) to a trash name first, so that it
    is whole or gone; :func:`_remove_leftovers` deletes the trash a crash leaves."""
    if not os.path.isdir(folder):
        return
    trash = f"{folder}.trash-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    os.replace(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)


def _remove_leftovers(parts: str) -> None:
    """Delete the trash (``PARTS.trash-*``), unfinished new folders (``PARTS.new-*``) and
    unfinished merged tables (``OUT.PID-HEX.tmp``) that runs killed while creating or deleting
    ``parts`` or merging into ``OUT`` left."""
    folder, base = os.path.split(parts)
    merging = re.compile(re.escape(base.removesuffix(".parts")) + r"\.\d+-[0-9a-f]{8}\.tmp")
    with contextlib.suppress(FileNotFoundError):
        for name in os.listdir(folder):
            if name.startswith((f"{base}.trash-", f"{base}.new-")):
                shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
            elif merging.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))


def _read_manifest(parts: str) -> Any:
    """The manifest of the run in ``parts``, or None when it is missing or unreadable."""
    try:
        with open(os.path.join(parts, "manifest.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _create_parts(parts: str, manifest: dict) -> None:
    """Make ``parts`` with its ``manifest.json`` in one rename: never one without the other."""
    new = f"{parts}.new-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    os.makedirs(new)
    with open(os.path.join(new, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    os.replace(new, parts)


def _prepare_parts(parts: str, manifest: dict, *, fresh: bool) -> str:
    """Make ``parts`` the shard folder of the run ``manifest``: an interrupted run's with the
    same manifest (its shards are kept), else a new one with a new run id. With ``fresh`` an
    interrupted run is discarded; so is a folder without a readable manifest, whose shards
    cannot be checked. Returns the run's id (its shards carry it; "" for a run of a genrefx
    version without ids).

    Raises
    ------
    ParameterError
        When ``parts`` holds an interrupted run of other inputs or options (and not ``fresh``).
    """
    if os.path.isdir(parts) and not fresh:
        found = _read_manifest(parts)
        run = found.pop("run", "") if isinstance(found, dict) else ""
        if found == json.loads(json.dumps(manifest)):
            return run
        if found is not None:
            raise ParameterError(
                f"--resume: the inputs or options differ from the interrupted run in {parts}"
            )
    _discard(parts)
    os.makedirs(os.path.dirname(parts), exist_ok=True)
    run = uuid.uuid4().hex
    _create_parts(parts, {**manifest, "run": run})
    return run


#: Rows per Parquet row group (and per CSV write) of the merged table: the shards' rows are
#: written in blocks of this many, so that the merge holds one block, not the whole table
#: (FMA-large cut into 3-s segments is ~1 M rows of ~1,200 float32 columns: ~5 GB).
MERGE_ROWS = 8192


def _merge(parts: str, n_shards: int, options, output: str, errors_path: str, fmt: str):
    """Write the shards' rows, in order, to ``output`` and their errors to ``errors_path``;
    returns (errors, audio seconds, rows written).

    The table streams through a temporary file in blocks of :data:`MERGE_ROWS` rows; the
    errors are written first and the table's rename commits the run. A preset's CSV layout
    (sorted by track id, one file per table) is assembled whole: its tables are small.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    errors: list = []
    seconds = 0.0

    def blocks() -> Iterator[pa.Table]:
        nonlocal seconds
        rows: list = []
        yielded = False
        for i in range(n_shards):
            shard_rows, shard_errors, shard_seconds = _read_shard(parts, i)
            rows.extend(shard_rows)
            errors.extend(shard_errors)
            seconds += shard_seconds
            if len(rows) >= MERGE_ROWS:
                yield rows_to_table(rows, options)
                rows, yielded = [], True
        if rows or not yielded:  # (at least one block: a table of no rows has its columns)
            yield rows_to_table(rows, options)

    if options.preset is not None and fmt == "csv":
        table = pa.concat_tables(list(blocks()))
        _write_errors(errors, errors_path)
        if options.preset == "fma":
            write_fma_csv(table, errors, output)
        else:
            write_gtzan_csv(table, output, segmented=options.segment is not None)
        return errors, seconds, table.num_rows
    tmp = f"{output}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    n_rows = 0
    try:
        writer = (pacsv.CSVWriter if fmt == "csv" else pq.ParquetWriter)(tmp, schema(options))
        with writer:
            for block in blocks():
                writer.write_table(block)
                n_rows += block.num_rows
        _write_errors(errors, errors_path)
        os.replace(tmp, output)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
    return errors, seconds, n_rows


def _write_errors(errors: Sequence[Sequence[str]], path: str) -> None:
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(ERROR_COLUMNS)
        writer.writerows(errors)
    os.replace(path + ".tmp", path)


# --- the run -----------------------------------------------------------------------------------


def _check_arguments(options, *, fmt, workers, shard_size, engine, scheduler) -> int:
    """Validate the run's arguments; returns the number of workers."""
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
    return workers


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

    Everything is checked before any file is changed: the arguments, the output's location,
    the inputs, an existing output or interrupted run, the dask scheduler. With ``overwrite``
    an interrupted run's shards are discarded when the run starts, and an existing output is
    kept until the new one replaces it (an atomic rename at the end): a run that fails or is
    killed leaves the old table in place (and its own shards, for ``resume``).

    Raises
    ------
    ParameterError
        Bad inputs or options, an output that cannot be written (a directory, a path below a
        file, a folder without write access), an existing output without
        ``overwrite``/``resume``, a ``resume`` whose inputs or options differ from the
        interrupted run's, or a dask scheduler that cannot be reached.
    """
    workers = _check_arguments(
        options, fmt=fmt, workers=workers, shard_size=shard_size, engine=engine, scheduler=scheduler
    )
    start_time = time.perf_counter()
    output = os.path.abspath(output)
    parts = output + ".parts"
    errors_path = os.path.splitext(output)[0] + ".errors.csv"
    _check_output(output, errors_path)
    sources = expand_inputs([os.fsdecode(p) for p in _as_list(inputs)])
    if options.preset == "fma" and fmt == "csv":
        check_track_ids([s.name for s in sources])
    _remove_leftovers(parts)
    _check_existing(output, parts, resume=resume, overwrite=overwrite)
    if engine == "dask" and options.save_frames is not None:  # (written by the workers)
        options = dataclasses.replace(options, save_frames=os.path.abspath(options.save_frames))
    with _engine(engine, workers, scheduler) as execute:
        run = _prepare_parts(parts, _manifest(sources, options, shard_size), fresh=overwrite)
        shards = [sources[i : i + shard_size] for i in range(0, len(sources), shard_size)]
        todo = [i for i in range(len(shards)) if not _is_committed(parts, i, run)]
        done = len(sources) - sum(len(shards[i]) for i in todo)
        if progress:
            progress(done, len(sources), 0.0)
        seconds_new = 0.0
        for _, ok, bad, sec in execute(todo, shards, options, parts, run) if todo else ():
            done += ok + bad
            seconds_new += sec
            if progress:
                progress(done, len(sources), seconds_new)

    errors, seconds, n_rows = _merge(parts, len(shards), options, output, errors_path, fmt)
    _discard(parts)
    return BatchResult(
        output=output,
        errors_path=errors_path,
        n_inputs=len(sources),
        n_ok=len(sources) - len(errors),
        n_failed=len(errors),
        n_rows=n_rows,
        audio_seconds=seconds,
        wall_seconds=time.perf_counter() - start_time,
        run_audio_seconds=seconds_new,
    )


def terminal_progress(stream=sys.stderr) -> Callable[[int, int, float], None]:
    """A one-line progress display (tracks/s, audio hours, ETA) for a terminal.

    The rate and the ETA count only this run's work: the first call gives the inputs already
    done (by an interrupted run, on resume) and starts the clock.
    """
    first: list[tuple[float, int]] = []  # (time, inputs done) at the first call

    def show(done: int, total: int, audio_seconds: float) -> None:
        now = time.perf_counter()
        if not first:
            first.append((now, done))
        start, done_before = first[0]
        elapsed = now - start
        rate = (done - done_before) / elapsed if elapsed > 0 else 0.0
        eta = f"{(total - done) / rate:.0f} s" if rate > 0 else "?"
        stream.write(
            f"\r{done}/{total} inputs  {rate:.1f} tracks/s  {audio_seconds / 3600:.2f} h audio"
            f"  ETA {eta}   "
        )
        stream.flush()
        if done >= total:
            stream.write("\n")

    return show
