"""``genrefx train``: cross-validate a model on a feature table, fit it on all of it, export it
to ONNX with the metadata that predict needs."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._core import __version__
from ..exceptions import ParameterError
from .crossval import cross_val_probabilities
from .dataset import (
    Labelled,
    extra_columns,
    join_labels,
    normalized,
    read_table,
    table_options,
    track_means,
)
from .export import INPUT_NAME, OUTPUT_NAME, to_onnx
from .metadata import FORMAT, save_model
from .models import fit, make_pipeline
from .report import Report, make_report

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["TrainResult", "check_output", "check_plot", "track_truth", "train"]


@dataclasses.dataclass
class TrainResult:
    """Outcome of :func:`train`.

    Attributes
    ----------
    report : Report
        The cross-validated report, per track.
    pipeline : sklearn.pipeline.Pipeline
        The scikit-learn model fitted on all labelled rows, which the ONNX file holds.
    metadata : dict
        The genrefx metadata written into the model.
    export_difference : float
        ``max |ONNX Runtime - scikit-learn|`` of the class probabilities on the training rows.
    notes : list of str
        What the user should know: columns of the table that are not features and were
        ignored, parameters lowered to fit small data, options a CSV table cannot show.
    """

    report: Report
    pipeline: Any
    metadata: dict[str, Any]
    export_difference: float
    notes: list[str] = dataclasses.field(default_factory=list)


def check_output(path: str, name: str, *, inputs: Sequence[Any] = ()) -> str:
    """Fail early, before any work, when ``path`` cannot be written.

    Parameters
    ----------
    path : str
        A file to write (atomically: a temporary file beside it, then a rename).
    name : str
        How the message names it (``"output"``, ``"plot"``).
    inputs : sequence
        Files the command reads: ``path`` must not be one of them.

    Returns
    -------
    str
        ``path`` as a string.

    Raises
    ------
    ParameterError
        When ``path`` is empty or a folder, its folder does not exist or cannot be written, or
        it is one of ``inputs``.
    """
    path = os.fspath(path)
    if not path:
        raise ParameterError(f"{name}: an empty file name")
    if os.path.isdir(path):
        raise ParameterError(f"{name} {path!r} is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ParameterError(f"{name} {path!r}: the folder {folder!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ParameterError(f"{name} {path!r}: cannot write in the folder {folder!r}")
    existing = [s for s in inputs if isinstance(s, str | os.PathLike) and os.path.exists(s)]
    if os.path.exists(path) and any(os.path.samefile(path, s) for s in existing):
        raise ParameterError(f"{name} {path!r} is an input of the command; it would be overwritten")
    return path


def check_plot(plot: str | None, *, inputs: Sequence[Any] = ()) -> None:
    """Fail early when a plot is asked for without matplotlib, or cannot be written (see
    :func:`check_output`)."""
    if plot is None:
        return
    check_output(plot, "plot", inputs=inputs)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ParameterError("plot needs matplotlib: pip install 'genrefx[plot]'") from None


def track_truth(data: Labelled) -> tuple[list[str], np.ndarray]:
    """Each track's labels: a class index, or the 0/1 indicator when multilabel."""
    indicator = data.y if data.multilabel else np.eye(len(data.classes))[data.y]
    names, means = track_means(data.tracks, indicator)
    truth = np.rint(means).astype(np.int64)
    return names, truth if data.multilabel else np.argmax(truth, axis=1)


def train(
    features: str | pa.Table,
    labels: str,
    output: str,
    *,
    model: str = "logreg",
    key: str = "path",
    label_column: str = "genre",
    group_column: str | None = None,
    multilabel: bool = False,
    params: dict[str, Any] | None = None,
    seed: int = 0,
    n_fft: int | None = None,
    hop_length: int | None = None,
    plot: str | None = None,
) -> TrainResult:
    """Train a genre classifier on a batch-extract feature table and export it to ONNX.

    Cross-validates :func:`~genrefx.classify.make_pipeline` ``(model)`` with folds that never
    split a track's segments (or a ``group_column`` group, e.g. an artist) between training and
    test, reports per track (segment probabilities averaged), then fits on all labelled rows
    and writes ``output``: the ONNX model (input ``features`` float32 ``[N, n_features]``,
    outputs ``label`` and ``probabilities``) with genrefx metadata: the classes, the feature
    columns, the extraction options of the table, the genrefx version, the model kind and its
    cross-validated scores. Nothing is written when anything fails.

    Parameters
    ----------
    features : str or pyarrow.Table
        The feature table (Parquet or CSV file, or a table from
        :func:`genrefx.batch.extract_files`).
    labels : str
        LABELS.csv; see :func:`~genrefx.classify.dataset.join_labels` for ``key``,
        ``label_column``, ``group_column`` and ``multilabel``.
    output : str
        The ONNX file to write (replaced atomically); its folder must exist, and it must not
        be the table or the labels (checked before any work, as ``plot``).
    model : str
        A kind from :data:`~genrefx.classify.MODELS`.
    params : dict or None
        Classifier parameters replacing genrefx's defaults.
    seed : int
        Seeds the folds and the classifier.
    n_fft, hop_length : int or None
        Only for tables without genrefx metadata (CSV): the STFT they were extracted with.
        A CSV table does not show ``--offset`` / ``--duration``: the model records neither,
        and a note says so when the table's tracks all cover the same time (train on the
        Parquet table, which records every option).
    plot : str or None
        Also save the confusion matrix as a PNG there (needs matplotlib).

    The model takes exactly the feature columns of the table's extraction options; other
    columns (e.g. ``track_id``) are ignored, with a note in :attr:`TrainResult.notes`.

    Returns
    -------
    TrainResult

    Raises
    ------
    ParameterError
        Unknown model or parameters (or parameters scikit-learn rejects when fitting), an
        output that cannot be written, unreadable or unusable table or labels, a table with
        none of the feature columns of its options, a single class, too few tracks per class
        for grouped cross-validation.
    """
    import pyarrow as pa

    inputs = [labels] if isinstance(features, pa.Table) else [features, labels]
    output = check_output(output, "output", inputs=inputs)
    check_plot(plot, inputs=[*inputs, output])
    if plot is not None and os.path.abspath(plot) == os.path.abspath(output):
        raise ParameterError(f"plot {plot!r} is the model's output file")
    pipeline = make_pipeline(model, multilabel=multilabel, params=params, seed=seed)
    table = features if isinstance(features, pa.Table) else read_table(features)
    notes: list[str] = []
    options = table_options(table, n_fft=n_fft, hop_length=hop_length, notes=notes)
    # the options' feature columns the table has (a selection of them is a model on fewer
    # features: predict extracts them all and takes these)
    made = options.feature_columns()
    columns = [c for c in made if c in table.column_names]
    if not columns:
        raise ParameterError(
            f"the table has none of the {len(made)} feature columns its extraction options make "
            f"(e.g. {made[:3]}); it is not a batch-extract table"
        )
    if len(columns) < len(made):
        notes.append(f"the model takes the table's {len(columns)} of {len(made)} feature columns")
    ignored = extra_columns(table, options)
    if ignored:
        shown = ", ".join(ignored[:5]) + (" ..." if len(ignored) > 5 else "")
        notes.append(
            f"{len(ignored)} column(s) of the table are not features of its extraction options "
            f"and were ignored: {shown}"
        )
    data = join_labels(
        table,
        labels,
        key=key,
        label_column=label_column,
        group_column=group_column,
        multilabel=multilabel,
        columns=columns,
    )
    if len(data.classes) < 2:
        raise ParameterError(
            f"labels: every labelled track is {data.classes[0]!r}; a classifier needs two or "
            "more classes"
        )
    if data.multilabel:
        always = [c for c, on in zip(data.classes, data.y.all(axis=0), strict=True) if on]
        if always:
            raise ParameterError(f"labels: {always} apply to every track; they tell nothing")

    probabilities, folds = cross_val_probabilities(
        pipeline, data, seed=seed, params=params, notes=notes
    )
    names, truth = track_truth(data)
    unit = "track" if group_column is None else f"{group_column!r}"
    title = (
        f"{folds}-fold cross-validation grouped by {unit}: {len(names)} tracks "
        f"({data.X.shape[0]} rows), {len(data.classes)} classes, model {model}"
    )
    report = make_report(
        title,
        data.classes,
        truth,
        track_means(data.tracks, probabilities)[1],
        multilabel=data.multilabel,
        n_rows=data.X.shape[0],
        dropped=data.dropped,
    )

    notes.extend(n for n in fit(pipeline, data.X, data.y, params=params) if n not in notes)
    onnx_model = to_onnx(pipeline, data.X.shape[1])
    difference = _export_difference(onnx_model, pipeline, data.X)
    metadata = {
        "format": FORMAT,
        "kind": "features",
        "classes": list(data.classes),
        "multilabel": data.multilabel,
        "feature_columns": data.columns,
        "extraction": normalized(options.extraction()),
        "input": INPUT_NAME,
        "output": OUTPUT_NAME,
        "scores": "probabilities",
        "genrefx_version": __version__,
        "model": model,
        "params": dict(params or {}),
        "seed": seed,
        "trained_on": {"tracks": len(names), "rows": int(data.X.shape[0])},
        "cross_validation": {"folds": folds, **report.metrics},
        "export_max_abs_difference": difference,
    }
    if plot is not None:  # first: the model is the one that must not be left half-done
        report.plot(plot)
    save_model(onnx_model, metadata, output)
    return TrainResult(report, pipeline, metadata, difference, notes)


def _export_difference(onnx_model, pipeline, X: np.ndarray) -> float:
    """max |ONNX Runtime - scikit-learn| of the probabilities on ``X``."""
    import onnxruntime

    session = onnxruntime.InferenceSession(
        onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (got,) = session.run([OUTPUT_NAME], {INPUT_NAME: X})
    return float(np.max(np.abs(got - pipeline.predict_proba(X)))) if X.size else 0.0
