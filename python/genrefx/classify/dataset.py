"""A feature table joined with its labels: the rows, classes and groups a model learns from."""

from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..batch.features import BatchOptions, options_of
from ..batch.sources import MEMBER_SEPARATOR
from ..batch.summary import STATS
from ..exceptions import ParameterError
from ..extract import FEATURES, RECIPE_FEATURES

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "KEYS",
    "META_COLUMNS",
    "Labelled",
    "extra_columns",
    "join_labels",
    "normalized",
    "read_table",
    "same_value",
    "table_options",
    "track_means",
]

#: The feature table's columns that are not features.
META_COLUMNS = ("path", "segment", "start", "duration", "sr", "n_frames")
#: How LABELS.csv joins the table: by ``path``, or by FMA's integer ``track_id``.
KEYS = ("path", "track_id")
#: Separator of the labels of one track in a multi-label LABELS.csv.
LABEL_SEPARATOR = "|"


def read_table(path: str) -> pa.Table:
    """A feature table from Parquet, or from CSV when the name ends in ``.csv``.

    Raises
    ------
    ParameterError
        When the file cannot be read as a table with a ``path`` column.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path = os.fspath(path)
    try:
        table = pacsv.read_csv(path) if path.lower().endswith(".csv") else pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise ParameterError(f"FEATURES {path!r}: cannot read the table: {exc}") from None
    if "path" not in table.column_names:
        raise ParameterError(f"FEATURES {path!r} has no 'path' column (not a batch-extract table)")
    return table


def _parse_column(name: str) -> tuple[str, str, int] | None:
    """(feature, stat, index) of a feature column (index 0 for a one-row feature), or None
    when ``name`` is not one (an extra column such as ``track_id``)."""
    for feature in sorted((*FEATURES, *RECIPE_FEATURES), key=len, reverse=True):
        if name.startswith(feature + "_"):
            stat, _, index = name[len(feature) + 1 :].partition("_")
            if stat in STATS and (not index or _is_number(index)):
                return feature, stat, int(index or 0)
    return None


def normalized(extraction: dict[str, Any]) -> dict[str, Any]:
    """``extraction`` (:meth:`BatchOptions.extraction`) with ``segment_hop`` None when it equals
    ``segment``: back-to-back segments, however they were asked for, compare and record equal."""
    out = dict(extraction)
    hop, segment = out.get("segment_hop"), out.get("segment")
    if hop is not None and segment is not None and np.isclose(hop, segment, rtol=0, atol=1e-6):
        out["segment_hop"] = None
    return out


def same_value(a: Any, b: Any) -> bool:
    """Whether two extraction values are equal (numbers within 1e-6: times read from a table)."""
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b)):
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-6))
    return a == b


def _inferred_options(
    table: pa.Table,
    n_fft: int,
    hop_length: int,
    *,
    defaults: BatchOptions | None = None,
    notes: list[str] | None = None,
) -> BatchOptions:
    """The options of a table without genrefx metadata (a CSV table), from its columns.

    The features, statistics and sizes come from the feature columns (columns that are not
    genrefx feature columns, such as ``track_id``, are left out), the rate from ``sr``, the
    segments from ``segment`` / ``start`` / ``duration``. What the columns do not show
    (``offset``, ``duration``, the sizes of absent features) is taken from ``defaults``
    (batch-extract's defaults when None). When every track of an unsegmented table lasts
    exactly the same time, the table may have been cut by ``--duration`` / ``--offset``, which
    a CSV table does not record: a note saying so is appended to ``notes``.
    """
    columns = [c for c in table.column_names if c not in META_COLUMNS and _parse_column(c)]
    if not columns:
        raise ParameterError("the table has no genrefx feature columns")
    parsed = [_parse_column(c) for c in columns]
    features = tuple(dict.fromkeys(f for f, _, _ in parsed))
    stats = tuple(dict.fromkeys(s for _, s, _ in parsed))
    rows = {f: max(max(i for g, _, i in parsed if g == f), 1) for f in features}
    sizes = {
        "melspectrogram": "n_mels",
        "mfcc": "n_mfcc",
        "chroma_stft": "n_chroma",
        "chroma_cqt": "n_chroma",
        "chroma_cens": "n_chroma",
    }
    base = {} if defaults is None else defaults.extraction()
    for name in ("preset", "fma_compat"):
        base.pop(name, None)
    kwargs: dict[str, Any] = {**base, "segment": None, "segment_hop": None}
    kwargs.update({sizes[f]: rows[f] for f in features if f in sizes})
    if "spectral_contrast" in features:
        kwargs["n_bands"] = rows["spectral_contrast"] - 1
    rates = set(table.column("sr").to_pylist()) if "sr" in table.column_names else set()
    segments = table.column("segment").to_numpy() if "segment" in table.column_names else None
    if segments is not None and (segments > 0).any():
        # batch-extract writes a track's segments in order: segment 1 follows segment 0
        second = np.flatnonzero(segments == 1)
        starts = table.column("start").to_numpy()
        kwargs["segment"] = round(float(np.median(table.column("duration").to_numpy()[second])), 6)
        kwargs["segment_hop"] = round(float(np.median(starts[second] - starts[second - 1])), 6)
    kwargs.update(
        sr=rates.pop() if len(rates) == 1 else None,
        features=features,
        stats=stats,
        n_fft=n_fft,
        hop_length=hop_length,
    )
    options = BatchOptions(**normalized(kwargs))
    if options.feature_columns() != columns:
        raise ParameterError(
            "the table's feature columns are not those of a batch-extract table "
            f"(expected {len(options.feature_columns())} columns in batch-extract's order)"
        )
    if "n_frames" in table.column_names and table.num_rows:
        samples = np.rint(table.column("duration").to_numpy() * table.column("sr").to_numpy())
        if not np.array_equal(1 + samples.astype(np.int64) // hop_length, table["n_frames"]):
            how = (
                "give the hop length it was extracted with"
                if defaults is None
                else "the model's; the table was extracted with another hop length"
            )
            raise ParameterError(
                f"the table's n_frames do not match hop_length={hop_length} ({how})"
            )
    if notes is not None and options.segment is None and "duration" in table.column_names:
        lengths = table.column("duration").to_numpy()  # one row per track
        if lengths.size > 1 and np.ptp(lengths) < 1e-6:
            notes.append(
                f"all {lengths.size} tracks of the CSV table last exactly {lengths[0]:g} s: if "
                "it was extracted with --duration or --offset, the model does not record it (a "
                "CSV table keeps no options) and predict will analyse whole tracks; train on "
                "the Parquet table instead, which records its options"
            )
    return options


def table_options(
    table: pa.Table,
    *,
    n_fft: int | None = None,
    hop_length: int | None = None,
    defaults: BatchOptions | None = None,
    notes: list[str] | None = None,
) -> BatchOptions:
    """The options ``table`` was extracted with.

    batch-extract records them in a Parquet table's metadata. A table without (CSV) has its
    features, statistics, sizes, rate and segments read from its feature columns (other
    columns, e.g. ``track_id``, are ignored), and ``n_fft`` / ``hop_length`` from the
    arguments (batch-extract's defaults 2048 / 512 when None; ``hop_length`` is checked
    against the ``n_frames`` column).

    A CSV table does not show whether it was extracted with ``--offset`` or ``--duration``:
    the options say neither (``offset`` 0, ``duration`` None, or ``defaults``' values), and
    when every track of an unsegmented table lasts the same time (as a ``--duration`` cut
    leaves them) a note recommending the Parquet table is appended to ``notes``.

    Parameters
    ----------
    table : pyarrow.Table
    n_fft, hop_length : int or None
    defaults : BatchOptions or None
        For a table without metadata: the values of the fields its columns do not show
        (offset, duration, the sizes of features it lacks); batch-extract's defaults when None.
    notes : list or None
        Receives notes (str) on what could not be read from a table without metadata.

    Raises
    ------
    ParameterError
        When ``n_fft`` or ``hop_length`` contradict the recorded options, or the options of a
        table without metadata cannot be read from its columns.
    """
    options = options_of(table.schema)
    if options is None:
        base = BatchOptions() if defaults is None else defaults
        return _inferred_options(
            table,
            base.n_fft if n_fft is None else n_fft,
            base.hop_length if hop_length is None else hop_length,
            defaults=defaults,
            notes=notes,
        )
    for name, value in (("n_fft", n_fft), ("hop_length", hop_length)):
        if value is not None and value != getattr(options, name):
            raise ParameterError(
                f"{name}={value}, but the table records {name}={getattr(options, name)}"
            )
    return options


def extra_columns(table: pa.Table, options: BatchOptions) -> list[str]:
    """Columns of ``table`` that are neither meta columns nor feature columns of ``options``
    (e.g. ``track_id``): a model trained on the table does not take them."""
    produced = set(options.feature_columns())
    return [c for c in table.column_names if c not in META_COLUMNS and c not in produced]


@dataclasses.dataclass
class Labelled:
    """Rows of a feature table that have labels.

    Attributes
    ----------
    X : np.ndarray [shape=(rows, features)], float32
    y : np.ndarray
        Class index per row (int64), or the (rows, classes) 0/1 indicator when multilabel.
    tracks : np.ndarray [shape=(rows,)], str
        Each row's track (its ``path``): the segments of a track share it.
    groups : np.ndarray [shape=(rows,)], str
        The cross-validation group of each row: its track, or the labels' group column.
    classes : tuple of str
    columns : list of str
        The feature columns of ``X``, in order.
    dropped : list of str
        Tracks of the table without a label (left out).
    multilabel : bool
    """

    X: np.ndarray
    y: np.ndarray
    tracks: np.ndarray
    groups: np.ndarray
    classes: tuple[str, ...]
    columns: list[str]
    dropped: list[str]
    multilabel: bool


def _is_number(text: str) -> bool:
    """Whether ``text`` is a non-negative integer in ASCII digits (``str.isdigit`` also takes
    ``'²3'``, which ``int`` refuses)."""
    return text.isascii() and text.isdigit()


def _track_id(path: str) -> int | None:
    """FMA's track id from a file name: ``000002.mp3`` -> 2 (None when the stem is not one)."""
    stem = os.path.splitext(os.path.basename(path.rsplit(MEMBER_SEPARATOR, 1)[-1]))[0]
    return int(stem) if _is_number(stem) else None


def _read_labels(path: str, key: str, label_column: str, group_column: str | None):
    """{key value: (label text, group)} from LABELS.csv."""
    path = os.fspath(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # Excel writes a BOM
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            wanted = [key, label_column] + ([group_column] if group_column else [])
            missing = [c for c in wanted if c not in header]
            if missing:
                raise ParameterError(
                    f"LABELS {path!r} has no column {missing[0]!r}; its columns: {header}"
                )
            records = list(reader)
    except OSError as exc:
        raise ParameterError(f"LABELS {path!r}: cannot read: {exc}") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ParameterError(f"LABELS {path!r} is not a CSV file: {exc}") from None
    labels: dict[Any, tuple[str, str | None]] = {}
    for line, record in enumerate(records, start=2):
        raw = (record[key] or "").strip()
        if key == "track_id":
            if not _is_number(raw):
                raise ParameterError(f"LABELS {path!r} line {line}: track_id={raw!r} is no integer")
            value: Any = int(raw)
        else:
            value = raw
        entry = (
            (record[label_column] or "").strip(),
            record[group_column] if group_column else None,
        )
        if labels.setdefault(value, entry) != entry:
            raise ParameterError(f"LABELS {path!r}: {key} {raw!r} has two different labels")
    return labels


def _row_keys(table: pa.Table, key: str, labels: dict) -> list[Any]:
    """The labels' key of each table row (None when the row has none)."""
    paths = table.column("path").to_pylist()
    if key == "track_id":
        if "track_id" in table.column_names:
            return table.column("track_id").to_pylist()
        return [_track_id(p) for p in paths]
    # a path, or else its file name (labels listing names only), when that is unambiguous
    by_name: dict[str, set[str]] = {}
    for p in paths:
        by_name.setdefault(os.path.basename(p.rsplit(MEMBER_SEPARATOR, 1)[-1]), set()).add(p)
    keys = []
    for p in paths:
        name = os.path.basename(p.rsplit(MEMBER_SEPARATOR, 1)[-1])
        if p in labels:
            keys.append(p)
        elif name in labels and len(by_name[name]) == 1:
            keys.append(name)
        elif name in labels:
            raise ParameterError(
                f"LABELS names {name!r}, which matches several tracks of the table "
                f"({sorted(by_name[name])[:2]} ...); give full paths"
            )
        else:
            keys.append(None)
    return keys


def join_labels(
    table: pa.Table,
    labels: str,
    *,
    key: str = "path",
    label_column: str = "genre",
    group_column: str | None = None,
    multilabel: bool = False,
    columns: Sequence[str] | None = None,
    classes: Sequence[str] | None = None,
) -> Labelled:
    """Join ``table`` with LABELS.csv and keep the labelled rows.

    Parameters
    ----------
    table : pyarrow.Table
        A batch-extract feature table.
    labels : str
        CSV file with a header: the key column, the label column and, if given, the group
        column. Rows of the table whose key has no (or an empty) label are dropped.
    key : {"path", "track_id"}
        ``path``: the table's path, or its file name when the labels list file names only.
        ``track_id``: the table's ``track_id`` column, or else the integer stem of the file
        name (FMA's ``000002.mp3`` is track 2).
    label_column : str
        The label; several labels of a track are separated by ``|`` when ``multilabel``.
    group_column : str or None
        Cross-validation groups (e.g. FMA's artist); each track is its own group when None.
    multilabel : bool
    columns : sequence of str or None
        Feature columns to take, in this order (all of the table's when None).
    classes : sequence of str or None
        The classes (a trained model's); the sorted distinct labels when None.

    Raises
    ------
    ParameterError
        Bad ``key`` or columns, unreadable labels, no labelled row, or (with ``classes``)
        labels that are not among ``classes``.
    """
    if key not in KEYS:
        raise ParameterError(f"key={key!r} must be one of {KEYS}")
    names = [c for c in table.column_names if c not in META_COLUMNS] if columns is None else columns
    absent = [c for c in names if c not in table.column_names]
    if absent:
        raise ParameterError(
            f"the table lacks {len(absent)} of the model's {len(names)} feature columns "
            f"(e.g. {absent[:3]}); it was extracted with other features or statistics"
        )
    import pyarrow as pa

    numeric = (pa.types.is_integer, pa.types.is_floating)
    text = [c for c in names if not any(t(table.schema.field(c).type) for t in numeric)]
    if text:
        raise ParameterError(
            f"the table's feature column {text[0]!r} holds {table.schema.field(text[0]).type}, "
            "not numbers"
        )
    entries = _read_labels(labels, key, label_column, group_column)
    keys = _row_keys(table, key, entries)
    paths = np.array(table.column("path").to_pylist(), dtype=object)
    found = [k is not None and bool(entries.get(k, ("", None))[0]) for k in keys]
    keep = np.flatnonzero(found)
    dropped = list(dict.fromkeys(paths[~np.asarray(found, dtype=bool)]))
    if keep.size == 0:
        raise ParameterError(
            f"no row of the table has a label in {labels!r} (joined on {key!r}, label column "
            f"{label_column!r})"
        )
    texts = [entries[keys[i]][0] for i in keep]
    sets = [
        tuple(sorted({t.strip() for t in s.split(LABEL_SEPARATOR) if t.strip()}))
        if multilabel
        else (s,)
        for s in texts
    ]
    seen = sorted({c for s in sets for c in s})
    classes = tuple(seen if classes is None else classes)
    unknown = sorted(set(seen) - set(classes))
    if unknown:
        raise ParameterError(f"labels {unknown} are not among the model's classes {classes}")
    index = {c: i for i, c in enumerate(classes)}
    if multilabel:
        y = np.zeros((keep.size, len(classes)), dtype=np.int64)
        for r, s in enumerate(sets):
            y[r, [index[c] for c in s]] = 1
    else:
        y = np.array([index[s[0]] for s in sets], dtype=np.int64)
    X = np.stack([table.column(c).to_numpy() for c in names], axis=1)
    X = np.ascontiguousarray(X[keep], dtype=np.float32)
    if not np.isfinite(X).all():
        bad = sorted({paths[keep][r] for r in np.flatnonzero(~np.isfinite(X).all(axis=1))})
        raise ParameterError(f"the features of {len(bad)} track(s) are not finite: {bad[:3]}")
    tracks = paths[keep].astype(str)
    groups = np.array([str(entries[keys[i]][1]) for i in keep]) if group_column else tracks.copy()
    return Labelled(
        X=X,
        y=y,
        tracks=tracks,
        groups=groups,
        classes=classes,
        columns=list(names),
        dropped=dropped,
        multilabel=multilabel,
    )


def track_means(tracks: Sequence[str], values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The tracks in order of first appearance, and the mean of each one's rows of
    ``values`` (a segment model's probabilities, averaged to the track)."""
    names, first, inverse = np.unique(
        np.asarray(tracks, dtype=str), return_index=True, return_inverse=True
    )
    sums = np.zeros((names.size, values.shape[1]), dtype=np.float64)
    np.add.at(sums, inverse, values)
    means = sums / np.bincount(inverse, minlength=names.size)[:, None]
    order = np.argsort(first)
    return [str(n) for n in names[order]], means[order]
