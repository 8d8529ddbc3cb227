"""``genrefx predict``: a model's top genres for audio files, folders and archives, as CSV."""

from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Sequence
from typing import IO

import numpy as np

from ..exceptions import ParameterError
from .model import GenreModel
from .report import THRESHOLD
from .train import check_output

__all__ = ["PredictResult", "predict_files"]

ERROR_COLUMNS = ("path", "error", "message")


@dataclasses.dataclass
class PredictResult:
    """Outcome of :func:`predict_files`.

    Attributes
    ----------
    header : list of str
    rows : list of list
        One per track that could be analysed, as written.
    errors : list of tuple
        ``(path, error, message)`` of each input that failed.
    output, errors_path : str or None
        The files written (None when the predictions went to a stream).
    """

    header: list[str]
    rows: list[list]
    errors: list[tuple[str, str, str]]
    output: str | None
    errors_path: str | None


def _write_csv(path: str, header: Sequence[str], rows: Sequence[Sequence]) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _errors_path(output: str) -> str:
    return os.path.splitext(output)[0] + ".errors.csv"


def predict_files(
    model: str | GenreModel,
    inputs: Sequence[str],
    *,
    output: str | None = None,
    top_k: int = 3,
    stream: IO[str] | None = None,
) -> PredictResult:
    """Predict the genres of every track named by ``inputs`` and write them as CSV.

    Parameters
    ----------
    model : str or GenreModel
    inputs : sequence of str
        Files, directories, glob patterns, ``@list`` files, zip/tar archives,
        ``ARCHIVE::MEMBER``, as for batch-extract.
    output : str or None
        The CSV to write (atomically; the name must end in ``.csv``); failed inputs go to
        ``OUT.errors.csv`` beside it (path, error, message), as for batch-extract. Both are
        checked before any work: their folder must exist, and they must not be the model or
        an input. When None, the CSV goes to ``stream``.
    top_k : int > 0
        Most probable classes listed per track (at most the number of classes).
    stream : text stream or None
        Where the CSV goes without ``output``.

    Returns
    -------
    PredictResult
        Columns ``path, genre, probability, genre_1, prob_1, ..., genre_k, prob_k``; a
        multi-label model adds ``labels``: every class with a probability of at least 0.5,
        separated by ``|``. A failed input never stops the run.

    Raises
    ------
    ParameterError
        A bad model, ``top_k``, ``output`` or input (one that names nothing).
    """
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise ParameterError(f"top_k={top_k!r} must be a positive integer")
    if output is not None:  # before any work: extraction can take hours
        output = os.fspath(output)
        # (a .csv name: never one of the audio files a folder, pattern or list names)
        if not output.lower().endswith(".csv"):
            raise ParameterError(f"output {output!r}: predict writes CSV; give a .csv name")
        # (an @list's file is an input too)
        sources = [
            model,
            *(i[1:] if isinstance(i, str) and i.startswith("@") else i for i in inputs),
        ]
        check_output(output, "output", inputs=sources)
        check_output(_errors_path(output), "output's errors file", inputs=sources)
    model = model if isinstance(model, GenreModel) else GenreModel.load(model)
    errors: list[tuple[str, str, str]] = []
    names, probabilities = model.track_probabilities(list(inputs), errors=errors)
    k = min(top_k, len(model.classes))
    header = ["path", "genre", "probability"]
    header += [c for i in range(1, k + 1) for c in (f"genre_{i}", f"prob_{i}")]
    if model.multilabel:
        header.append("labels")
    rows = []
    for name, p in zip(names, probabilities, strict=True):
        order = np.argsort(-p, kind="stable")[:k]
        row: list = [name, model.classes[order[0]], f"{p[order[0]]:.6f}"]
        row += [v for i in order for v in (model.classes[i], f"{p[i]:.6f}")]
        if model.multilabel:
            row.append("|".join(c for c, v in zip(model.classes, p, strict=True) if v >= THRESHOLD))
        rows.append(row)
    errors_path = None
    if output is None:
        if stream is not None:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        errors_path = _errors_path(output)
        _write_csv(output, header, rows)
        _write_csv(errors_path, ERROR_COLUMNS, errors)
    return PredictResult(header, rows, errors, output, errors_path)
