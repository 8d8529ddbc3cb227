"""``GenreModel``: an ONNX genre classifier with its genrefx metadata, run by ONNX Runtime."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..batch.audio import as_mono, load, resample
from ..batch.features import (
    BatchOptions,
    describe_error,
    process_array,
    process_source,
    recorded_options,
)
from ..batch.sources import Source, expand_inputs
from ..exceptions import ParameterError
from .logmel import logmel_patches
from .metadata import load_onnx, read_metadata
from .report import THRESHOLD

__all__ = ["GenreModel"]

_CHUNK = 4096  # rows per inference call when scoring a table


class GenreModel:
    """A genre classifier: an ONNX model with genrefx metadata, run by ONNX Runtime.

    Made by ``genrefx train`` (a scikit-learn Pipeline on batch-extract features) or any ONNX
    model on log-mel patches described by
    :func:`~genrefx.classify.attach_logmel_metadata`. Audio is analysed exactly as for the
    training table (the extraction options are in the model's metadata), and a track's
    probabilities are the mean over its segments (or log-mel patches).

    Use :meth:`load` to make one.

    Examples
    --------
    >>> model = genrefx.GenreModel.load("genres.onnx")  # doctest: +SKIP
    >>> model.predict(["a.mp3", "b.flac"])  # doctest: +SKIP
    array(['rock', 'jazz'], dtype=object)
    >>> model.predict_proba(y, sr=44100)  # one array: one track  # doctest: +SKIP
    """

    def __init__(self, metadata: dict[str, Any], session, path: str):
        self.metadata = metadata
        self.path = path
        self._session = session
        self._input = session.get_inputs()[0]
        if metadata["kind"] == "features":
            self.options: BatchOptions | None = recorded_options(metadata["extraction"])
            produced = self.options.feature_columns()
            absent = [c for c in self.feature_columns if c not in produced]
            if absent:
                raise ParameterError(
                    f"{path}: feature columns {absent[:3]} are not produced by the model's "
                    "extraction options"
                )
            self._take = np.array([produced.index(c) for c in self.feature_columns])
        else:
            self.options = None

    @classmethod
    def load(cls, path: str, *, n_threads: int = 1) -> GenreModel:
        """Load a model file.

        Parameters
        ----------
        path : str
            An ONNX file with genrefx metadata.
        n_threads : int > 0
            ONNX Runtime's threads per inference call.

        Raises
        ------
        ParameterError
            When the file is not an ONNX model, has no (valid) genrefx metadata, or ONNX
            Runtime cannot load it.
        """
        import onnxruntime

        path = os.fspath(path)
        model = load_onnx(path)
        metadata = read_metadata(model, path)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = n_threads
        options.inter_op_num_threads = 1
        try:
            session = onnxruntime.InferenceSession(
                model.SerializeToString(), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's own exception types
            raise ParameterError(f"{path}: ONNX Runtime cannot load the model: {exc}") from None
        return cls(metadata, session, path)

    @property
    def classes(self) -> tuple[str, ...]:
        """Class names, in the order of the probability columns."""
        return tuple(self.metadata["classes"])

    @property
    def kind(self) -> str:
        """``"features"`` (a batch-extract feature model) or ``"logmel_patch"``."""
        return self.metadata["kind"]

    @property
    def multilabel(self) -> bool:
        """Whether several classes can apply to a track."""
        return self.metadata["multilabel"]

    @property
    def feature_columns(self) -> list[str] | None:
        """The input's feature columns, in order (None for a log-mel model)."""
        return self.metadata.get("feature_columns") if self.kind == "features" else None

    def _run(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (float64) of one input batch."""
        (out,) = self._session.run([self.metadata["output"]], {self._input.name: x})
        scores = np.asarray(out, dtype=np.float64)
        if scores.ndim != 2 or scores.shape != (x.shape[0], len(self.classes)):
            raise ParameterError(
                f"{self.path}: output {self.metadata['output']!r} has shape {scores.shape}; "
                f"expected ({x.shape[0]}, {len(self.classes)}), one column per class"
            )
        if self.metadata["scores"] == "logits":
            if self.multilabel:
                return 1.0 / (1.0 + np.exp(-scores))
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            return scores / scores.sum(axis=1, keepdims=True)
        return scores

    def predict_rows(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities of feature-table rows.

        Parameters
        ----------
        X : np.ndarray [shape=(rows, len(feature_columns))]
            Features in the order of :attr:`feature_columns` (cast to float32).

        Returns
        -------
        np.ndarray [shape=(rows, classes)], float64
        """
        if self.kind != "features":
            raise ParameterError(f"{self.path} is a {self.kind} model; it takes audio, not rows")
        X = np.ascontiguousarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != len(self.feature_columns):
            raise ParameterError(
                f"X has shape {X.shape}; the model takes {len(self.feature_columns)} columns"
            )
        parts = [self._run(X[i : i + _CHUNK]) for i in range(0, X.shape[0], _CHUNK)]
        return np.concatenate(parts) if parts else np.zeros((0, len(self.classes)))

    def _track(self, item, sr: int | None) -> np.ndarray:
        """Mean class probabilities of one input (a Source, or a (name, array) pair)."""
        if self.kind == "features":
            if isinstance(item, Source):
                rows = process_source(item, self.options)
            else:
                rows = process_array(item[1], sr, self.options, item[0])
            values = np.stack([r["values"] for r in rows])[:, self._take]
            return self._run(values).mean(axis=0)
        spec = self.metadata
        if isinstance(item, Source):
            y, _ = load(item, sr=spec["sr"])
        else:
            y = resample(as_mono(item[1]), sr, spec["sr"])
        patches = logmel_patches(y, spec)
        if len(self._input.shape) == 4:
            patches = patches[:, None]
        return self._run(patches).mean(axis=0)

    def track_probabilities(
        self, inputs: Any, *, sr: int | None = None, errors: list | None = None
    ) -> tuple[list[str], np.ndarray]:
        """Class probabilities of every track named by ``inputs``.

        Parameters
        ----------
        inputs : str, os.PathLike, np.ndarray, or an iterable of them
            Paths as for batch-extract (files, directories, glob patterns, ``@list`` files,
            zip/tar archives, ``ARCHIVE::MEMBER``), each naming one or more tracks; or arrays,
            each one track of audio ``(n,)`` or ``(channels, n)`` at ``sr`` Hz. One array or
            path alone is one input.
        sr : int or None
            Rate of the arrays; the model's rate when None.
        errors : list or None
            If a list, inputs that fail (undecodable audio ...) are appended to it as
            ``(path, error, message)`` and left out; if None, the first failure raises.

        Returns
        -------
        names : list of str
            Each track's path (``ARCHIVE::MEMBER`` for archive members), or ``<array i>``.
        probabilities : np.ndarray [shape=(tracks, classes)], float64
        """
        model_sr = self.options.sr if self.options is not None else self.metadata["sr"]
        sr = model_sr if sr is None else sr
        items = _items(inputs)
        if sr is None and any(not isinstance(i, Source) for i in items):
            raise ParameterError(
                "sr=None: give the rate of the arrays (the model analyses each file at its own)"
            )
        names, rows = [], []
        for item in items:
            name = item.name if isinstance(item, Source) else item[0]
            try:
                rows.append(self._track(item, sr))
            except Exception as exc:  # one bad input never stops the run
                if errors is None:
                    kind, message = describe_error(exc)
                    raise ParameterError(f"{name}: {kind}: {message}") from exc
                errors.append((name, *describe_error(exc)))
                continue
            names.append(name)
        probabilities = np.stack(rows) if rows else np.zeros((0, len(self.classes)))
        return names, probabilities

    def predict_proba(self, inputs: Any, *, sr: int | None = None) -> np.ndarray:
        """Class probabilities per track, ``(tracks, classes)``; see
        :meth:`track_probabilities` for ``inputs`` and ``sr``."""
        return self.track_probabilities(inputs, sr=sr)[1]

    def predict(self, inputs: Any, *, sr: int | None = None) -> np.ndarray:
        """The most probable class of each track (an object array of names), or, for a
        multi-label model, the tuple of classes with a probability of at least 0.5; see
        :meth:`track_probabilities` for ``inputs`` and ``sr``."""
        probabilities = self.predict_proba(inputs, sr=sr)
        out = np.empty(probabilities.shape[0], dtype=object)
        for i, p in enumerate(probabilities):
            if self.multilabel:
                out[i] = tuple(c for c, v in zip(self.classes, p, strict=True) if v >= THRESHOLD)
            else:
                out[i] = self.classes[int(np.argmax(p))]
        return out


def _items(inputs: Any) -> list:
    """Sources and ``(name, array)`` pairs, in the order of ``inputs``."""
    if isinstance(inputs, str | os.PathLike | np.ndarray | Source):
        inputs = [inputs]
    if not isinstance(inputs, Iterable):
        raise ParameterError(f"inputs must be paths or arrays, got {type(inputs).__name__}")
    items: list = []
    seen: set[Source] = set()
    n_arrays = 0
    for item in inputs:
        if isinstance(item, np.ndarray):
            items.append((f"<array {n_arrays}>", item))
            n_arrays += 1
        elif isinstance(item, Source | str | os.PathLike):
            sources = [item] if isinstance(item, Source) else expand_inputs([item])
            items.extend(s for s in sources if s not in seen)
            seen.update(sources)
        else:
            raise ParameterError(f"inputs: {item!r} is neither a path nor an array")
    return items
