#!/usr/bin/env python
"""Benchmark of n_fft whose FFT has a large prime factor (Bluestein's algorithm in genrefx),
genrefx vs librosa 0.11, one thread, on a seeded music-like clip.

    python bench/odd_nfft.py [--duration 30] [--repeats 5] [--out bench/ODD_NFFT.md]

For each n_fft: stft (float32 FFT, librosa's default hop n_fft // 4) and spectral_flatness
(float64 FFT, hop 512). Each timing is the median of --repeats interleaved calls after one
untimed warm-up call (see harness.timeit_many); parity is max|genrefx - librosa| /
max|librosa| on the warm-up outputs. The Markdown table is printed and written to --out.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["NUMBA_NUM_THREADS"] = "1"

import argparse
import platform
from datetime import datetime, timezone
from pathlib import Path

import librosa

import genrefx
from harness import cpu_model, parity, timeit_many, unwrap
from synth import music_clip

SR = 22050
# primes, twice a prime, and a product of mid-sized primes (direct DFT stages)
N_FFTS = (131, 1102, 1103, 2011, 4006, 4099, 8191)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", default=str(Path(__file__).with_name("ODD_NFFT.md")))
    args = ap.parse_args()
    y = music_clip(args.duration, SR, seed=0)
    lines = [
        "| n_fft | function | genrefx ms | librosa ms | speed-up | parity |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for n_fft in N_FFTS:
        cases = [
            (
                "stft",
                lambda n=n_fft: genrefx.stft(y, n_fft=n),
                lambda n=n_fft: librosa.stft(y, n_fft=n),
            ),
            (
                "feature.spectral_flatness",
                lambda n=n_fft: genrefx.feature.spectral_flatness(y=y, n_fft=n),
                lambda n=n_fft: librosa.feature.spectral_flatness(y=y, n_fft=n),
            ),
        ]
        for name, ours, ref in cases:
            (t_g, out_g), (t_r, out_r) = (unwrap(t) for t in timeit_many([ours, ref], args.repeats))
            lines.append(
                f"| {n_fft} | `{name}` | {t_g:.2f} | {t_r:.2f} | {t_r / t_g:.1f}x "
                f"| {parity(out_g, out_r):.1e} |"
            )
            print(lines[-1], flush=True)
    header = [
        "Made by: `python bench/odd_nfft.py`",
        "",
        f"{args.duration:g}-s synthetic music clip at {SR} Hz, float32, one thread; median ms of "
        f"{args.repeats} interleaved calls after a warm-up call. {cpu_model()}, "
        f"genrefx {genrefx.__version__} simd={genrefx._core.simd_level()}, librosa "
        f"{librosa.__version__}, Python {platform.python_version()}, "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
    ]
    Path(args.out).write_text("\n".join(header + lines) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
