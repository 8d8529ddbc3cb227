"""The genrefx metadata of an ONNX model: what the model predicts and from which input.

It is one JSON string in the model's ``metadata_props`` under the key :data:`METADATA_KEY`.
Two kinds of model carry it:

``"features"`` (written by ``genrefx train``)
    Input ``[N, len(feature_columns)]`` float32: rows of a batch-extract feature table, in the
    order of ``feature_columns``. ``extraction`` holds the :class:`~genrefx.batch.BatchOptions`
    fields (sr, n_fft, hop_length, features, stats, segment ...) that made the table, so that
    predict extracts exactly the same features from new audio.
``"logmel_patch"`` (any model, e.g. a CNN trained elsewhere; see :func:`attach_logmel_metadata`)
    Input ``[N, 1, n_mels, frames]`` float32 (or ``[N, n_mels, frames]`` when the model's input
    has rank 3): N patches of ``frames`` consecutive frames of the track's log-mel spectrogram
    in dB, mel bands from low to high along the third axis. The spectrogram is
    ``power_to_db(melspectrogram(y, sr, n_fft, hop_length, n_mels))`` (power 2, ref 1.0,
    top_db 80), the same as ``batch-extract --frames mel``.

Both kinds name the ``classes`` (in output order), whether the model is ``multilabel``, the
output to read (``output``) and whether it gives ``"probabilities"`` or ``"logits"``
(``scores``; logits are turned into probabilities by softmax, or by a sigmoid when multilabel).
"""

from __future__ import annotations

import json
import os
from typing import Any

from .._core import __version__
from ..exceptions import ParameterError

__all__ = [
    "KINDS",
    "METADATA_KEY",
    "attach_logmel_metadata",
    "load_onnx",
    "read_metadata",
    "save_model",
]

#: Key of the genrefx entry in an ONNX model's ``metadata_props``.
METADATA_KEY = "genrefx"
#: Version of the metadata's layout.
FORMAT = 1
#: Model kinds the metadata describes.
KINDS = ("features", "logmel_patch")
_SCORES = ("probabilities", "logits")


def load_onnx(path: str):
    """The ``onnx.ModelProto`` in the file at ``path``.

    Raises
    ------
    ParameterError
        When the file is missing or is not an ONNX model.
    """
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load(os.fspath(path))
    except OSError as exc:
        raise ParameterError(f"model {path!r}: cannot read: {exc}") from None
    except (DecodeError, ValueError, RuntimeError) as exc:
        raise ParameterError(f"model {path!r} is not an ONNX model: {exc}") from None
    if not model.graph.node or not model.graph.input or not model.graph.output:
        raise ParameterError(f"model {path!r} is not an ONNX model (it has no graph)")
    return model


def _input_rank_and_dims(model) -> tuple[int, list[int | None]]:
    dims = model.graph.input[0].type.tensor_type.shape.dim
    return len(dims), [d.dim_value if d.HasField("dim_value") else None for d in dims]


def _check_extraction(extraction: dict[str, Any], where: str) -> None:
    """The ``extraction`` of a features model must make :class:`~genrefx.batch.BatchOptions`
    with exactly the fields of :meth:`~genrefx.batch.BatchOptions.extraction`."""
    from ..batch.features import BatchOptions, recorded_options

    known = BatchOptions().extraction()
    unknown = sorted(set(extraction) - set(known))
    if unknown:
        raise ParameterError(
            f"{where}: genrefx metadata extraction has unknown options {unknown}; known: "
            f"{sorted(known)}"
        )
    try:
        recorded_options(extraction)
    except (TypeError, ValueError) as exc:  # ParameterError is a ValueError
        raise ParameterError(f"{where}: genrefx metadata extraction is invalid: {exc}") from None


def _check(meta: dict[str, Any], model, where: str) -> dict[str, Any]:
    """Validate ``meta`` against ``model``; return it."""

    def need(key: str, kind: type | tuple[type, ...]) -> Any:
        if not isinstance(meta.get(key), kind):
            raise ParameterError(f"{where}: genrefx metadata lacks a valid {key!r}")
        return meta[key]

    kind = need("kind", str)
    if kind not in KINDS:
        raise ParameterError(f"{where}: genrefx metadata kind={kind!r}; expected one of {KINDS}")
    classes = need("classes", list)
    if len(classes) < 2 or not all(isinstance(c, str) and c for c in classes):
        raise ParameterError(f"{where}: genrefx metadata needs two or more class names")
    if len(set(classes)) != len(classes):
        raise ParameterError(f"{where}: genrefx metadata has repeated class names")
    need("multilabel", bool)
    if need("scores", str) not in _SCORES:
        raise ParameterError(f"{where}: genrefx metadata scores={meta['scores']!r}; use {_SCORES}")
    outputs = [o.name for o in model.graph.output]
    if need("output", str) not in outputs:
        raise ParameterError(f"{where}: output {meta['output']!r} is not among {outputs}")
    rank, dims = _input_rank_and_dims(model)
    if kind == "features":
        columns = need("feature_columns", list)
        if not columns or not all(isinstance(c, str) for c in columns):
            raise ParameterError(f"{where}: genrefx metadata feature_columns must be column names")
        _check_extraction(need("extraction", dict), where)
        if rank != 2 or dims[1] not in (None, len(columns)):
            raise ParameterError(
                f"{where}: input shape {dims} does not take {len(columns)} feature columns"
            )
    else:
        for key in ("sr", "n_fft", "hop_length", "n_mels", "frames"):
            value = need(key, int)
            if isinstance(value, bool) or value <= 0:
                raise ParameterError(f"{where}: genrefx metadata {key}={value} must be > 0")
        expected = {4: [1, meta["n_mels"], meta["frames"]], 3: [meta["n_mels"], meta["frames"]]}
        if rank not in expected:
            raise ParameterError(
                f"{where}: a logmel_patch model takes [N, 1, n_mels, frames] or "
                f"[N, n_mels, frames]; its input has rank {rank}"
            )
        if any(d is not None and d != e for d, e in zip(dims[1:], expected[rank], strict=True)):
            raise ParameterError(
                f"{where}: input shape {dims} does not match n_mels={meta['n_mels']}, "
                f"frames={meta['frames']}"
            )
    return meta


def read_metadata(model, where: str) -> dict[str, Any]:
    """The validated genrefx metadata of the ``onnx.ModelProto`` ``model``.

    Raises
    ------
    ParameterError
        When the model has no genrefx metadata, or it is invalid or does not fit the model's
        input and outputs; ``where`` (the file) starts the message.
    """
    entries = {p.key: p.value for p in model.metadata_props}
    if METADATA_KEY not in entries:
        raise ParameterError(
            f"{where} has no genrefx metadata (metadata_props[{METADATA_KEY!r}]); train it with "
            "genrefx train, or describe a log-mel model with "
            "genrefx.classify.attach_logmel_metadata"
        )
    try:
        meta = json.loads(entries[METADATA_KEY])
    except ValueError as exc:
        raise ParameterError(f"{where}: genrefx metadata is not JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise ParameterError(f"{where}: genrefx metadata is not a JSON object")
    return _check(meta, model, where)


def save_model(model, meta: dict[str, Any], path: str) -> None:
    """Write ``model`` with ``meta`` as its genrefx metadata to ``path``, atomically (a
    temporary file in the same folder, then ``os.replace``); ``meta`` is validated first."""
    import onnx

    entries = {p.key: p.value for p in model.metadata_props}
    entries[METADATA_KEY] = json.dumps(meta, default=str)  # e.g. a parameter's object
    del model.metadata_props[:]
    onnx.helper.set_model_props(model, entries)
    _check(meta, model, os.fspath(path))
    path = os.fspath(path)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(model.SerializeToString())
        os.replace(tmp, path)
    except OSError as exc:
        raise ParameterError(f"output {path!r}: cannot write: {exc}") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def attach_logmel_metadata(
    path: str,
    classes: list[str],
    *,
    sr: int = 22050,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
    frames: int,
    scores: str = "probabilities",
    multilabel: bool = False,
    output: str | None = None,
    out: str | None = None,
) -> dict[str, Any]:
    """Describe a log-mel patch model (e.g. a CNN trained elsewhere) so that ``genrefx
    predict`` and :class:`~genrefx.classify.GenreModel` can run it.

    Parameters
    ----------
    path : str
        The ONNX model. Its first input takes float32 ``[N, 1, n_mels, frames]`` (or
        ``[N, n_mels, frames]``): N patches of log-mel frames in dB, as described in this
        module's documentation.
    classes : list of str
        Class names, in the order of the output's columns.
    sr, n_fft, hop_length, n_mels : int
        The log-mel spectrogram the model was trained on.
    frames : int
        Frames per patch.
    scores : {"probabilities", "logits"}
        What the output holds; logits are mapped to probabilities by softmax (a sigmoid per
        class when ``multilabel``).
    multilabel : bool
        Whether several classes can apply to one track (independent probabilities).
    output : str or None
        The output to read; the model's first output when None.
    out : str or None
        Where to write the described model; ``path`` itself (replaced atomically) when None.

    Returns
    -------
    dict
        The metadata written.

    Raises
    ------
    ParameterError
        When the file is not an ONNX model, or the description does not fit its input or
        outputs.
    """
    model = load_onnx(path)
    meta = {
        "format": FORMAT,
        "kind": "logmel_patch",
        "classes": list(classes),
        "multilabel": bool(multilabel),
        "sr": sr,
        "n_fft": n_fft,
        "hop_length": hop_length,
        "n_mels": n_mels,
        "frames": frames,
        "output": output if output is not None else model.graph.output[0].name,
        "scores": scores,
        "genrefx_version": __version__,
    }
    save_model(model, meta, path if out is None else out)
    return meta
