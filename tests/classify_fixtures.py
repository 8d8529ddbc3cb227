"""Helpers of the ``tests/test_classify_*.py`` tests: a seeded, labelled set of synthetic
"genres" on disk (files and a zip archive), its labels, and small model settings.

Three genres differ in timbre, rhythm and harmony, each track with its own tempo, key,
levels and noise, so a classifier has to generalize across tracks:

* ``ambient``: sustained major-triad pads (few, soft partials, slow swells) in a low register,
  no percussion, a soft noise floor;
* ``dance``: a 4-on-the-floor kick and off-beat hi-hats at 120-135 BPM under a bright,
  sawtooth-like bass line in a minor key;
* ``folk``: plucked, fast-decaying harmonic notes of a major-scale melody at 80-100 BPM in a
  middle register, with vibrato and no drums.
"""

from __future__ import annotations

import contextlib
import csv
import os
import warnings
import zipfile

import numpy as np
import soundfile as sf

GENRES = ("ambient", "dance", "folk")
SR = 22050
# a small feature set keeps the tests fast (84 columns)
FEATURES = ("mfcc", "chroma_stft", "spectral_centroid", "spectral_contrast", "rms")
STATS = ("mean", "std")
FAST_PARAMS = {
    "logreg": {},
    "svm": {},
    "rf": {"n_estimators": 10},
    "knn": {"n_neighbors": 3},
    "hgb": {"max_iter": 15, "min_samples_leaf": 3},
    "mlp": {"hidden_layer_sizes": [16], "max_iter": 300},
}


def _hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def _tone(f0: float, n: int, partials: np.ndarray, rng, vibrato: float = 0.0) -> np.ndarray:
    t = np.arange(n) / SR
    inst = f0 * (1.0 + vibrato * np.sin(2 * np.pi * rng.uniform(4.5, 6.0) * t))
    phase = 2 * np.pi * np.cumsum(inst) / SR
    out = np.zeros(n)
    for k, a in enumerate(partials, start=1):
        if k * f0 < 0.45 * SR:
            out += a * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    return out


def genre_clip(genre: str, seconds: float = 2.5, *, seed: int = 0) -> np.ndarray:
    """A float32 clip of ``genre`` at :data:`SR`, peak 0.7; a pure function of its arguments."""
    rng = np.random.default_rng([GENRES.index(genre), seed])
    n = round(seconds * SR)
    y = np.zeros(n)
    key = rng.integers(-3, 4)
    if genre == "ambient":
        chord_len = int(rng.uniform(1.2, 1.8) * SR)
        for start in range(0, n, chord_len):
            m = min(chord_len + SR // 2, n - start)
            root = 48 + key + rng.choice([0, 5, 7])
            swell = np.sin(np.pi * np.arange(m) / m) ** 2
            for interval in (0, 4, 7, 12):
                y[start : start + m] += swell * _tone(_hz(root + interval), m, [1.0, 0.2], rng)
        y += 0.01 * rng.standard_normal(n)
    elif genre == "dance":
        beat = int(60.0 / rng.uniform(120, 135) * SR)
        for i, start in enumerate(range(0, n, beat)):
            m = min(beat, n - start)
            t = np.arange(m) / SR
            kick = np.sin(2 * np.pi * (150 * t - 180 * t**2)) * np.exp(-t / 0.05)
            y[start : start + m] += 0.9 * kick
            hat = start + beat // 2
            if hat < n:
                h = min(int(0.04 * SR), n - hat)
                noise = np.diff(rng.standard_normal(h + 1)) * np.exp(-np.arange(h) / (0.008 * SR))
                y[hat : hat + h] += 0.35 * noise
            note = 33 + key + [0, 0, 3, 7][i % 4]
            saw = _tone(_hz(note), m, 1.0 / np.arange(1, 30), rng)
            y[start : start + m] += 0.3 * saw * np.exp(-t / 0.2)
        y += 0.005 * rng.standard_normal(n)
    else:
        step = int(60.0 / rng.uniform(80, 100) * SR / 2)
        scale = np.array([0, 2, 4, 5, 7, 9, 11, 12])
        for start in range(0, n, step):
            m = min(int(0.8 * SR), n - start)
            t = np.arange(m) / SR
            midi = 62 + key + rng.choice(scale)
            partials = rng.uniform(0.3, 1.0, 8) / np.arange(1, 9) ** 1.2
            pluck = _tone(_hz(midi), m, partials, rng, vibrato=0.004) * np.exp(-t / 0.25)
            y[start : start + m] += pluck * np.minimum(1.0, t / 0.003)
        y += 0.003 * rng.standard_normal(n)
    y *= 0.7 / np.max(np.abs(y))
    return y.astype(np.float32)


def write_set(folder, n_per_genre: int, *, seconds: float = 2.5, first_seed: int = 0) -> list:
    """Write ``n_per_genre`` tracks per genre as ``folder/GENRE/GENRE_SEED.wav``; returns
    ``[(path, genre, artist)]``, two tracks per artist."""
    tracks = []
    for genre in GENRES:
        os.makedirs(os.path.join(folder, genre), exist_ok=True)
        for i in range(n_per_genre):
            seed = first_seed + i
            path = os.path.join(folder, genre, f"{genre}_{seed:03d}.wav")
            sf.write(path, genre_clip(genre, seconds, seed=seed), SR, subtype="PCM_16")
            tracks.append((path, genre, f"{genre}-artist-{seed // 2}"))
    return tracks


def zip_tracks(tracks, archive) -> list:
    """Move the files of ``tracks`` into the zip ``archive``; their paths become
    ``ARCHIVE::NAME``."""
    moved = []
    with zipfile.ZipFile(archive, "w") as zf:
        for path, genre, artist in tracks:
            name = os.path.basename(path)
            zf.write(path, arcname=name)
            os.remove(path)
            moved.append((f"{archive}::{name}", genre, artist))
    return moved


def write_labels(path, tracks, *, key: str = "path", label=None) -> str:
    """LABELS.csv: ``key, genre, artist`` (``label(genre)`` replaces the genre)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([key, "genre", "artist"])
        for p, genre, artist in tracks:
            writer.writerow([p, label(genre) if label else genre, artist])
    return os.fspath(path)


@contextlib.contextmanager
def small_fit():
    """Fit tiny models on a tiny set: silence MLP's ConvergenceWarning (it stops early on
    purpose; pytest would make the warning an error) and run OpenMP-threaded estimators
    (HistGradientBoosting) on one thread, whose start-up costs seconds per fit on a handful of
    rows when the cores are busy."""
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield
