"""Classification reports: the metrics of ``genrefx train`` (cross-validated) and ``evaluate``."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..exceptions import ParameterError

__all__ = ["THRESHOLD", "Report", "make_report"]

#: A multi-label model predicts every class whose probability is at least this.
THRESHOLD = 0.5


@dataclasses.dataclass
class Report:
    """Metrics of predictions per track.

    Attributes
    ----------
    title : str
        What was evaluated (cross-validation folds, or the held-out table).
    classes : tuple of str
    multilabel : bool
    n_tracks, n_rows : int
        Tracks scored, and the table rows (segments) their probabilities were averaged from.
    metrics : dict
        Single-label: ``accuracy``, ``macro_f1``. Multi-label: ``subset_accuracy`` (the exact
        set of labels), ``micro_f1``, ``macro_f1``, ``hamming_loss``, ``coverage_error``.
    per_class : dict
        ``{class: {"precision", "recall", "f1", "support"}}``.
    confusion : list
        Single-label: the (classes, classes) matrix, rows true, columns predicted. Multi-label:
        one ``[[tn, fp], [fn, tp]]`` per class.
    dropped : list of str
        Tracks of the table left out for want of a label.
    """

    title: str
    classes: tuple[str, ...]
    multilabel: bool
    n_tracks: int
    n_rows: int
    metrics: dict[str, float]
    per_class: dict[str, dict[str, float]]
    confusion: list[Any]
    dropped: list[str] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return dataclasses.asdict(self) | {"classes": list(self.classes)}

    def text(self) -> str:
        """The report as a text table."""
        width = max(8, *(len(c) for c in self.classes))
        lines = [self.title]
        lines.append("  ".join(f"{k.replace('_', ' ')} {v:.4f}" for k, v in self.metrics.items()))
        lines.append("")
        lines.append(f"{'class':<{width}}  precision  recall      f1  support")
        for name, m in self.per_class.items():
            lines.append(
                f"{name:<{width}}  {m['precision']:>9.3f}  {m['recall']:>6.3f}  {m['f1']:>6.3f}"
                f"  {m['support']:>7d}"
            )
        lines.append("")
        if self.multilabel:
            lines.append("per-class confusion ([[tn, fp], [fn, tp]])")
            for name, ((tn, fp), (fn, tp)) in zip(self.classes, self.confusion, strict=True):
                lines.append(f"{name:<{width}}  [[{tn}, {fp}], [{fn}, {tp}]]")
        else:
            cell = max(5, *(len(c) for c in self.classes))
            lines.append("confusion matrix (rows: true, columns: predicted)")
            lines.append(" " * width + "".join(f"  {c:>{cell}}" for c in self.classes))
            for name, row in zip(self.classes, self.confusion, strict=True):
                lines.append(f"{name:<{width}}" + "".join(f"  {v:>{cell}d}" for v in row))
        return "\n".join(lines)

    def plot(self, path: str) -> None:
        """Save the confusion matrix (multi-label: one 2x2 matrix per class) as a PNG at
        ``path``, atomically. Needs matplotlib (``pip install "genrefx[plot]"``)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        if self.multilabel:
            n = len(self.classes)
            cols = min(n, 4)
            rows = -(-n // cols)
            fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.6 * rows), squeeze=False)
            for ax in axes.flat[n:]:
                ax.axis("off")
            panels = zip(axes.flat, self.classes, self.confusion, strict=False)
            for ax, name, matrix in panels:
                _matrix(ax, np.asarray(matrix), ["no", "yes"], name)
        else:
            size = 2.0 + 0.6 * len(self.classes)
            fig, ax = plt.subplots(figsize=(max(size + 1.5, 6.0), size + 0.5))
            _matrix(ax, np.asarray(self.confusion), self.classes, "")
            ax.set_xlabel("predicted")
            ax.set_ylabel("true")
        fig.suptitle(self.title.replace(": ", ":\n", 1), fontsize=9)
        fig.tight_layout()
        path = os.fspath(path)
        tmp = f"{path}.tmp{os.getpid()}.png"
        try:
            fig.savefig(tmp, dpi=100)
            os.replace(tmp, path)
        except OSError as exc:
            raise ParameterError(f"plot {path!r}: cannot write: {exc}") from None
        finally:
            plt.close(fig)
            if os.path.exists(tmp):
                os.remove(tmp)


def _matrix(ax, matrix: np.ndarray, labels: Sequence[str], title: str) -> None:
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    limit = matrix.max() / 2 if matrix.size else 0
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, str(value), ha="center", va="center", color="white" if value > limit else "k")
    if title:
        ax.set_title(title, fontsize=9)


def make_report(
    title: str,
    classes: Sequence[str],
    true: np.ndarray,
    probabilities: np.ndarray,
    *,
    multilabel: bool,
    n_rows: int,
    dropped: Sequence[str] = (),
) -> Report:
    """The :class:`Report` of per-track ``probabilities`` against the ``true`` labels.

    Parameters
    ----------
    title : str
    classes : sequence of str
    true : np.ndarray
        Class index per track, or the (tracks, classes) 0/1 indicator when ``multilabel``.
    probabilities : np.ndarray [shape=(tracks, classes)]
        The prediction is the most probable class, or (multilabel) every class with a
        probability of at least :data:`THRESHOLD`.
    multilabel : bool
    n_rows : int
        The rows the probabilities were averaged from.
    dropped : sequence of str
        Tracks left out for want of a label.
    """
    from sklearn import metrics

    k = len(classes)
    true = np.asarray(true)
    if multilabel:
        predicted = (probabilities >= THRESHOLD).astype(np.int64)
        scores = {
            "subset_accuracy": metrics.accuracy_score(true, predicted),
            "micro_f1": metrics.f1_score(true, predicted, average="micro", zero_division=0),
            "macro_f1": metrics.f1_score(true, predicted, average="macro", zero_division=0),
            "hamming_loss": metrics.hamming_loss(true, predicted),
            "coverage_error": metrics.coverage_error(true, probabilities),
        }
        confusion = metrics.multilabel_confusion_matrix(true, predicted).tolist()
    else:
        predicted = np.argmax(probabilities, axis=1)
        scores = {
            "accuracy": metrics.accuracy_score(true, predicted),
            "macro_f1": metrics.f1_score(
                true, predicted, labels=range(k), average="macro", zero_division=0
            ),
        }
        confusion = metrics.confusion_matrix(true, predicted, labels=range(k)).tolist()
    precision, recall, f1, support = metrics.precision_recall_fscore_support(
        true, predicted, labels=range(k), zero_division=0
    )
    per_class = {
        c: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, c in enumerate(classes)
    }
    return Report(
        title=title,
        classes=tuple(classes),
        multilabel=multilabel,
        n_tracks=int(true.shape[0]),
        n_rows=int(n_rows),
        metrics={name: float(v) for name, v in scores.items()},
        per_class=per_class,
        confusion=confusion,
        dropped=list(dropped),
    )
