"""Seeded rhythmic test clips for the tempo and beat-tracking tests (no audio files).

``drums(bpm, ...)`` is a drum-machine pattern: kick sweeps on beats 1 and 3 (and some
off-beat pushes), noise snares on 2 and 4, hi-hats on eighths (sixteenths in some bars) with
random velocities and a little timing jitter. ``groove(bpm, ...)`` mixes such a pattern with
chords and a bass line changing on the beat grid, as music-like material. Every function is a
pure function of its arguments and returns float32 at 22050 Hz.
"""

from __future__ import annotations

import numpy as np

SR = 22050


def _decay(n: int, tau: float, sr: int) -> np.ndarray:
    env = np.exp(-np.arange(n) / (tau * sr))
    env[env < 1e-3] = 0.0
    return env


def _kick(sr: int, rng: np.random.Generator) -> np.ndarray:
    n = int(0.25 * sr)
    t = np.arange(n) / sr
    f0 = rng.uniform(45.0, 70.0)
    phase = 2 * np.pi * (f0 * t + 60.0 * (1 - np.exp(-t / 0.03)) * 0.03 * 2)
    return np.sin(phase) * _decay(n, 0.07, sr)


def _snare(sr: int, rng: np.random.Generator) -> np.ndarray:
    n = int(0.2 * sr)
    t = np.arange(n) / sr
    noise = rng.standard_normal(n) * _decay(n, 0.05, sr)
    body = 0.5 * np.sin(2 * np.pi * rng.uniform(160, 220) * t) * _decay(n, 0.04, sr)
    return 0.6 * noise + body


def _hat(sr: int, rng: np.random.Generator) -> np.ndarray:
    n = int(0.06 * sr)
    noise = np.diff(rng.standard_normal(n + 1))  # bright
    return 0.25 * noise * _decay(n, 0.012, sr)


def _add(y: np.ndarray, x: np.ndarray, at: int, gain: float) -> None:
    if at >= len(y):
        return
    m = min(len(x), len(y) - at)
    y[at : at + m] += gain * x[:m]


def drums(bpm: float, duration: float = 12.0, *, seed: int = 0, sr: int = SR) -> np.ndarray:
    """A drum pattern at ``bpm`` beats per minute (4/4), with a -50 dB noise floor."""
    rng = np.random.default_rng(seed)
    n = int(duration * sr)
    y = np.zeros(n)
    beat = 60.0 / bpm * sr
    start = rng.uniform(0.05, 0.5) * sr
    n_beats = int((n - start) / beat) + 1
    kick, snare = _kick(sr, rng), _snare(sr, rng)
    for b in range(n_beats):
        t = start + b * beat
        jitter = lambda: int(rng.normal(0.0, 0.002 * sr))  # noqa: E731
        if b % 4 in (0, 2):
            _add(y, kick, int(t) + jitter(), rng.uniform(0.8, 1.0))
        if b % 4 in (1, 3):
            _add(y, snare, int(t) + jitter(), rng.uniform(0.6, 0.8))
        if b % 8 == 7 and rng.random() < 0.5:  # a pushed kick before the bar
            _add(y, kick, int(t + 0.5 * beat) + jitter(), 0.6)
        subdiv = 4 if (b // 4) % 4 == 3 else 2
        for s in range(subdiv):
            _add(y, _hat(sr, rng), int(t + s * beat / subdiv) + jitter(), rng.uniform(0.3, 0.8))
    y += 10 ** (-50 / 20) * rng.standard_normal(n)
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


def groove(bpm: float, duration: float = 12.0, *, seed: int = 0, sr: int = SR) -> np.ndarray:
    """Drums plus chords (changing every bar) and a bass note on every beat."""
    rng = np.random.default_rng(seed + 1000)
    y = drums(bpm, duration, seed=seed, sr=sr).astype(np.float64)
    n = len(y)
    beat = 60.0 / bpm * sr
    roots = 110.0 * 2.0 ** (rng.choice([0, 3, 5, 7, 8, 10], size=64) / 12)
    tones = np.zeros(n)
    t_all = np.arange(n) / sr
    bar = int(4 * beat)
    for k, b0 in enumerate(range(0, n, bar)):
        seg = slice(b0, min(n, b0 + bar))
        tt = t_all[seg] - t_all[b0]
        env = np.minimum(1.0, tt / 0.02) * np.exp(-tt / 1.5)
        for ratio in (1.0, 1.25, 1.5, 2.0):
            f = roots[k % 64] * 2 * ratio
            tones[seg] += 0.08 * np.sin(2 * np.pi * f * tt + rng.uniform(0, 6.3)) * env
    for b in range(int(n / beat) + 1):
        at = int(b * beat)
        m = min(int(0.9 * beat), n - at)
        if m <= 0:
            break
        tt = np.arange(m) / sr
        f = roots[(b // 4) % 64]
        tones[at : at + m] += 0.2 * np.sin(2 * np.pi * f * tt) * np.exp(-tt / 0.3)
    y = y + tones
    return (0.8 * y / np.max(np.abs(y))).astype(np.float32)


def clips(n_drums: int = 20, n_grooves: int = 10, duration: float = 12.0):
    """(name, signal) pairs: drum patterns at tempi spread over 70-180 BPM, then grooves."""
    out = []
    for i, bpm in enumerate(np.linspace(70.0, 180.0, n_drums)):
        out.append((f"drums{bpm:.1f}", drums(float(bpm), duration, seed=i)))
    for i, bpm in enumerate(np.linspace(75.0, 170.0, n_grooves)):
        out.append((f"groove{bpm:.1f}", groove(float(bpm), duration, seed=100 + i)))
    return out
