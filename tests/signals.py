"""Deterministic test-signal synthesizers (no audio files, no network).

Every function returns a 1-d, C-contiguous array of the requested dtype (float32 by
default) and is a pure function of its arguments, so references computed from it can be
cached and recomputed anywhere (including in a subprocess).

Design notes for the parity tests:

* ``music`` is the workhorse: harmonic tones with several partials and vibrato, decaying
  percussive noise bursts, a noise floor (about -40 dB), a small DC offset, and exact-zero
  silence gaps.
  The noise floor matters: per-frame ratios such as spectral flatness, bandwidth and
  contrast of a *purely* tonal frame are dominated by spectral leakage at the 1e-7 level,
  where float32 rounding decides the value; real music always has a noise floor.
  Decaying envelopes are gated to exact zero once they fall below about -60 dB, so no frame
  is made only of denormal-sized samples.
* Tones are tuned ``tuning`` fractions of a semitone away from A440 (default +0.27), so
  chroma_stft's tuning estimate is clearly non-zero and a test that ignores it can fail.
"""

from __future__ import annotations

import numpy as np

SR = 22050


def _finish(y: np.ndarray, dtype, peak: float | None = None) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if peak is not None:
        m = np.max(np.abs(y))
        if m > 0:
            y = y * (peak / m)
    return np.ascontiguousarray(y.astype(dtype))


def _gated_decay(n: int, tau_samples: float, floor_db: float = -60.0) -> np.ndarray:
    """exp(-t/tau), set to exactly 0 from where it drops below ``floor_db``."""
    t = np.arange(n, dtype=np.float64)
    env = np.exp(-t / tau_samples)
    env[env < 10.0 ** (floor_db / 20.0)] = 0.0
    return env


def music(
    duration: float = 2.0,
    sr: int = SR,
    *,
    seed: int = 0,
    dtype=np.float32,
    tuning: float = 0.27,
    n_samples: int | None = None,
) -> np.ndarray:
    """Music-like mixture.

    Notes (4-6 partials, 1/k amplitudes, attack/release envelopes, vibrato on some notes),
    noise-burst "hi-hats" and a decaying low "kick" every beat, a -40 dB noise floor, a DC
    offset, and two silence gaps of exact zeros (0.2 s each, longer than a 4096-sample frame).
    """
    rng = np.random.default_rng(seed)
    n = round(duration * sr) if n_samples is None else int(n_samples)
    y = np.zeros(n, dtype=np.float64)

    # --- harmonic notes -------------------------------------------------------------
    a4 = 440.0 * 2.0 ** (tuning / 12.0)
    midi_pool = np.array([45, 48, 52, 55, 57, 60, 62, 64, 67, 69, 72, 76])
    note_len = int(0.25 * sr)
    hop = int(0.18 * sr)  # overlapping notes -> polyphony
    for k, start in enumerate(range(0, max(n - note_len // 2, 1), hop)):
        midi = int(rng.choice(midi_pool))
        f0 = a4 * 2.0 ** ((midi - 69) / 12.0)
        length = min(note_len + int(rng.integers(0, note_len // 2)), n - start)
        if length <= 0:
            continue
        tt = np.arange(length, dtype=np.float64) / sr
        vibrato = k % 3 == 1
        if vibrato:  # 5.5 Hz, +-0.15 semitone
            inst = f0 * 2.0 ** (0.15 / 12.0 * np.sin(2 * np.pi * 5.5 * tt))
            phase = 2 * np.pi * np.cumsum(inst) / sr
        else:
            phase = 2 * np.pi * f0 * tt
        n_partials = 4 + (k % 3)
        note = np.zeros(length)
        for p in range(1, n_partials + 1):
            if p * f0 >= 0.45 * sr:
                break
            note += np.sin(p * phase + rng.uniform(0, 2 * np.pi)) / p
        attack = min(int(0.01 * sr), length)
        env = np.ones(length)
        env[:attack] = np.linspace(0.0, 1.0, attack, endpoint=False)
        release = min(int(0.05 * sr), length)
        env[length - release :] *= np.linspace(1.0, 0.0, release)
        env *= np.exp(-tt / 0.6)
        y[start : start + length] += rng.uniform(0.15, 0.35) * note * env

    # --- percussion -----------------------------------------------------------------
    beat = int(0.125 * sr)
    for k, start in enumerate(range(int(0.03 * sr), n, beat)):
        length = min(int(0.12 * sr), n - start)
        if k % 2 == 0:  # bright noise burst
            burst = rng.standard_normal(length) * _gated_decay(length, 0.012 * sr)
            burst = np.diff(burst, prepend=0.0)  # tilt towards high frequencies
            y[start : start + length] += 0.25 * burst
        if k % 4 == 0:  # kick: decaying downward sweep
            tt = np.arange(length) / sr
            sweep = np.sin(2 * np.pi * (150.0 * tt - 200.0 * tt**2))
            y[start : start + length] += 0.5 * sweep * _gated_decay(length, 0.03 * sr)

    # --- noise floor (-40 dB re full scale) -------------------------------------------
    y += 10.0 ** (-40.0 / 20.0) * rng.standard_normal(n)

    # --- small DC offset (as from a real converter) ------------------------------------
    # Without it the (real-valued) DC bin of some frames cancels to ~1e-6 of the frame's
    # peak by chance; spectral_contrast's lowest band then takes that bin as its valley and
    # the value is decided by float32 rounding rather than by the signal.
    y += 0.02

    # --- silence gaps (exact zeros) -------------------------------------------------
    gap = int(0.2 * sr)
    for frac in (0.35, 0.8):
        g0 = int(frac * n)
        y[g0 : g0 + gap] = 0.0

    return _finish(y, dtype, peak=0.8)


def white_noise(
    duration: float = 1.5, sr: int = SR, *, seed: int = 1, dtype=np.float32, amp: float = 0.3
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = round(duration * sr)
    return _finish(amp * rng.standard_normal(n), dtype)


def tone(
    freq: float = 440.0 * 2.0 ** (0.27 / 12.0),
    duration: float = 1.5,
    sr: int = SR,
    *,
    dtype=np.float32,
    amp: float = 0.5,
    phase: float = 0.3,
) -> np.ndarray:
    t = np.arange(round(duration * sr), dtype=np.float64) / sr
    return _finish(amp * np.sin(2 * np.pi * freq * t + phase), dtype)


def chirp(
    f0: float = 100.0,
    f1: float = 8000.0,
    duration: float = 1.5,
    sr: int = SR,
    *,
    method: str = "linear",
    dtype=np.float32,
    amp: float = 0.5,
) -> np.ndarray:
    """Linear or exponential sine sweep from f0 to f1 Hz."""
    t = np.arange(round(duration * sr), dtype=np.float64) / sr
    if method == "linear":
        phase = 2 * np.pi * (f0 * t + 0.5 * (f1 - f0) / duration * t**2)
    elif method == "exponential":
        k = (f1 / f0) ** (1.0 / duration)
        phase = 2 * np.pi * f0 * (k**t - 1.0) / np.log(k)
    else:
        raise ValueError(method)
    return _finish(amp * np.sin(phase), dtype)


def zeros(duration: float = 1.0, sr: int = SR, *, dtype=np.float32) -> np.ndarray:
    return np.zeros(round(duration * sr), dtype=dtype)


def short(n: int = 1000, *, seed: int = 2, dtype=np.float32) -> np.ndarray:
    """A signal shorter than the default n_fft (2048): a tone plus a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SR
    y = 0.4 * np.sin(2 * np.pi * 660.0 * t) + 0.05 * rng.standard_normal(n)
    return _finish(y, dtype)


def odd_length(n: int = 22050 + 777, *, seed: int = 3, dtype=np.float32) -> np.ndarray:
    """The music mixture with an odd number of samples (not a multiple of any hop)."""
    assert n % 2 == 1
    return music(sr=SR, seed=seed, dtype=dtype, n_samples=n)


#: name -> zero-argument factory, float32, 22050 Hz
SIGNALS = {
    "music": lambda: music(),
    "noise": lambda: white_noise(),
    "tone": lambda: tone(),
    "chirp_lin": lambda: chirp(method="linear"),
    "chirp_exp": lambda: chirp(50.0, 10000.0, method="exponential"),
    "zeros": lambda: zeros(),
    "short": lambda: short(),
    "odd": lambda: odd_length(),
}

#: signals with broadband content everywhere they are non-zero (see module docstring)
BROADBAND = ("music", "noise", "odd")


_CACHE: dict[str, np.ndarray] = {}


def get(name: str, dtype=np.float32) -> np.ndarray:
    """A fresh copy of the named signal from ``SIGNALS`` (synthesized once per process)."""
    if name not in _CACHE:
        _CACHE[name] = SIGNALS[name]()
    return _CACHE[name].astype(dtype, copy=True)
