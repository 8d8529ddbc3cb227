"""``genrefx train``: cross-validate a model on a feature table, fit it on all of it, export it
to ONNX with the metadata that predict needs."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import numpy as np
import pyarrow as pa

from .._core import __version__
from ..exceptions import ParameterError
from .crossval import cross_val_probabilities
from .dataset import Labelled, join_labels, read_table, table_options, track_means
from .export import INPUT_NAME, OUTPUT_NAME, to_onnx
from .metadata import FORMAT, save_model
from .models import make_pipeline
from .report import Report, make_report

__all__ = ["TrainResult", "check_plot", "track_truth", "train"]


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
    """

    report: Report
    pipeline: Any
    metadata: dict[str, Any]
    export_difference: float


def check_plot(plot: str | None) -> None:
    """Fail early when a plot is asked for without matplotlib."""
    if plot is None:
        return
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
        The ONNX file to write (replaced atomically).
    model : str
        A kind from :data:`~genrefx.classify.MODELS`.
    params : dict or None
        Classifier parameters replacing genrefx's defaults.
    seed : int
        Seeds the folds and the classifier.
    n_fft, hop_length : int or None
        Only for tables without genrefx metadata (CSV): the STFT they were extracted with.
    plot : str or None
        Also save the confusion matrix as a PNG there (needs matplotlib).

    Returns
    -------
    TrainResult

    Raises
    ------
    ParameterError
        Unknown model or parameters, unreadable or unusable table or labels, a single class,
        too few tracks per class for grouped cross-validation.
    """
    pipeline = make_pipeline(model, multilabel=multilabel, params=params, seed=seed)
    check_plot(plot)
    table = features if isinstance(features, pa.Table) else read_table(features)
    options = table_options(table, n_fft=n_fft, hop_length=hop_length)
    data = join_labels(
        table,
        labels,
        key=key,
        label_column=label_column,
        group_column=group_column,
        multilabel=multilabel,
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

    probabilities, folds = cross_val_probabilities(pipeline, data, seed=seed)
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

    pipeline.fit(data.X, data.y)
    onnx_model = to_onnx(pipeline, data.X.shape[1])
    difference = _export_difference(onnx_model, pipeline, data.X)
    metadata = {
        "format": FORMAT,
        "kind": "features",
        "classes": list(data.classes),
        "multilabel": data.multilabel,
        "feature_columns": data.columns,
        "extraction": options.extraction(),
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
    save_model(onnx_model, metadata, os.fspath(output))
    if plot is not None:
        report.plot(plot)
    return TrainResult(report, pipeline, metadata, difference)


def _export_difference(onnx_model, pipeline, X: np.ndarray) -> float:
    """max |ONNX Runtime - scikit-learn| of the probabilities on ``X``."""
    import onnxruntime

    session = onnxruntime.InferenceSession(
        onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (got,) = session.run([OUTPUT_NAME], {INPUT_NAME: X})
    return float(np.max(np.abs(got - pipeline.predict_proba(X)))) if X.size else 0.0
