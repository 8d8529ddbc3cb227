"""``genrefx evaluate``: a trained model's report on a held-out, labelled feature table."""

from __future__ import annotations

import pyarrow as pa

from ..batch.features import options_of
from ..exceptions import ParameterError
from .dataset import join_labels, read_table, track_means
from .model import GenreModel
from .report import Report, make_report
from .train import check_plot, track_truth

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
        options (rate, STFT, sizes, segments ...; checked when the table records them).
    labels : str
        LABELS.csv, joined on ``key`` as by ``genrefx train``; its labels must be among the
        model's classes.
    key, label_column : str
    plot : str or None
        Also save the confusion matrix as a PNG there.

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
    check_plot(plot)
    model = model if isinstance(model, GenreModel) else GenreModel.load(model)
    if model.kind != "features":
        raise ParameterError(f"{model.path} is a {model.kind} model; evaluate takes feature models")
    table = features if isinstance(features, pa.Table) else read_table(features)
    recorded = options_of(table.schema)
    if recorded is not None:  # features and stats only decide the columns, checked below
        expected = model.options.extraction()
        differ = [
            k
            for k, v in recorded.extraction().items()
            if k not in ("features", "stats") and expected.get(k) != v
        ]
        if differ:
            raise ParameterError(
                "the table was extracted with other options than the model's training table: "
                + ", ".join(
                    f"{k}={recorded.extraction()[k]!r} (model: {expected[k]!r})" for k in differ
                )
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
