#!/usr/bin/env python
"""Benchmark of the constant-Q features and the FMA preset's recipe against librosa 0.11.

    python bench/recipes.py [--repeats 5] [--out bench/RECIPES.md]

One thread (BLAS included), a 30-s synthetic music clip at 22050 and 44100 Hz: ms per clip for
genrefx and librosa, the ratio, and the parity error (max|a - b| / max|b|, worst feature for
the recipe). The librosa side of the FMA recipe is features.py on librosa 0.11, as in
tests/test_batch_presets.py.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["NUMBA_NUM_THREADS"] = "1"

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import librosa
import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "tests"))
import genrefx  # noqa: E402
import synth  # noqa: E402
from genrefx.batch.presets import GTZAN_COLUMNS, fma_features, gtzan_values  # noqa: E402
from test_batch_presets import librosa_fma, librosa_gtzan  # noqa: E402


def timed(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def rel(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def rows(repeats: int):
    for sr in (22050, 44100):
        y = synth.music_clip(30.0, sr, seed=0).astype(np.float32)
        cases = [
            (
                "cqt (tuning=0.0, librosa's default)",
                lambda y=y, sr=sr: genrefx.cqt(y, sr=sr),
                lambda y=y, sr=sr: librosa.cqt(y, sr=sr),
            ),
            (
                "cqt (tuning=None)",
                lambda y=y, sr=sr: genrefx.cqt(y, sr=sr, tuning=None),
                lambda y=y, sr=sr: librosa.cqt(y, sr=sr, tuning=None),
            ),
            (
                "feature.chroma_cqt",
                lambda y=y, sr=sr: genrefx.feature.chroma_cqt(y=y, sr=sr),
                lambda y=y, sr=sr: librosa.feature.chroma_cqt(y=y, sr=sr),
            ),
            (
                "feature.chroma_cens",
                lambda y=y, sr=sr: genrefx.feature.chroma_cens(y=y, sr=sr),
                lambda y=y, sr=sr: librosa.feature.chroma_cens(y=y, sr=sr),
            ),
        ]
        for name, ours, theirs in cases:
            a, b = ours(), theirs()
            yield (sr, name, timed(ours, repeats), timed(theirs, repeats), rel(a, b))
        got = fma_features(y, sr)
        ref = librosa_fma(y, sr, False)
        worst = max(rel(got[k], ref[k]) for k in got)
        if sr == 22050:
            ours = dict(zip(GTZAN_COLUMNS, gtzan_values(y, sr).tolist(), strict=True))
            theirs = librosa_gtzan(y, sr)
            worst_col = max(abs(ours[k] - v) / max(abs(v), 1e-12) for k, v in theirs.items())
            yield (
                sr,
                "GTZAN recipe (preset gtzan, 58 columns; parity: worst relative column error)",
                timed(lambda y=y, sr=sr: gtzan_values(y, sr), repeats),
                timed(lambda y=y, sr=sr: librosa_gtzan(y, sr), repeats),
                worst_col,
            )
        yield (
            sr,
            "FMA recipe (preset fma, 11 features)",
            timed(lambda y=y, sr=sr: fma_features(y, sr), repeats),
            timed(lambda y=y, sr=sr: librosa_fma(y, sr, False), repeats),
            worst,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "RECIPES.md"))
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    lines = [
        f"Made by: `python bench/recipes.py --repeats {args.repeats}`",
        "",
        "30-s synthetic music clip, float32, one thread (BLAS too); median ms per clip; "
        "parity = max|genrefx - librosa| / max|librosa| (recipe: worst of its 11 features).",
        "",
        "| sr | benchmark | genrefx ms | librosa ms | ratio | parity |",
        "|--:|---|--:|--:|--:|--:|",
    ]
    for sr, name, ours, theirs, err in rows(args.repeats):
        line = f"| {sr} | {name} | {ours:.1f} | {theirs:.1f} | {theirs / ours:.1f}x | {err:.1e} |"
        print(line, flush=True)
        lines.append(line)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
