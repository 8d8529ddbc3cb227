#!/usr/bin/env python
"""Benchmark of `genrefx batch-extract` on generated archives.

    python bench/batch.py [--tracks 16] [--duration 30] [--rounds 3] [--quick]
                          [--out bench/BATCH.md]

Per format (MP3, OGG Vorbis, FLAC; 44.1 kHz stereo, resampled to 22050 Hz): tracks/s and x real
time for (a) decoding + resampling alone (genrefx.batch.load), (b) the same plus all features
and statistics (what batch-extract does per track) in one process, with the overhead of the
features over (a) as the median of per-track ratios (a track's two calls timed back to back,
--rounds passes over the tracks); then end to end over all tracks: genrefx's run_batch with 1
and 2 worker processes, and librosa.load + the ten librosa feature calls + the same statistics
with the same number of processes. Medians over the tracks; one process per measurement.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["NUMBA_NUM_THREADS"] = "1"

import argparse
import shlex
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth
from genrefx.batch import BatchOptions, Source, load, run_batch
from genrefx.batch.features import process_source
from genrefx.batch.summary import DEFAULT_STATS, summarize
from genrefx.extract import FEATURES
from harness import cpu_model, usable_cpus

FORMATS = (("mp3", "MPEG_LAYER_III"), ("ogg", "VORBIS"), ("flac", "PCM_16"))


def make_tracks(folder: Path, n: int, seconds: float, ext: str, subtype: str) -> list[str]:
    paths = []
    for i in range(n):
        mono = synth.music_clip(duration=seconds, sr=44100, seed=i)
        stereo = np.stack([mono, np.roll(mono, 37)], axis=1) * 0.9
        path = folder / f"track_{i:03d}.{ext}"
        soundfile.write(path, stereo, 44100, subtype=subtype)
        paths.append(str(path))
    return paths


def librosa_features(path: str) -> np.ndarray:
    import librosa

    y, sr = librosa.load(path, sr=22050, res_type="soxr_hq")
    F = librosa.feature
    feats = [
        F.melspectrogram(y=y, sr=sr),
        F.mfcc(y=y, sr=sr),
        F.chroma_stft(y=y, sr=sr),
        F.spectral_centroid(y=y, sr=sr),
        F.spectral_bandwidth(y=y, sr=sr),
        F.spectral_contrast(y=y, sr=sr),
        F.spectral_rolloff(y=y, sr=sr),
        F.spectral_flatness(y=y),
        F.zero_crossing_rate(y),
        F.rms(y=y),
    ]
    return np.concatenate([summarize(f, DEFAULT_STATS) for f in feats])


def paired_per_track(decode, full, paths, rounds: int) -> tuple[float, float, float]:
    """Median s per track of ``decode`` and of ``full``, and the median of their per-track
    ratios full / decode: each track's two calls run back to back (which goes first
    alternates), ``rounds`` passes over the tracks, so that each ratio compares the two under
    the same machine state (the ratio of two separate medians swung by +-20 % here)."""
    decode(paths[0])  # warm-up
    full(paths[0])
    fns = (decode, full)
    times: list[list[float]] = [[], []]
    ratios = []
    for r in range(rounds):
        for i, p in enumerate(paths):
            t = [0.0, 0.0]
            for k in (0, 1) if (i + r) % 2 == 0 else (1, 0):
                t0 = time.perf_counter()
                fns[k](p)
                t[k] = time.perf_counter() - t0
            times[0].append(t[0])
            times[1].append(t[1])
            ratios.append(t[1] / t[0])
    return float(np.median(times[0])), float(np.median(times[1])), float(np.median(ratios))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracks", type=int, default=16)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--quick", action="store_true", help="6 tracks of 10 s")
    ap.add_argument(
        "--rounds", type=int, default=3, help="passes over the tracks for the per-format rows"
    )
    ap.add_argument("--out", default="bench/BATCH.md")
    args = ap.parse_args()
    if args.quick:
        args.tracks, args.duration = 6, 10.0
    if args.rounds < 1 or args.tracks < 1 or args.duration <= 0:
        ap.error("--rounds and --tracks must be >= 1 and --duration > 0")
    options = BatchOptions()
    lines = [
        f"Made by: `python bench/batch.py {shlex.join(sys.argv[1:])}`",
        "",
        f"Machine: {cpu_model()}, {usable_cpus()} usable CPUs; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"{args.tracks} tracks x {args.duration:g} s, 44.1 kHz stereo, to 22050 Hz mono; all "
        f"{len(FEATURES)} features x {len(DEFAULT_STATS)} statistics; medians per track "
        f"over {args.rounds} passes; features overhead = median over tracks and passes of "
        "(decode + features) / decode - 1, both calls of a track timed back to back.",
        "",
        "| format | decode+resample ms/track | + features ms/track | features overhead | "
        "tracks/s (1 proc) | x real time |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    end_to_end = []
    with tempfile.TemporaryDirectory() as tmp:
        for ext, subtype in FORMATS:
            folder = Path(tmp) / ext
            folder.mkdir()
            paths = make_tracks(folder, args.tracks, args.duration, ext, subtype)
            decode, full, ratio = paired_per_track(
                lambda p: load(Source("", p)),
                lambda p: process_source(Source("", p), options),
                paths,
                args.rounds,
            )
            lines.append(
                f"| {ext} | {decode * 1e3:.1f} | {full * 1e3:.1f} | "
                f"{100 * (ratio - 1):.1f} % | {1 / full:.1f} | "
                f"{args.duration / full:.0f}x |"
            )
            print(lines[-1], file=sys.stderr)
            if ext == "mp3":
                for workers in (1, 2):
                    t = time.perf_counter()
                    run_batch(
                        [str(folder)],
                        str(Path(tmp) / f"out{workers}.parquet"),
                        options,
                        workers=workers,
                        shard_size=1,
                        overwrite=True,
                    )
                    end_to_end.append((f"genrefx batch, {workers} proc", time.perf_counter() - t))
                    print(end_to_end[-1], file=sys.stderr)
                for workers in (1, 2):
                    t = time.perf_counter()
                    with ProcessPoolExecutor(max_workers=workers) as pool:
                        list(pool.map(librosa_features, paths))
                    end_to_end.append((f"librosa, {workers} proc", time.perf_counter() - t))
                    print(end_to_end[-1], file=sys.stderr)
    total_audio = args.tracks * args.duration
    lines += [
        "",
        f"End to end on the {args.tracks} MP3 tracks (wall time, including process start-up):",
        "",
        "| run | s | tracks/s | x real time |",
        "|---|--:|--:|--:|",
    ]
    for name, sec in end_to_end:
        lines.append(f"| {name} | {sec:.2f} | {args.tracks / sec:.1f} | {total_audio / sec:.0f}x |")
    times = dict(end_to_end)
    lines += [
        "",
        f"- 2 workers vs 1: {times['genrefx batch, 1 proc'] / times['genrefx batch, 2 proc']:.2f}x",
        f"- genrefx vs librosa, 1 process: "
        f"{times['librosa, 1 proc'] / times['genrefx batch, 1 proc']:.2f}x; 2 processes: "
        f"{times['librosa, 2 proc'] / times['genrefx batch, 2 proc']:.2f}x",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
