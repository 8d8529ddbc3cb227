"""Per-input work of a batch run: decode, cut into segments, extract, summarize into rows."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from ..exceptions import ParameterError
from ..extract import FEATURES, extract
from ..spectrum import power_to_db
from .audio import DecodeError, load
from .sources import Source
from .summary import DEFAULT_STATS, check_stats, column_names, summarize

__all__ = ["BatchOptions", "process_source", "schema"]

# Frame-level arrays that --save-frames can write: name -> (feature, transform). "mel" is the
# log-mel spectrogram in dB (power_to_db, ref 1, top_db 80), what CNN/CRNN models take.
FRAME_ARRAYS = {
    "mel": ("melspectrogram", "db"),
    "mfcc": ("mfcc", None),
    "chroma": ("chroma_stft", None),
    "contrast": ("spectral_contrast", None),
    **{f: (f, None) for f in FEATURES},
}

_META_COLUMNS = [
    ("path", pa.string()),
    ("segment", pa.int32()),
    ("start", pa.float64()),
    ("duration", pa.float64()),
    ("sr", pa.int32()),
    ("n_frames", pa.int32()),
]


@dataclasses.dataclass(frozen=True)
class BatchOptions:
    """What to extract from every input (the batch-extract options).

    ``sr=None`` keeps each file's own rate. ``segment`` cuts each track into windows of that
    many seconds every ``segment_hop`` seconds (default: back to back); only whole windows are
    kept, except that a track shorter than one window gives a single, shorter segment.
    """

    sr: int | None = 22050
    offset: float = 0.0
    duration: float | None = None
    segment: float | None = None
    segment_hop: float | None = None
    features: tuple[str, ...] = FEATURES
    stats: tuple[str, ...] = DEFAULT_STATS
    n_fft: int = 2048
    hop_length: int = 512
    n_mels: int = 128
    n_mfcc: int = 20
    n_chroma: int = 12
    n_bands: int = 6
    save_frames: str | None = None
    frames: tuple[str, ...] = ()

    def __post_init__(self):
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown or not self.features:
            raise ParameterError(f"features: unknown or empty {unknown}; choose from {FEATURES}")
        object.__setattr__(self, "features", tuple(dict.fromkeys(self.features)))
        object.__setattr__(self, "stats", check_stats(self.stats))
        if self.sr is not None and not (isinstance(self.sr, int) and self.sr > 0):
            raise ParameterError(f"sr={self.sr!r} must be a positive integer or None (native)")
        if self.offset < 0:
            raise ParameterError(f"offset={self.offset} must be >= 0 seconds")
        if self.duration is not None and not self.duration > 0:
            raise ParameterError(f"duration={self.duration} must be > 0 seconds")
        if self.segment is not None and not self.segment > 0:
            raise ParameterError(f"segment={self.segment} must be > 0 seconds")
        if self.segment_hop is not None and (self.segment is None or not self.segment_hop > 0):
            raise ParameterError(f"segment_hop={self.segment_hop} needs segment and must be > 0")
        frames = tuple(dict.fromkeys(self.frames))
        unknown = [f for f in frames if f not in FRAME_ARRAYS]
        if unknown:
            raise ParameterError(f"frames: unknown {unknown}; choose from {tuple(FRAME_ARRAYS)}")
        if bool(frames) != (self.save_frames is not None):
            raise ParameterError("save_frames (a folder) and frames (array names) go together")
        object.__setattr__(self, "frames", frames)

    def extracted(self) -> tuple[str, ...]:
        """Features to extract: the table's, plus those the saved frame arrays come from."""
        extra = [FRAME_ARRAYS[f][0] for f in self.frames]
        return tuple(dict.fromkeys((*self.features, *extra)))

    def rows_of(self, feature: str) -> int:
        """Rows of ``feature``'s frame-level output."""
        return {
            "melspectrogram": self.n_mels,
            "mfcc": self.n_mfcc,
            "chroma_stft": self.n_chroma,
            "spectral_contrast": self.n_bands + 1,
        }.get(feature, 1)

    def feature_columns(self) -> list[str]:
        """The feature table's float32 columns, in order."""
        return [c for f in self.features for c in column_names(f, self.rows_of(f), self.stats)]


def schema(options: BatchOptions) -> pa.Schema:
    """The table's schema: path, segment, start, duration, sr, n_frames, then the features."""
    fields = [pa.field(n, t) for n, t in _META_COLUMNS]
    fields += [pa.field(c, pa.float32()) for c in options.feature_columns()]
    return pa.schema(fields)


def _segments(n: int, sr: int, options: BatchOptions) -> list[tuple[int, int]]:
    if options.segment is None:
        return [(0, n)]
    length = max(1, round(options.segment * sr))
    hop = max(1, round((options.segment_hop or options.segment) * sr))
    if n <= length:
        return [(0, n)]
    return [(s, s + length) for s in range(0, n - length + 1, hop)]


def process_source(source: Source, options: BatchOptions) -> list[dict[str, Any]]:
    """Rows for one input: ``{"meta": (...), "values": float32 array}`` per segment.

    Raises
    ------
    DecodeError, ParameterError
        When the input cannot be decoded or its audio cannot be analysed.
    """
    y, sr = load(source, sr=options.sr, offset=options.offset, duration=options.duration)
    rows = []
    for index, (a, b) in enumerate(_segments(y.size, sr, options)):
        feats = extract(
            y[a:b],
            sr,
            options.extracted(),
            n_fft=options.n_fft,
            hop_length=options.hop_length,
            n_mels=options.n_mels,
            n_mfcc=options.n_mfcc,
            n_chroma=options.n_chroma,
            n_bands=options.n_bands,
        )
        values = np.concatenate([summarize(feats[f], options.stats) for f in options.features])
        n_frames = int(next(iter(feats.values())).shape[-1])
        if options.save_frames is not None:
            segment = index if options.segment is not None else None
            _save_frames(source, segment, feats, options)
        rows.append(
            {
                "meta": (source.name, index, a / sr, (b - a) / sr, sr, n_frames),
                "values": values,
            }
        )
    return rows


def frames_path(folder: str, source: Source, segment: int | None, name: str) -> str:
    """Where --save-frames writes array ``name`` of ``source`` (and segment): the file's base
    name, a short hash of its full path (unique across folders and archives), the segment."""
    base = os.path.basename(source.member) or "audio"
    digest = hashlib.sha1(source.name.encode("utf-8")).hexdigest()[:10]
    seg = f".seg{segment:04d}" if segment is not None else ""
    return os.path.join(folder, f"{base}-{digest}{seg}.{name}.npy")


def _save_frames(source: Source, segment: int | None, feats: dict, options: BatchOptions):
    os.makedirs(options.save_frames, exist_ok=True)
    for name in options.frames:
        feature, transform = FRAME_ARRAYS[name]
        value = feats[feature]
        if transform == "db":
            value = power_to_db(value)
        path = frames_path(options.save_frames, source, segment, name)
        with open(path + ".tmp", "wb") as f:
            np.save(f, np.asarray(value, dtype=np.float32))
        os.replace(path + ".tmp", path)


def rows_to_table(rows: Sequence[dict[str, Any]], options: BatchOptions) -> pa.Table:
    """A feature table from :func:`process_source` rows (an empty one for no rows)."""
    sch = schema(options)
    n_meta = len(_META_COLUMNS)
    columns: list[Any] = []
    for i, (_name, typ) in enumerate(_META_COLUMNS):
        columns.append(pa.array([r["meta"][i] for r in rows], type=typ))
    n_feat = len(sch) - n_meta
    values = np.stack([r["values"] for r in rows]) if rows else np.zeros((0, n_feat), np.float32)
    for j in range(n_feat):
        columns.append(pa.array(np.ascontiguousarray(values[:, j]), type=pa.float32()))
    return pa.Table.from_arrays(columns, schema=sch)


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(error kind, message) for the errors table."""
    kind = {DecodeError: "decode", ParameterError: "analysis"}.get(type(exc), type(exc).__name__)
    return kind, str(exc) or type(exc).__name__
