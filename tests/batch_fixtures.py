"""Helpers shared by the ``tests/test_batch_*.py`` tests (``genrefx batch-extract`` and
``genrefx.batch``): seeded audio files on disk, CLI runs, and reading the outputs back.

Every clip is short (about 1-3 s) and a pure function of its arguments, so the batch tests stay
fast and reproducible.
"""

from __future__ import annotations

import csv
import glob
import os
import warnings

import librosa
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import soundfile as sf

import signals
from genrefx.cli import main

META_COLUMNS = ["path", "segment", "start", "duration", "sr", "n_frames"]
META_TYPES = [pa.string(), pa.int32(), pa.float64(), pa.float64(), pa.int32(), pa.int32()]
ERROR_COLUMNS = ["path", "error", "message"]

# a small, fast option set for the tests that are about files and outputs, not about features
FAST = ["--features", "mfcc,rms,spectral_centroid", "--stats", "mean,std,max"]


def clip(seconds: float = 1.0, sr: int = 22050, *, seed: int = 0, channels: int = 1):
    """A music-like float32 clip (``signals.music``), (n,) or (n, channels) as soundfile takes.

    Channels differ (scaled, delayed and with their own noise) so that the downmix matters.
    """
    y = signals.music(seconds, sr, seed=seed).astype(np.float64)
    if channels == 1:
        return y.astype(np.float32)
    rng = np.random.default_rng(seed + 1000)
    cols = [
        0.9 * np.roll(y, 7 * c) / (1 + 0.3 * c) + 0.01 * rng.standard_normal(y.size)
        for c in range(channels)
    ]
    return np.stack(cols, axis=1).astype(np.float32)


def write_clip(
    path,
    seconds: float = 1.0,
    sr: int = 22050,
    *,
    seed: int = 0,
    channels: int = 1,
    subtype: str | None = None,
    n_samples: int | None = None,
) -> str:
    """Write a seeded clip to ``path`` (format from the name; ``subtype`` as soundfile's)."""
    y = clip(seconds, sr, seed=seed, channels=channels)
    if n_samples is not None:
        reps = -(-n_samples // y.shape[0])
        y = np.concatenate([y] * reps, axis=0)[:n_samples]
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    sf.write(path, y, sr, subtype=subtype)
    return path


def librosa_load(path, **kwargs):
    """``librosa.load`` with its own warnings silenced (pytest turns warnings into errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return librosa.load(path, **kwargs)


def run(*argv) -> int:
    """``genrefx <argv>`` in this process; returns the exit status."""
    return main([os.fspath(a) for a in argv])


def batch_command(inputs, out, *extra) -> list[str]:
    """``genrefx batch-extract`` arguments: ``inputs`` to ``out``, quiet, one worker, then
    ``extra``."""
    return ["batch-extract", *map(str, inputs), "-o", str(out), "-q", "--workers", "1", *extra]


def read_table(path, fmt: str = "parquet") -> pa.Table:
    if fmt == "csv":
        import pyarrow.csv as pacsv

        return pacsv.read_csv(os.fspath(path))
    return pq.read_table(os.fspath(path))


def sort_table(table: pa.Table) -> pa.Table:
    return table.sort_by([("path", "ascending"), ("segment", "ascending")])


def errors_path(out) -> str:
    """``OUT.errors.csv`` next to ``OUT.parquet`` (the output's name without its extension)."""
    return os.path.splitext(os.fspath(out))[0] + ".errors.csv"


def read_errors(out) -> list[dict[str, str]]:
    """The rows of the run's errors CSV (its header must be exactly path,error,message)."""
    with open(errors_path(out), newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header == ERROR_COLUMNS, header
        return [dict(zip(header, row, strict=True)) for row in reader]


def parts_dirs(out) -> list[str]:
    """Shard folders of a run writing ``out``: ``OUT.parts`` whether OUT is read as the full
    output name or as the name without its extension."""
    out = os.fspath(out)
    candidates = {out + ".parts", os.path.splitext(out)[0] + ".parts"}
    return sorted(p for p in candidates if os.path.isdir(p))


def shard_files(out) -> list[str]:
    """Committed row shards (``OUT.parts/shard-*.npz``) of a run writing ``out``."""
    return sorted(f for d in parts_dirs(out) for f in glob.glob(os.path.join(d, "shard-*.npz")))


def feature_matrix(table: pa.Table) -> np.ndarray:
    """The float32 feature columns as a (rows, columns) array."""
    names = [n for n in table.column_names if n not in META_COLUMNS]
    if not names:
        return np.zeros((table.num_rows, 0), np.float32)
    return np.stack([table.column(n).to_numpy() for n in names], axis=1)
