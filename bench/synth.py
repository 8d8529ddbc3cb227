"""Seeded, music-like test signals for the benchmarks.

The clip mixes what the features are sensitive to: a vibrato melody with decaying harmonic
partials, a two-voice chord pad, percussive events (kick sweeps, snare and hi-hat noise bursts)
on a 120 BPM grid, and a stretch of exact digital silence (zeros) that exercises the
log/amin/normalisation paths.
"""

from __future__ import annotations

import numpy as np

SR = 22050

_PENTATONIC = np.array([0, 2, 4, 7, 9])  # major pentatonic degrees


def _note(f0: float, length: int, sr: int, rng: np.random.Generator, n_partials: int) -> np.ndarray:
    """One harmonic tone with vibrato and an attack/decay envelope (float64)."""
    t = np.arange(length) / sr
    vib_rate = rng.uniform(4.5, 6.5)
    vib_depth = rng.uniform(0.003, 0.012)  # relative frequency deviation
    inst_f = f0 * (1.0 + vib_depth * np.sin(2.0 * np.pi * vib_rate * t + rng.uniform(0, 2 * np.pi)))
    phase = 2.0 * np.pi * np.cumsum(inst_f) / sr
    tone = np.zeros(length)
    for k in range(1, n_partials + 1):
        if k * f0 * (1.0 + vib_depth) >= 0.45 * sr:
            break
        amp = rng.uniform(0.5, 1.0) / k
        tone += amp * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    attack = min(length, max(1, int(0.012 * sr)))
    env = np.exp(-t * rng.uniform(1.0, 4.0))
    env[:attack] *= np.linspace(0.0, 1.0, attack)
    release = min(length, max(1, int(0.02 * sr)))
    env[length - release :] *= np.linspace(1.0, 0.0, release)
    return tone * env


def music_clip(
    duration: float = 30.0,
    sr: int = SR,
    seed: int = 0,
    *,
    tempo: float = 120.0,
    gap: tuple[float, float] | None = (0.42, 1.5),
) -> np.ndarray:
    """Return a seeded music-like mono clip, float32, peak 0.8.

    gap: (start as a fraction of the duration, length in seconds) of exact silence, or None.
    """
    rng = np.random.default_rng(seed)
    n = round(duration * sr)
    y = np.zeros(n)
    beat = 60.0 / tempo
    root = 57 + int(rng.integers(-5, 6))  # around A3

    # Melody: pentatonic notes of 1/2, 1 or 2 beats.
    pos = 0
    while pos < n:
        length = min(n - pos, int(rng.choice([0.5, 1.0, 2.0]) * beat * sr))
        midi = root + 12 * int(rng.integers(0, 3)) + int(rng.choice(_PENTATONIC))
        f0 = 440.0 * 2.0 ** ((midi - 69) / 12)
        y[pos : pos + length] += 0.5 * _note(f0, length, sr, rng, n_partials=10)
        pos += length

    # Pad: two low voices, chord change every 4 beats.
    bar = int(4 * beat * sr)
    for start in range(0, n, bar):
        length = min(bar, n - start)
        for interval in (0, 7):
            midi = root - 12 + interval + int(rng.choice(_PENTATONIC))
            f0 = 440.0 * 2.0 ** ((midi - 69) / 12)
            y[start : start + length] += 0.25 * _note(f0, length, sr, rng, n_partials=6)

    # Percussion on an eighth-note grid.
    eighth = beat / 2
    n_hits = int(duration / eighth)
    for i in range(n_hits):
        start = int(i * eighth * sr)
        if i % 4 == 0:  # kick: decaying downward sine sweep
            length = min(n - start, int(0.25 * sr))
            t = np.arange(length) / sr
            f = 50.0 + 90.0 * np.exp(-t * 30.0)
            y[start : start + length] += (
                0.9 * np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-t * 12.0)
            )
        if i % 4 == 2:  # snare: broadband noise burst
            length = min(n - start, int(0.18 * sr))
            t = np.arange(length) / sr
            y[start : start + length] += 0.5 * rng.standard_normal(length) * np.exp(-t * 25.0)
        # hi-hat: short high-passed noise burst on every eighth
        length = min(n - start, int(0.05 * sr))
        if length > 1:
            t = np.arange(length) / sr
            noise = np.diff(rng.standard_normal(length + 1))
            y[start : start + length] += 0.12 * noise * np.exp(-t * 80.0)

    if gap is not None:
        g0 = int(gap[0] * n)
        y[g0 : g0 + int(gap[1] * sr)] = 0.0

    peak = np.max(np.abs(y))
    if peak > 0:
        y *= 0.8 / peak
    return y.astype(np.float32)


def music_batch(count: int, duration: float = 30.0, sr: int = SR, seed: int = 0) -> np.ndarray:
    """(count, n) float32 batch; row 0 equals music_clip(duration, sr, seed)."""
    return np.stack([music_clip(duration, sr, seed + i) for i in range(count)])
