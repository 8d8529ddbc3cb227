#!/usr/bin/env python
"""Benchmark of `genrefx predict`: where the time per track goes.

    python bench/predict.py [--tracks 12] [--duration 30] [--quick] [--out bench/PREDICT.md]

Trains each model kind (genrefx's default parameters) on a table of generated, labelled
"genre" clips (tests/classify_fixtures.py: 3 genres x 8 tracks x 10 s) with all features and
statistics, then times, per track of a separate set of 44.1 kHz stereo MP3 tracks (resampled to
22050 Hz, as the model's extraction options say): decoding alone, decoding + feature
extraction (what predict does before inference), ONNX Runtime inference on the track's
feature row (single thread, median of 50 calls), and GenreModel.predict_proba end to end.
Medians over the tracks, one process.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import argparse
import shlex
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import onnxruntime
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the genre clips
import classify_fixtures
import synth
from genrefx.batch import BatchOptions, Source, extract_files, load
from genrefx.batch.features import process_source
from genrefx.classify import MODELS, GenreModel, make_pipeline, train
from genrefx.classify.export import INPUT_NAME, to_onnx

CPU = ["CPUExecutionProvider"]


def make_tracks(folder: Path, n: int, seconds: float) -> list[str]:
    paths = []
    for i in range(n):
        mono = synth.music_clip(duration=seconds, sr=44100, seed=100 + i)
        path = folder / f"track_{i:03d}.mp3"
        soundfile.write(path, np.stack([mono, np.roll(mono, 37)], axis=1) * 0.9, 44100,
                        subtype="MPEG_LAYER_III")  # fmt: skip
        paths.append(str(path))
    return paths


def noise_rows(table, options: BatchOptions, n_rows: int, n_classes: int):
    """``n_rows`` feature rows resampled from ``table`` with noise, and random labels."""
    rng = np.random.default_rng(0)
    X = np.stack([table.column(c).to_numpy() for c in options.feature_columns()], axis=1)
    X = X[rng.integers(0, X.shape[0], n_rows)]
    X = X + rng.standard_normal(X.shape).astype(np.float32) * X.std(axis=0)
    return X.astype(np.float32), rng.integers(0, n_classes, n_rows)


def session_options():
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    return options


def median_ms(fn, items, repeats: int = 1) -> float:
    fn(items[0])  # warm-up
    times = []
    for item in items:
        for _ in range(repeats):
            t = time.perf_counter()
            fn(item)
            times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracks", type=int, default=12, help="tracks to predict (12)")
    ap.add_argument("--duration", type=float, default=30.0, help="their length in s (30)")
    ap.add_argument("--quick", action="store_true", help="4 tracks of 10 s")
    ap.add_argument("--out", default="bench/PREDICT.md")
    args = ap.parse_args()
    if args.quick:
        args.tracks, args.duration = 4, 10.0
    options = BatchOptions()  # all features and statistics, as batch-extract's default
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fit = classify_fixtures.write_set(tmp / "fit", 8, seconds=10.0)
        table = extract_files([p for p, _, _ in fit], **options.extraction())
        labels = classify_fixtures.write_labels(tmp / "labels.csv", fit)
        (tmp / "new").mkdir()
        paths = make_tracks(tmp / "new", args.tracks, args.duration)
        sources = [Source("", p) for p in paths]

        decode = median_ms(lambda s: load(s, sr=options.sr), sources)
        extract = median_ms(lambda s: process_source(s, options), sources)
        rows = [np.stack([r["values"] for r in process_source(s, options)]) for s in sources]
        print(f"decode {decode:.1f} ms, decode+extract {extract:.1f} ms", file=sys.stderr)

        results = []
        for kind in MODELS:
            out = tmp / f"{kind}.onnx"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. MLP's ConvergenceWarning on 24 tracks
                train(table, labels, out, model=kind)
            model = GenreModel.load(out)
            infer = median_ms(model.predict_rows, rows, repeats=50)
            total = median_ms(model.predict_proba, paths)
            results.append((kind, out.stat().st_size, infer, total))
            print(results[-1], file=sys.stderr)

        # worst case for the trees: classes the features cannot tell apart, so that every
        # tree grows as deep as the data lets it (no cross-validation: inference time only)
        X, y = noise_rows(table, options, 4000, 10)
        for kind in ("rf", "hgb"):
            pipeline = make_pipeline(kind).fit(X, y)
            path = tmp / f"{kind}-worst.onnx"
            path.write_bytes(to_onnx(pipeline, X.shape[1]).SerializeToString())
            session = onnxruntime.InferenceSession(str(path), session_options(), CPU)
            infer = median_ms(lambda x, s=session: s.run(None, {INPUT_NAME: x}), rows, 50)
            results.append((f"{kind}, worst case", path.stat().st_size, infer, None))
            print(results[-1], file=sys.stderr)

    lines = [
        f"Made by: `python {shlex.join(['bench/predict.py', *sys.argv[1:]])}`",
        "",
        f"Models trained on 24 generated tracks x 10 s (3 genres), all {len(options.features)} "
        f"features x {len(options.stats)} statistics ({len(options.feature_columns())} "
        f"columns); predicting {args.tracks} MP3 tracks x {args.duration:g} s, 44.1 kHz "
        "stereo, resampled to 22050 Hz; medians per track, one process, ONNX Runtime on one "
        "thread.",
        "",
        f"- decode + resample: {decode:.1f} ms/track",
        f"- decode + resample + features (predict's extraction): {extract:.1f} ms/track "
        f"(decoding is {100 * decode / extract:.0f} % of it)",
        "",
        "Worst cases for the trees: rf and hgb fitted on 4000 noisy rows with 10 random "
        "labels, so that the trees grow as deep as the data lets them (inference only).",
        "",
        "| model | .onnx size | ONNX inference ms/track | inference share of predict | "
        "predict end to end ms/track | tracks/s |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for kind, size, infer, total in results:
        tail = (
            "- | - | -"
            if total is None
            else (f"{100 * infer / total:.2f} % | {total:.1f} | {1e3 / total:.1f}")
        )
        lines.append(f"| {kind} | {size / 1024:.0f} KiB | {infer:.3f} | {tail} |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
