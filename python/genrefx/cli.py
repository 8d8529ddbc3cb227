"""The ``genrefx`` command line.

    genrefx --version
    genrefx demo [--duration 30] [--sr 22050] [--repeats 5] [--json]
    genrefx batch-extract INPUT... -o OUT.parquet [options]   (or --demo)
    genrefx train FEATURES.parquet --labels LABELS.csv --model KIND -o MODEL.onnx [options]
    genrefx evaluate MODEL.onnx FEATURES.parquet --labels LABELS.csv
    genrefx predict MODEL.onnx INPUT... [-o predictions.csv] [--top-k 3]

``demo`` synthesizes a seeded music-like clip (numpy only, no audio files), runs
:func:`genrefx.extract` on it and reports the SIMD level, every feature's shape, dtype and
range, and how fast the fused extraction runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import __version__
from .config import show_config
from .extract import FEATURES, extract

__all__ = ["main", "synth_clip"]

_PENTATONIC = (0, 2, 4, 7, 9)  # major pentatonic degrees, in semitones


def synth_clip(duration: float = 30.0, sr: int = 22050, seed: int = 0) -> np.ndarray:
    """Synthesize a seeded, music-like mono clip.

    A melody of harmonic tones with vibrato and decaying envelopes (one note per beat at
    120 BPM), percussive noise bursts on every eighth note, and one second of exact digital
    silence starting at 40 % of the clip.

    Parameters
    ----------
    duration : float > 0
        Length in seconds.
    sr : int > 0
        Sampling rate in Hz.
    seed : int
        Seed of the random generator: the same arguments give the same clip.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]
        The clip, peak-normalized to 0.8 (C-contiguous).
    """
    rng = np.random.default_rng(seed)
    n = max(1, round(duration * sr))
    y = np.zeros(n)
    beat = max(1, round(0.5 * sr))

    for start in range(0, n, beat):
        t = np.arange(min(beat, n - start)) / sr
        midi = 57 + 12 * int(rng.integers(0, 2)) + int(rng.choice(_PENTATONIC))
        f0 = 440.0 * 2.0 ** ((midi - 69) / 12)
        vibrato = 1.0 + 0.006 * np.sin(2.0 * np.pi * rng.uniform(4.5, 6.5) * t)
        phase = 2.0 * np.pi * np.cumsum(f0 * vibrato) / sr
        partials = [k for k in range(1, 9) if k * f0 < 0.45 * sr]
        tone = sum(rng.uniform(0.5, 1.0) / k * np.sin(k * phase) for k in partials)
        envelope = np.exp(-2.5 * t) * np.minimum(1.0, t / 0.01)
        y[start : start + t.size] += 0.5 * tone * envelope

    burst = max(1, round(0.05 * sr))
    for start in range(0, n, max(1, beat // 2)):
        length = min(burst, n - start)
        decay = np.exp(-np.arange(length) / (0.01 * sr))
        y[start : start + length] += 0.3 * rng.standard_normal(length) * decay

    gap = round(0.4 * n)
    y[gap : gap + sr] = 0.0

    peak = np.max(np.abs(y))
    if peak > 0:
        y *= 0.8 / peak
    return np.ascontiguousarray(y, dtype=np.float32)


def _positive(kind: type) -> Any:
    """An argparse ``type`` that converts to ``kind`` and requires a value > 0."""

    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a valid {kind.__name__}") from None
        if not value > 0:  # also rejects nan
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value

    convert.__name__ = kind.__name__
    return convert


def _demo(args: argparse.Namespace) -> int:
    """Run ``genrefx demo``: synthesize, extract, report."""
    y = synth_clip(args.duration, args.sr)
    seconds = y.size / args.sr

    features = extract(y, sr=args.sr)  # warm-up call; its results are the ones reported
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        extract(y, sr=args.sr)
        times.append(time.perf_counter() - start)
    median_ms = 1e3 * statistics.median(times)

    report = {
        "version": __version__,
        "config": show_config(verbose=False),
        "signal": {"duration_s": seconds, "sr": args.sr, "samples": y.size, "dtype": "float32"},
        "features": {
            name: {
                "shape": list(value.shape),
                "dtype": str(value.dtype),
                "mean": float(np.mean(value)),
                "min": float(np.min(value)),
                "max": float(np.max(value)),
            }
            for name, value in features.items()
        },
        "timing": {
            "repeats": args.repeats,
            "median_ms": median_ms,
            "x_realtime": seconds / (median_ms / 1e3) if median_ms > 0 else float("inf"),
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0

    config = report["config"]
    cap = config["cap"] or "none"
    print(f"genrefx {__version__} demo: {seconds:g} s synthetic clip, {args.sr} Hz, float32")
    print(
        f"SIMD: {config['simd']} (available: {', '.join(config['available'])}; "
        f"GENREFX_SIMD cap: {cap}; {config['lanes']} frames per block)"
    )
    print()
    print(f"{'feature':<20} {'shape':<14} {'dtype':<8} {'mean':>11} {'min':>11} {'max':>11}")
    for name, stats in report["features"].items():
        shape = "(" + ", ".join(map(str, stats["shape"])) + ")"
        print(
            f"{name:<20} {shape:<14} {stats['dtype']:<8} "
            f"{stats['mean']:>11.4g} {stats['min']:>11.4g} {stats['max']:>11.4g}"
        )
    print()
    timing = report["timing"]
    print(
        f"extract ({len(features)} features, one pass): median {timing['median_ms']:.2f} ms "
        f"over {args.repeats} runs = {timing['x_realtime']:.0f}x real time"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the ``genrefx`` argument parser.

    Returns
    -------
    argparse.ArgumentParser
        The parser, with one subparser per command; each sets ``func`` to its handler.
    """
    parser = argparse.ArgumentParser(
        prog="genrefx",
        description="Fast audio features with a librosa-compatible API.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="extract features from a synthetic clip and time it",
        description=(
            "Synthesize a seeded music-like clip, run genrefx.extract on it "
            f"({', '.join(FEATURES)}), and report the SIMD level, each feature's shape, dtype "
            "and range, and the median time of extract."
        ),
    )
    demo.add_argument(
        "--duration", type=_positive(float), default=30.0, help="clip length in seconds (30)"
    )
    demo.add_argument(
        "--sr", type=_positive(int), default=22050, help="sampling rate in Hz (22050)"
    )
    demo.add_argument("--repeats", type=_positive(int), default=5, help="timed extract calls (5)")
    demo.add_argument("--json", action="store_true", help="print the report as JSON")
    demo.set_defaults(func=_demo)

    from .batch.command import add_parser as add_batch_extract
    from .classify.command import add_parsers as add_classify

    add_batch_extract(commands)
    add_classify(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``genrefx`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        The exit status: 0 on success, 2 for bad arguments (argparse prints why).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else 1
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
