"""``genrefx evaluate``: a trained model's report on a held-out, labelled feature table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..batch.features import options_of
from ..exceptions import ParameterError
from .dataset import join_labels, normalized, read_table, same_value, table_options, track_means
from .model import GenreModel
from .report import Report, make_report
from .train import check_plot, track_truth

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["evaluate"]


def evaluate(
    model: str | GenreModel,
    features: str | pa.Table,
    labels: str,
    *,
    key: str = "path",
    label_column: str = "genre",
    plot: str | None = None,
) -> Report:
    """The report of ``model`` on a labelled feature table it was not trained on.

    Parameters
    ----------
    model : str or GenreModel
        A model made by ``genrefx train``.
    features : str or pyarrow.Table
        A feature table with (at least) the model's feature columns, extracted with the same
        options (rate, STFT, sizes, segments ...). They are read as for training: from a
        Parquet table's metadata, or from a CSV table's columns (its ``n_frames`` must fit
        the model's hop length; the ``n_fft``, ``offset``, ``duration`` and sizes of features
        it lacks, which its columns do not show, are assumed to be the model's). Back-to-back
        segments compare equal however ``segment_hop`` was given.
    labels : str
        LABELS.csv, joined on ``key`` as by ``genrefx train``; its labels must be among the
        model's classes.
    key, label_column : str
    plot : str or None
        Also save the confusion matrix as a PNG there (its folder must exist; checked first).

    Returns
    -------
    Report
        Per track (segment probabilities averaged), as the cross-validated report of train.

    Raises
    ------
    ParameterError
        Not a genrefx feature model, a table whose columns or extraction options differ from
        the model's, unusable labels.
    """
    import pyarrow as pa

    inputs = [labels] + ([] if isinstance(features, pa.Table) else [features])
    if not isinstance(model, GenreModel):
        inputs.append(model)
    check_plot(plot, inputs=inputs)
    model = model if isinstance(model, GenreModel) else GenreModel.load(model)
    if model.kind != "features":
        raise ParameterError(f"{model.path} is a {model.kind} model; evaluate takes feature models")
    table = features if isinstance(features, pa.Table) else read_table(features)
    # as for training; a CSV table shows no n_fft, offset or duration: the model's are assumed
    recorded = normalized(table_options(table, defaults=model.options).extraction())
    expected = normalized(model.options.extraction())
    differ = [  # features and stats only decide the columns, checked below
        k
        for k, v in recorded.items()
        if k not in ("features", "stats") and not same_value(expected.get(k), v)
    ]
    if options_of(table.schema) is None:  # a CSV table: what its columns cannot show
        differ = [k for k in differ if not _csv_agrees(k, model.options, table)]
    if differ:
        raise ParameterError(
            "the table was extracted with other options than the model's training table: "
            + ", ".join(f"{k}={recorded[k]!r} (model: {expected.get(k)!r})" for k in differ)
        )
    data = join_labels(
        table,
        labels,
        key=key,
        label_column=label_column,
        multilabel=model.multilabel,
        columns=model.feature_columns,
        classes=model.classes,
    )
    names, truth = track_truth(data)
    probabilities = track_means(data.tracks, model.predict_rows(data.X))[1]
    report = make_report(
        f"evaluation of {model.path}: {len(names)} tracks ({data.X.shape[0]} rows), "
        f"{len(data.classes)} classes",
        data.classes,
        truth,
        probabilities,
        multilabel=data.multilabel,
        n_rows=data.X.shape[0],
        dropped=data.dropped,
    )
    if plot is not None:
        report.plot(plot)
    return report


def _csv_agrees(name: str, options, table: pa.Table) -> bool:
    """Whether a CSV table's rows agree with the model's option ``name`` although the value
    inferred from the columns differs: any rate for a model of native rates (``sr`` None),
    and a segment model's table in which no track has a second segment (tracks no longer
    than one segment) when no row is longer than the model's segment."""
    if name == "sr":
        return options.sr is None
    if name in ("segment", "segment_hop") and options.segment is not None:
        segments = table.column("segment").to_numpy()
        durations = table.column("duration").to_numpy()
        return not (segments > 0).any() and bool((durations <= options.segment + 1e-6).all())
    return False
