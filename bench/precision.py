#!/usr/bin/env python
"""Why spectral_contrast, spectral_bandwidth and spectral_flatness take the float64 FFT.

    python bench/precision.py [--out bench/PRECISION.md]

librosa's stft multiplies float32 frames by a float64 window, so numpy's FFT runs in float64
and only the result is rounded to complex64: every bin is accurate relative to itself. A
float32 FFT is accurate to ~1e-7 of the frame's largest bin, which is plenty for the features
dominated by the large bins, but not for contrast's valleys, a tonal frame's far bins in
bandwidth (weighted by (f - centroid)^2) or flatness's log of every bin.

This diagnostic runs genrefx's three features both ways on synthetic signals and reports the
worst error against librosa, max|a - b| / max|b|. The float32 column forces the core's
float32 spectrum through an internal request flag (``fft64``), which no public API exposes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import librosa
import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
import genrefx  # noqa: E402
import genrefx._engine as engine  # noqa: E402
import synth  # noqa: E402

SR = 22050
TOLERANCE = {"spectral_contrast": 1e-4, "spectral_bandwidth": 1e-5, "spectral_flatness": 1e-5}


def signals() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    t = np.arange(SR * 5) / SR
    noise = rng.standard_normal(SR * 5)
    # band-limited audio (as from a lossy codec): nothing above 4 kHz
    lowpassed = librosa.resample(
        librosa.resample(noise, orig_sr=SR, target_sr=8000), orig_sr=8000, target_sr=SR
    )
    return {
        "music": synth.music_clip(10.0, SR, seed=0),
        "tone 440 Hz": 0.5 * np.sin(2 * np.pi * 440 * t),
        "white noise": 0.1 * noise,
        "chirp 100-8000 Hz": librosa.chirp(fmin=100, fmax=8000, sr=SR, duration=5),
        "noise low-passed to 4 kHz": lowpassed[: SR * 5],
        # what any 44.1 kHz file loaded at 22050 Hz looks like: soxr's stop band below Nyquist
        "noise resampled 44.1 -> 22.05 kHz": librosa.resample(
            0.1 * rng.standard_normal(44100 * 5), orig_sr=44100, target_sr=SR
        ),
    }


def rate(name: str) -> dict[str, int]:
    """The sr keyword where the feature takes one (spectral_flatness does not)."""
    return {} if name == "spectral_flatness" else {"sr": SR}


def compute(name: str, y: np.ndarray, fft64: bool) -> np.ndarray:
    """genrefx's feature ``name`` of y with the core's float64 (or float32) spectrum."""
    original = engine.from_signal

    def forced(y, fr, request, n_threads=1):
        return original(y, fr, dict(request, fft64=fft64), n_threads)

    engine.from_signal = forced
    try:
        return getattr(genrefx.feature, name)(y=y, **rate(name))
    finally:
        engine.from_signal = original


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "PRECISION.md"))
    args = ap.parse_args()
    lines = [
        "Made by: `python bench/precision.py`",
        "",
        "Worst max|a - b| / max|b| against librosa 0.11 (float32 input, default parameters)",
        "with the core's spectrum in float64 (what genrefx does for these three features) and",
        "in float32 (forced for this diagnostic only).",
        "",
        "| signal | feature | float64 FFT | float32 FFT | tolerance |",
        "|---|---|--:|--:|--:|",
    ]
    for sig, y in signals().items():
        y = y.astype(np.float32)
        for name, tol in TOLERANCE.items():
            ref = getattr(librosa.feature, name)(y=y, **rate(name))
            scale = np.max(np.abs(ref))
            e64, e32 = (
                float(np.max(np.abs(compute(name, y, f) - ref)) / scale) for f in (True, False)
            )
            lines.append(f"| {sig} | {name} | {e64:.1e} | {e32:.1e} | {tol:.0e} |")
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
