#!/usr/bin/env python
"""Benchmark of librosa's everyday companions in genrefx (load, resample, trim, split,
onset_detect, delta, peak_pick ...) against librosa 0.11, one thread, on a seeded clip.

    python bench/companions.py [--duration 30] [--rounds 15] [--out bench/COMPANIONS.md]

Each row times genrefx and librosa in pairs (harness.paired: rounds of both calls back to back
after a warm-up call each, which absorbs librosa's numba compilation); ms = medians, speed-up =
the median of the rounds' ratios. Parity: whether the outputs are equal (values, dtype and
shape), else max|genrefx - librosa| / max|librosa|. The Markdown table is printed and written
to --out.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["NUMBA_NUM_THREADS"] = "1"

import argparse
import platform
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import librosa
import numpy as np
import soundfile

import genrefx
from harness import cpu_model, paired, parity
from synth import music_clip

SR = 22050


def _same(a: Any, b: Any) -> bool:
    """Equal values, dtypes and shapes (elementwise for tuples and lists)."""
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(_same(x, z) for x, z in zip(a, b, strict=True))
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


def _parity(a: Any, b: Any) -> str:
    if _same(a, b):
        return "equal"
    if isinstance(a, tuple | list):
        return "DIFFERS"
    return f"{parity(a, b):.1e}"


def _cases(y: np.ndarray, folder: str) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    """(name, genrefx call, librosa call) for every row."""
    rng = np.random.default_rng(1)
    stereo44 = np.stack([music_clip(len(y) / SR, 44100, seed=s) for s in (2, 3)], axis=1)
    wav = os.path.join(folder, "clip.wav")
    flac = os.path.join(folder, "clip.flac")
    mp3 = os.path.join(folder, "clip.mp3")
    soundfile.write(wav, stereo44, 44100, subtype="PCM_16")
    soundfile.write(flac, stereo44, 44100, subtype="PCM_16")
    soundfile.write(mp3, stereo44, 44100, format="MP3", subtype="MPEG_LAYER_III")
    y44 = stereo44.mean(axis=1).astype(np.float32)
    # the clip with 2 s of a noise floor 70 dB below its peak at both ends, for trim / split
    floor = float(np.max(np.abs(y))) * 10 ** (-70 / 20)
    quiet = (floor * rng.standard_normal(2 * SR)).astype(np.float32)
    padded = np.concatenate([quiet, y, quiet])
    mfcc = genrefx.feature.mfcc(y=y, sr=SR)
    mel = librosa.feature.melspectrogram(y=y, sr=SR)
    S = np.abs(librosa.stft(y))
    env = librosa.onset.onset_strength(y=y, sr=SR)
    pick = {"pre_max": 3, "post_max": 3, "pre_avg": 10, "post_avg": 10, "delta": 0.5, "wait": 10}
    frames = np.arange(mfcc.shape[-1])
    return [
        (
            "load(WAV 44.1 kHz stereo) -> 22050 Hz mono",
            lambda: genrefx.load(wav),
            lambda: librosa.load(wav),
        ),
        ("load(FLAC 44.1 kHz stereo)", lambda: genrefx.load(flac), lambda: librosa.load(flac)),
        ("load(MP3 44.1 kHz stereo)", lambda: genrefx.load(mp3), lambda: librosa.load(mp3)),
        (
            "resample(44100 -> 22050, soxr_hq)",
            lambda: genrefx.resample(y44, orig_sr=44100, target_sr=SR),
            lambda: librosa.resample(y44, orig_sr=44100, target_sr=SR),
        ),
        (
            "resample(44100 -> 22050, polyphase)",
            lambda: genrefx.resample(y44, orig_sr=44100, target_sr=SR, res_type="polyphase"),
            lambda: librosa.resample(y44, orig_sr=44100, target_sr=SR, res_type="polyphase"),
        ),
        (
            "effects.trim(y)",
            lambda: genrefx.effects.trim(padded),
            lambda: librosa.effects.trim(padded),
        ),
        (
            "effects.split(y)",
            lambda: genrefx.effects.split(padded),
            lambda: librosa.effects.split(padded),
        ),
        (
            "effects.preemphasis(y)",
            lambda: genrefx.effects.preemphasis(y),
            lambda: librosa.effects.preemphasis(y),
        ),
        (
            "onset.onset_detect(y)",
            lambda: genrefx.onset.onset_detect(y=y, sr=SR),
            lambda: librosa.onset.onset_detect(y=y, sr=SR),
        ),
        (
            "onset.onset_detect(onset_envelope)",
            lambda: genrefx.onset.onset_detect(onset_envelope=env, sr=SR),
            lambda: librosa.onset.onset_detect(onset_envelope=env, sr=SR),
        ),
        (
            "feature.delta(mfcc)",
            lambda: genrefx.feature.delta(mfcc),
            lambda: librosa.feature.delta(mfcc),
        ),
        (
            "feature.delta(mfcc, order=2)",
            lambda: genrefx.feature.delta(mfcc, order=2),
            lambda: librosa.feature.delta(mfcc, order=2),
        ),
        (
            "feature.stack_memory(mfcc, n_steps=3)",
            lambda: genrefx.feature.stack_memory(mfcc, n_steps=3),
            lambda: librosa.feature.stack_memory(mfcc, n_steps=3),
        ),
        (
            "feature.poly_features(S=S)",
            lambda: genrefx.feature.poly_features(S=S, sr=SR),
            lambda: librosa.feature.poly_features(S=S, sr=SR),
        ),
        (
            "util.peak_pick(onset envelope)",
            lambda: genrefx.util.peak_pick(env, **pick),
            lambda: librosa.util.peak_pick(env, **pick),
        ),
        ("util.localmax(S)", lambda: genrefx.util.localmax(S), lambda: librosa.util.localmax(S)),
        (
            "util.frame(y, 2048, 512) (a view)",
            lambda: genrefx.util.frame(y, frame_length=2048, hop_length=512),
            lambda: librosa.util.frame(y, frame_length=2048, hop_length=512),
        ),
        (
            "effects.time_stretch(y, rate=1.25)",
            lambda: genrefx.effects.time_stretch(y, rate=1.25),
            lambda: librosa.effects.time_stretch(y, rate=1.25),
        ),
        (
            "effects.pitch_shift(y, n_steps=2)",
            lambda: genrefx.effects.pitch_shift(y, sr=SR, n_steps=2),
            lambda: librosa.effects.pitch_shift(y, sr=SR, n_steps=2),
        ),
        (
            "pcen(mel power * 2**31)",
            lambda: genrefx.pcen(mel * 2**31, sr=SR),
            lambda: librosa.pcen(mel * 2**31, sr=SR),
        ),
        (
            "frames_to_time(1292 frames)",
            lambda: genrefx.frames_to_time(frames, sr=SR),
            lambda: librosa.frames_to_time(frames, sr=SR),
        ),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--out", default=str(Path(__file__).with_name("COMPANIONS.md")))
    args = ap.parse_args()
    if args.duration <= 0 or args.rounds < 1:
        ap.error("--duration must be > 0 and --rounds >= 1")

    y = music_clip(args.duration, SR, seed=0)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, ours, ref in _cases(y, folder):
            print(f"timing {name} ...", file=sys.stderr)
            p = _parity(ours(), ref())
            t_r, t_g, ratio = paired(ref, ours, args.rounds)
            rows.append((name, t_g, t_r, ratio, p))

    lines = [
        f"# librosa's companions: genrefx vs librosa {librosa.__version__}",
        "",
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, `python bench/companions.py "
        f"--duration {args.duration:g} --rounds {args.rounds}`; {cpu_model()}, SIMD level "
        f"`{genrefx._core.simd_level()}`, Python {platform.python_version()}, numpy "
        f"{np.__version__}; one thread.",
        "",
        f"A {args.duration:g}-s music-like clip at {SR} Hz (bench/synth.py, seed 0); the files "
        "are two such clips at 44.1 kHz as stereo 16-bit WAV / FLAC / MP3; trim / split get the "
        "clip with 2 s of a noise floor 70 dB below its peak at each end. Paired timing: "
        f"{args.rounds} rounds of both calls back to back, ms = medians, speed-up = median of "
        "the rounds' ratios. Parity: `equal` (values, dtype and shape), else "
        "max|genrefx - librosa| / max|librosa|.",
        "",
        "| function | genrefx ms | librosa ms | speed-up | parity |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, t_g, t_r, ratio, p in rows:
        lines.append(f"| `{name}` | {t_g:.3f} | {t_r:.3f} | {ratio:.2f}x | {p} |")
    lines += [
        "",
        "`load`, `resample`, `preemphasis`, `delta`, `stack_memory` and `poly_features(S=)` make "
        "the calls librosa makes (soundfile, soxr, scipy, numpy), so they run at librosa's speed; "
        "the gains are where librosa computes features (`trim` / `split`: rms frames; "
        "`onset_detect(y)`: the onset envelope; `time_stretch` / `pitch_shift`: the STFT, "
        "its inverse and a phase vocoder vectorized over frames) or runs numba loops that "
        "are numpy code here. `time_stretch` / `pitch_shift` are within the phase vocoder's "
        "own sensitivity of librosa's output (README, parity), hence their parity figures. "
        "`onset_detect` of a ready envelope is slower than librosa's: a few dozen small numpy "
        "calls against one compiled loop, microseconds either way.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
