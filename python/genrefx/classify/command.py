"""``genrefx train``, ``genrefx evaluate`` and ``genrefx predict``: the command lines.

scikit-learn, skl2onnx and ONNX Runtime are imported when a command runs, not when the parser
is built, so that the other commands start as fast as before.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..exceptions import ParameterError
from .dataset import KEYS
from .models import MODELS

__all__ = ["add_parsers"]

EXIT_OK, EXIT_USAGE, EXIT_SOME_FAILED = 0, 2, 3


def _param(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` with a JSON value (number, true/false/null, list), or else a string."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def _add_labels(p: argparse.ArgumentParser) -> None:
    p.add_argument("--labels", required=True, help="CSV with the key and label columns")
    p.add_argument("--label-column", default="genre", help="the label column (genre)")
    p.add_argument("--key", choices=KEYS, default="path", help="joins the table (path)")


def add_parsers(commands) -> None:
    """Register ``train``, ``evaluate`` and ``predict`` on an argparse subparsers object."""
    t = commands.add_parser(
        "train",
        help="train a genre classifier on a feature table and export it to ONNX",
        description=(
            "Join a batch-extract feature table with LABELS.csv, cross-validate a scikit-learn "
            "model (scaler + classifier) with folds grouped by track (or --group-column), "
            "report accuracy, F1 and the confusion matrix per track, then fit on all rows and "
            "write one ONNX file holding the classes, the feature columns and the extraction "
            "options. Exit status: 0 ok, 2 usage error (nothing written)."
        ),
    )
    t.add_argument("features", metavar="FEATURES", help="feature table (.parquet, or .csv)")
    _add_labels(t)
    t.add_argument("--group-column", default=None, help="labels column grouping the folds")
    t.add_argument("--model", default="logreg", help=f"one of {', '.join(MODELS)} (logreg)")
    t.add_argument("--multilabel", action="store_true", help="'|'-separated labels, one-vs-rest")
    t.add_argument("-o", "--output", required=True, help="the ONNX model to write")
    t.add_argument(
        "--param",
        type=_param,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="classifier parameter, e.g. n_estimators=50 (repeatable)",
    )
    t.add_argument("--seed", type=int, default=0, help="seeds the folds and the model (0)")
    t.add_argument("--n-fft", type=int, default=None, help="CSV tables only: their n_fft")
    t.add_argument("--hop-length", type=int, default=None, help="CSV tables only: their hop")
    t.add_argument("--plot", metavar="PNG", default=None, help="save the confusion matrix")
    t.set_defaults(func=_train)

    e = commands.add_parser(
        "evaluate",
        help="report a trained model's scores on a held-out feature table",
        description="The report of genrefx train, on labelled data the model has not seen.",
    )
    e.add_argument("model", metavar="MODEL", help="ONNX model from genrefx train")
    e.add_argument("features", metavar="FEATURES", help="feature table (.parquet, or .csv)")
    _add_labels(e)
    e.add_argument("--plot", metavar="PNG", default=None, help="save the confusion matrix")
    e.set_defaults(func=_evaluate)

    p = commands.add_parser(
        "predict",
        help="predict the genres of audio files, folders and archives",
        description=(
            "Extract the model's features from every input exactly as for its training table "
            "(or its log-mel patches), run the model with ONNX Runtime and write per track the "
            "top genre and the top-k genres with their probabilities (segments and patches "
            "averaged). Failed inputs go to OUT.errors.csv. Exit status: 0 all ok, 3 some "
            "failed, 2 usage (nothing written). A reader that stops early (| head) ends it "
            "quietly."
        ),
    )
    p.add_argument("model", metavar="MODEL", help="ONNX model with genrefx metadata")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, dirs, globs, @list, archives")
    p.add_argument("-o", "--output", default=None, help="predictions CSV (default: stdout)")
    p.add_argument("--top-k", type=int, default=3, help="genres listed per track (3)")
    p.set_defaults(func=_predict)


def _dropped(command: str, report) -> None:
    if report.dropped:
        total = report.n_tracks + len(report.dropped)
        shown = ", ".join(report.dropped[:5]) + (" ..." if len(report.dropped) > 5 else "")
        print(
            f"genrefx {command}: {len(report.dropped)} of {total} tracks have no label and were "
            f"left out: {shown}",
            file=sys.stderr,
        )


def _train(args: argparse.Namespace) -> int:
    from .train import train

    try:
        result = train(
            args.features,
            args.labels,
            args.output,
            model=args.model,
            key=args.key,
            label_column=args.label_column,
            group_column=args.group_column,
            multilabel=args.multilabel,
            params=dict(args.param),
            seed=args.seed,
            n_fft=args.n_fft,
            hop_length=args.hop_length,
            plot=args.plot,
        )
    except ParameterError as exc:
        print(f"genrefx train: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for note in result.notes:
        print(f"genrefx train: note: {note}", file=sys.stderr)
    _dropped("train", result.report)
    print(result.report.text())
    print()
    print(
        f"wrote {args.output}: {result.metadata['model']} on {len(result.metadata['classes'])} "
        f"classes, {len(result.metadata['feature_columns'])} feature columns; ONNX vs "
        f"scikit-learn max |probability difference| {result.export_difference:.2g}"
    )
    return EXIT_OK


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    try:
        report = evaluate(
            args.model,
            args.features,
            args.labels,
            key=args.key,
            label_column=args.label_column,
            plot=args.plot,
        )
    except ParameterError as exc:
        print(f"genrefx evaluate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    _dropped("evaluate", report)
    print(report.text())
    return EXIT_OK


class _Reader:
    """stdout for predictions, as command line tools treat a reader that stops early
    (``genrefx predict ... | head``): later writes are dropped quietly (stdout then goes to
    /dev/null, so that its flush at exit does not fail again), and the run goes on, so that
    failed inputs are still reported and the exit status still says so."""

    def __init__(self, inner):
        self._inner = inner
        self._gone = False

    def _call(self, method, *args) -> None:
        if self._gone:
            return
        try:
            getattr(self._inner, method)(*args)
        except BrokenPipeError:
            self._gone = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._inner.fileno())
            os.close(devnull)

    def write(self, text: str) -> int:
        self._call("write", text)
        return len(text)

    def flush(self) -> None:
        self._call("flush")


def _predict(args: argparse.Namespace) -> int:
    from .predict import predict_files

    stream = _Reader(sys.stdout)
    try:
        result = predict_files(
            args.model, args.inputs, output=args.output, top_k=args.top_k, stream=stream
        )
        stream.flush()
    except ParameterError as exc:
        print(f"genrefx predict: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path, kind, message in result.errors:
        print(f"genrefx predict: {path}: {kind}: {message}", file=sys.stderr)
    if result.output is not None:
        print(
            f"genrefx predict: {len(result.rows)} tracks, {len(result.errors)} failed -> "
            f"{result.output}" + (f" (failures: {result.errors_path})" if result.errors else ""),
            file=sys.stderr,
        )
    return EXIT_SOME_FAILED if result.errors else EXIT_OK
