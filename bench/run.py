#!/usr/bin/env python
"""genrefx benchmark suite: genrefx vs librosa 0.11 / scipy.fft / numpy.fft.

    python bench/run.py [--repeats N] [--duration 30] [--out bench/RESULTS.md] [--quick] [--sweep]

Everything runs in this one process, single-threaded (the thread variables below are set
before numpy is imported, and threadpoolctl caps BLAS at 1 thread when it is installed),
except the "threads" rows, which measure genrefx's own n_threads and user threads.
Each timing is the median of --repeats calls after one untimed warm-up call (which also
absorbs librosa's numba JIT compilation). The target rows that compare two calls of a few ms
(stft vs scipy, the sweep, the threads rows) are timed in pairs instead: PAIRED_ROUNDS rounds
of both calls back to back, ratio = median of the rounds' ratios (see harness.paired). The
Markdown table is printed on stdout and written to --out; progress goes to stderr.

OPENBLAS_CORETYPE is set on the benchmark machine; it is inherited as is and reported.
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["NUMBA_NUM_THREADS"] = "1"

import argparse
import contextlib
import io
import json
import shlex
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import librosa
import numpy as np
import scipy
import scipy.fft
import scipy.signal
from numpy.lib.stride_tricks import sliding_window_view

from harness import (
    ProcessPair,
    Row,
    Target,
    cpu_model,
    markdown_table,
    paired,
    parity,
    timeit_many,
    unwrap,
    usable_cpus,
)
from synth import music_batch, music_clip

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # optional
    threadpool_limits = None

BENCH_DIR = Path(__file__).resolve().parent

FEATURES = (
    "melspectrogram",
    "mfcc",
    "chroma_stft",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_contrast",
    "spectral_rolloff",
    "spectral_flatness",
    "zero_crossing_rate",
    "rms",
)
NO_SR = frozenset({"spectral_flatness", "zero_crossing_rate", "rms"})  # take no sr argument

N_FFT = 2048
HOP = 512
SWEEP_N_FFT = (512, 1024, 4096, 2000)
BATCH = 8
PAIRED_ROUNDS = 41  # rounds of the paired target rows (at least --repeats)

T_STFT = Target(1.5)  # genrefx.stft (framing + window + FFT) vs scipy rfft alone
T_FEATURE = Target(1.0, strict=True)  # every feature faster than librosa
T_EXTRACT = Target(40.0)  # fused extract vs sum of the 10 librosa calls
T_THREADS = Target(1.8)  # 2 threads vs 1 on 2 cores
T_INFO = Target(None)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def feature_kwargs(name: str, y: np.ndarray, sr: int) -> dict[str, Any]:
    return {"y": y} if name in NO_SR else {"y": y, "sr": sr}


def windowed_frames(y: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """(n_frames, n_fft) float32 frames exactly as librosa.stft builds them (center=True,
    pad_mode="constant", periodic Hann), contiguous, ready for a plain rfft."""
    pad = n_fft // 2
    framed = sliding_window_view(np.pad(y, pad, mode="constant"), n_fft)[::hop]
    win = scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)
    return np.ascontiguousarray(framed * win, dtype=np.float32)


class Suite:
    def __init__(self, gx: Any, args: argparse.Namespace) -> None:
        self.gx = gx
        self.args = args
        self.repeats = args.repeats
        self.sr = args.sr
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.refs: dict[str, np.ndarray] = {}  # librosa outputs on y, per feature
        self.y = music_clip(args.duration, self.sr, args.seed)

    # -- plumbing ---------------------------------------------------------------------------
    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def time(self, *fns: Callable[[], Any]) -> list[tuple[float, Any]]:
        """Interleaved medians of fns (each after one warm-up call); see harness.timeit_many.
        Entries of failed fns hold the exception: pass them through unwrap()."""
        return timeit_many(list(fns), self.repeats)

    def time_pair(self, row: Row, ref: Callable[[], Any], ours: Callable[[], Any]) -> None:
        """Times a target row in pairs (harness.paired): its ms and its ratio."""
        rounds = max(self.repeats, PAIRED_ROUNDS)
        row.ref_ms, row.ours_ms, row.paired_ratio = paired(ref, ours, rounds)
        row.notes.append(f"paired timing: {rounds} rounds, ratio = median of the rounds' ratios")

    @staticmethod
    def check(row: Row, label: str, a: Any, ref: Any) -> float:
        """Parity of a vs ref, recording shape/dtype problems in the row's notes."""
        try:
            err = parity(a, ref)
        except ValueError as exc:
            row.notes.append(f"{label}: {exc}")
            return float("inf")
        a_dt, r_dt = np.asarray(a).dtype, np.asarray(ref).dtype
        if a_dt != r_dt:
            row.notes.append(f"{label}: dtype {a_dt} (librosa: {r_dt})")
        return err

    @staticmethod
    def fail(rows: list[Row], exc: BaseException) -> None:
        msg = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:200]
        for r in rows:
            r.error = msg
            r.notes.append(f"error: {msg}")
        log("".join(traceback.format_exception(exc)).rstrip())

    # -- 1. stft ----------------------------------------------------------------------------
    def bench_stft(self) -> None:
        y, gx = self.y, self.gx
        log("stft ...")
        rows = [
            self.add(Row("stft", "genrefx.stft", "librosa.stft", T_INFO)),
            self.add(Row("stft", "genrefx.stft", "scipy.fft.rfft on pre-framed frames", T_STFT)),
            self.add(Row("stft", "genrefx.stft", "numpy.fft.rfft on pre-framed frames", T_INFO)),
        ]
        frames = windowed_frames(y, N_FFT, HOP)
        self.notes.append(
            f"stft reference frames: {frames.shape[0]}x{frames.shape[1]} float32, framed "
            "(center=True, zero padding) and Hann-windowed outside the timed region; "
            "scipy.fft.rfft(frames, axis=-1, workers=1), numpy.fft.rfft(frames, axis=-1)."
        )
        try:
            timings = self.time(
                lambda: librosa.stft(y, n_fft=N_FFT, hop_length=HOP),
                lambda: scipy.fft.rfft(frames, axis=-1, workers=1),
                lambda: np.fft.rfft(frames, axis=-1),
                lambda: gx.stft(y, n_fft=N_FFT, hop_length=HOP),
            )
            (t_lib, ref), (t_sp, sp), (t_np, _) = (unwrap(t) for t in timings[:3])
            for r, t_ref in zip(rows, (t_lib, t_sp, t_np), strict=True):
                r.ref_ms = t_ref
            sanity = parity(sp.T, ref)
            self.notes.append(
                f"reference check: pre-framed scipy rfft vs librosa.stft parity {sanity:.1e}"
            )
            t_gx, out = unwrap(timings[3])
            err = self.check(rows[0], "stft", out, ref)
        except Exception as exc:
            self.fail(rows, exc)
            return
        for r in rows:
            r.ours_ms, r.parity = t_gx, err
        try:
            self.time_pair(
                rows[1],
                lambda: scipy.fft.rfft(frames, axis=-1, workers=1),
                lambda: gx.stft(y, n_fft=N_FFT, hop_length=HOP),
            )
        except Exception as exc:
            self.fail([rows[1]], exc)

    # -- 2. features ------------------------------------------------------------------------
    def bench_features(self) -> None:
        y, sr, gx = self.y, self.sr, self.gx
        for name in FEATURES:
            log(f"feature {name} ...")
            row = self.add(Row("feature", f"feature.{name}", f"librosa.feature.{name}", T_FEATURE))
            lib_fn = getattr(librosa.feature, name)
            kw = feature_kwargs(name, y, sr)
            try:
                gx_fn = getattr(gx.feature, name, None)
                if gx_fn is None:
                    ref_t, ours_t = (*self.time(lambda f=lib_fn, k=kw: f(**k)), None)
                else:
                    ref_t, ours_t = self.time(
                        lambda f=lib_fn, k=kw: f(**k), lambda f=gx_fn, k=kw: f(**k)
                    )
                row.ref_ms, self.refs[name] = unwrap(ref_t)
                if ours_t is None:
                    raise AttributeError(f"genrefx.feature has no attribute {name!r}")
                row.ours_ms, out = unwrap(ours_t)
                row.parity = self.check(row, name, out, self.refs[name])
            except Exception as exc:
                self.fail([row], exc)

    def librosa_all(self, y: np.ndarray) -> dict[str, np.ndarray]:
        return {
            name: getattr(librosa.feature, name)(**feature_kwargs(name, y, self.sr))
            for name in FEATURES
        }

    def extract_parity(
        self, row: Row, out: dict[str, np.ndarray], refs: dict[str, np.ndarray] | None = None
    ) -> float:
        """Worst per-feature parity of an extract() output against librosa outputs
        (default: the single-clip references)."""
        refs = self.refs if refs is None else refs
        worst, worst_name = 0.0, None
        for name in FEATURES:
            if name not in out:
                row.notes.append(f"extract: missing key {name!r}")
                return float("inf")
            if name not in refs:
                continue  # the librosa reference itself failed (reported on its row)
            err = self.check(row, name, out[name], refs[name])
            if not err <= worst:  # also catches nan
                worst, worst_name = err, name
        if worst_name is not None:
            row.notes.append(f"worst parity: {worst_name}")
        return worst

    # -- 3. all features --------------------------------------------------------------------
    def bench_extract(self) -> None:
        y, sr, gx = self.y, self.sr, self.gx
        log("extract (all features) ...")
        row = self.add(
            Row(
                "all", "extract(y, sr) fused, 10 features", "librosa: 10 calls, one each", T_EXTRACT
            )
        )
        try:
            extract = getattr(gx, "extract", None)
            if extract is None:
                (ref_t,) = self.time(lambda: self.librosa_all(y))
                ours_t = (float("nan"), AttributeError("genrefx has no attribute 'extract'"))
            else:
                ref_t, ours_t = self.time(lambda: self.librosa_all(y), lambda: extract(y, sr))
            row.ref_ms, lib_all = unwrap(ref_t)
            for name, v in lib_all.items():
                self.refs.setdefault(name, v)
            row.ours_ms, out = unwrap(ours_t)
            row.parity = self.extract_parity(row, out)
        except Exception as exc:
            self.fail([row], exc)
        if extract is not None:
            self.bench_extract_dense(extract)

    def bench_extract_dense(self, extract: Callable[..., Any]) -> None:
        """extract on seeded white noise of the same length: full-band spectra with peaks in a
        third of the bins (the synthetic clip has few), as recordings are denser than it; the
        tuning estimate's piptrack and histogram work per peak."""
        sr, args = self.sr, self.args
        noise = (0.1 * np.random.default_rng(args.seed).standard_normal(self.y.size)).astype(
            np.float32
        )
        row = self.add(
            Row("all", "extract(noise, sr), 10 features", "librosa: 10 calls, one each", T_INFO)
        )
        row.notes.append(
            "seeded white noise (0.1 rms), as long as the clip: piptrack peaks at about a third "
            "of the searched bins in every frame (the clip has few), so chroma's tuning estimate "
            "does the most work per frame, as on dense recordings"
        )
        try:
            ref_t, ours_t = self.time(lambda: self.librosa_all(noise), lambda: extract(noise, sr))
            row.ref_ms, lib_noise = unwrap(ref_t)
            row.ours_ms, out = unwrap(ours_t)
            row.parity = self.extract_parity(row, out, lib_noise)
        except Exception as exc:
            self.fail([row], exc)

    # -- 4. threads -------------------------------------------------------------------------
    def bench_threads(self) -> None:
        gx, sr, args = self.gx, self.sr, self.args
        log(f"threads (batch of {BATCH} clips) ...")
        batch = music_batch(BATCH, args.duration, sr, args.seed)  # row 0 == self.y
        half = BATCH // 2
        first, second = batch[:half], batch[half:]
        desc = f"{BATCH}x{args.duration:g}s"
        r_nt = self.add(
            Row(
                "threads",
                f"extract(batch {desc}, n_threads=2)",
                "extract(batch, n_threads=1)",
                T_THREADS,
            )
        )
        r_py = self.add(
            Row(
                "threads",
                f"2 Python threads, extract({half} clips) each",
                f"1 thread: extract({half}) then extract({half})",
                T_THREADS,
            )
        )
        r_proc = self.add(
            Row(
                "threads",
                f"2 processes, extract({half} clips) each (nothing shared)",
                f"1 process: extract({BATCH} clips)",
                T_INFO,
            )
        )
        cpus = usable_cpus()
        if cpus < 2:
            for r in (r_nt, r_py, r_proc):
                r.skip = f"{cpus} usable CPU"
        try:
            self.time_pair(
                r_nt,
                lambda: gx.extract(batch, sr, n_threads=1),
                lambda: gx.extract(batch, sr, n_threads=2),
            )
            out1 = gx.extract(batch, sr, n_threads=1)
            out2 = gx.extract(batch, sr, n_threads=2)
            log("  librosa reference on the batch (untimed) ...")
            lib = self.librosa_all(batch)
            r_nt.parity = max(
                self.extract_parity(r_nt, out1, lib), self.extract_parity(r_nt, out2, lib)
            )
            self.same(r_nt, "n_threads=2 vs n_threads=1", out2, out1)
        except Exception as exc:
            self.fail([r_nt], exc)
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:

                def threaded() -> list[dict[str, np.ndarray]]:
                    futs = [pool.submit(gx.extract, part, sr) for part in (first, second)]
                    return [f.result() for f in futs]

                def serial() -> list[dict[str, np.ndarray]]:
                    return [gx.extract(part, sr) for part in (first, second)]

                self.time_pair(r_py, serial, threaded)
                ser, thr = serial(), threaded()
            log("  librosa reference on the halves (untimed) ...")
            libs = [self.librosa_all(part) for part in (first, second)]
            r_py.parity = max(
                self.extract_parity(r_py, out, lib)
                for outs in (ser, thr)
                for out, lib in zip(outs, libs, strict=True)
            )
            for a, b in zip(thr, ser, strict=True):
                self.same(r_py, "threaded vs serial", a, b)
        except Exception as exc:
            self.fail([r_py], exc)
        if not r_proc.skip:
            try:
                with ProcessPair([first, second], sr) as pair:
                    self.time_pair(r_proc, lambda: gx.extract(batch, sr, n_threads=1), pair)
                r_proc.notes.append(
                    "the batch's halves in two worker processes (a pipe round trip each call): "
                    "this machine's own two-core scaling, to read the threads rows against"
                )
            except Exception as exc:
                self.fail([r_proc], exc)
        self.notes.append(
            f"threads: a ({BATCH}, n) batch of different seeded clips (clip 0 = the benchmark "
            "clip); parity is against librosa called on the same batch / halves (librosa's "
            "power_to_db top_db and tuning estimation span the whole array, so batch results "
            f"differ from per-clip ones); usable CPUs: {cpus}; BLAS stays capped at 1 thread."
        )

    @staticmethod
    def same(row: Row, label: str, a: dict, b: dict) -> None:
        """Note when two extract outputs (threaded vs serial) are not bit-identical."""
        for name in b:
            x, z = np.asarray(a.get(name)), np.asarray(b[name])
            if x.shape != z.shape or not np.array_equal(x, z, equal_nan=True):
                diff = parity(x, z) if x.shape == z.shape else float("inf")
                row.notes.append(f"{label}: {name} differs (rel {diff:.1e})")

    # -- 5. sweep ---------------------------------------------------------------------------
    def bench_sweep(self) -> None:
        y, gx = self.y, self.gx
        for n_fft in SWEEP_N_FFT:
            log(f"sweep stft n_fft={n_fft} ...")
            row = self.add(
                Row(
                    "sweep",
                    f"genrefx.stft n_fft={n_fft} hop={HOP}",
                    "scipy.fft.rfft on pre-framed frames",
                    T_STFT,
                )
            )
            try:
                frames = windowed_frames(y, n_fft, HOP)
                self.time_pair(
                    row,
                    lambda f=frames: scipy.fft.rfft(f, axis=-1, workers=1),
                    lambda n=n_fft: gx.stft(y, n_fft=n, hop_length=HOP),
                )
                out = gx.stft(y, n_fft=n_fft, hop_length=HOP)
                ref = librosa.stft(y, n_fft=n_fft, hop_length=HOP)
                row.parity = self.check(row, "stft", out, ref)
            except Exception as exc:
                self.fail([row], exc)

    def run(self) -> None:
        self.bench_stft()
        self.bench_features()
        self.bench_extract()
        self.bench_threads()
        if self.args.sweep:
            self.bench_sweep()


def import_genrefx() -> tuple[Any, dict[str, Any]]:
    try:
        import genrefx
    except ImportError as exc:
        sys.exit(f"cannot import genrefx ({exc}); build/install the project first")
    with contextlib.redirect_stdout(io.StringIO()):  # show_config() also prints
        cfg = genrefx.show_config()
    return genrefx, dict(cfg)


def blas_info() -> str:
    if threadpool_limits is None:
        return "threadpoolctl not installed"
    from threadpoolctl import threadpool_info

    libs = [f"{i.get('internal_api')}={i.get('num_threads')}" for i in threadpool_info()]
    return "threadpoolctl: " + (", ".join(libs) if libs else "no native pools loaded")


def render(suite: Suite, cfg: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    gx = suite.gx
    y = suite.y
    n_frames = 1 + len(y) // HOP
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{cpu_model()} ({usable_cpus()} usable CPUs) · genrefx "
        f"{getattr(gx, '__version__', '?')} simd={cfg.get('simd')} · numpy {np.__version__} · "
        f"scipy {scipy.__version__} · librosa {librosa.__version__} · "
        f"Python {sys.version.split()[0]} · {now}"
    )
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    env = (
        "OMP/OPENBLAS/MKL/NUMBA_NUM_THREADS=1 (set before importing numpy); "
        f"{blas_info()}; OPENBLAS_CORETYPE="
        + (f"{coretype} (inherited from the machine, left unchanged)" if coretype else "unset")
    )
    if cfg.get("cap") is not None:
        env += f"; GENREFX_SIMD={cfg.get('cap')}"
    signal = (
        f"seeded (seed {args.seed}) synthetic music-like clip: vibrato harmonic tones + "
        f"percussive noise bursts + a 1.5 s digital-silence gap, {args.duration:g} s at "
        f"{suite.sr} Hz float32, n={len(y)}, {n_frames} frames (n_fft={N_FFT}, hop={HOP})"
    )
    judged = [r for r in suite.rows if r.status.startswith(("PASS", "FAIL", "ERROR"))]
    passed = sum(r.status == "PASS" for r in judged)
    status_counts = {
        s: sum(r.status.startswith(s) for r in suite.rows) for s in ("FAIL", "ERROR", "SKIP")
    }
    summary = f"{passed}/{len(judged)} targets met" + "".join(
        f", {v} {k}" for k, v in status_counts.items() if v
    )

    lines = [
        f"Made by: `{command}`",
        "",
        "# genrefx benchmarks",
        "",
        f"- **Machine:** {machine}",
        f"- **Threads:** {env}",
        f"- **Signal:** {signal}",
        f"- **Timing:** ms per clip (`threads`: per batch of {BATCH} clips), median of "
        f"{suite.repeats} calls after 1 untimed warm-up call (calls under 2 ms are looped "
        "inside each sample); ratio = reference ms / genrefx ms; everything single-threaded "
        "except the `threads` rows. The stft-vs-scipy, sweep and threads rows are timed in "
        f"pairs: {max(suite.repeats, PAIRED_ROUNDS)} rounds of both calls back to back, ms = "
        "medians, ratio = median of the rounds' ratios (robust to the machine's drift).",
        "- **Parity:** max|genrefx - librosa| / max|librosa| on the same input "
        f"(bold when > {args.parity_tol:g}).",
        "",
        markdown_table(suite.rows, args.parity_tol),
        "",
        f"**Summary:** {summary}.",
        "",
        "Notes:",
    ]
    lines += [f"- {n}" for n in suite.notes]
    lines.append(
        "- all features: the reference is one librosa call per feature (10 calls, each "
        "recomputing its own STFT, chroma_stft with tuning=None estimating tuning), timed "
        "together; zero_crossing_rate and rms use frame_length=n_fft."
    )
    if args.sweep:
        lines.append(
            f"- sweep: hop fixed at {HOP}; the >= 1.5x target is the n_fft=2048 one applied "
            "to the other sizes."
        )
    for r in suite.rows:
        for n in dict.fromkeys(r.notes):  # dedupe, keep order
            lines.append(f"- {r.section} / {r.name}: {n}")
    return "\n".join(lines) + "\n"


def write_json(path: Path, suite: Suite, cfg: dict[str, Any], command: str) -> None:
    def num(x: float | None) -> float | None:
        return None if x is None or not np.isfinite(x) else float(x)

    data = {
        "command": command,
        "cpu": cpu_model(),
        "config": {
            k: (v if isinstance(v, (str, int, float, type(None))) else str(v))
            for k, v in cfg.items()
        },
        "versions": {
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "librosa": librosa.__version__,
        },
        "repeats": suite.repeats,
        "rows": [
            {
                "section": r.section,
                "name": r.name,
                "reference": r.ref_name,
                "genrefx_ms": num(r.ours_ms),
                "ref_ms": num(r.ref_ms),
                "ratio": num(r.ratio),
                "target": r.target.label(),
                "status": r.status,
                "parity": num(r.parity),
                "notes": r.notes,
            }
            for r in suite.rows
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed calls per measurement (median); default 7, 3 with --quick",
    )
    p.add_argument("--duration", type=float, default=30.0, help="clip length in seconds")
    p.add_argument(
        "--out",
        type=Path,
        default=BENCH_DIR / "RESULTS.md",
        help="Markdown output file (default: bench/RESULTS.md)",
    )
    p.add_argument("--quick", action="store_true", help="3 repeats instead of 7")
    p.add_argument(
        "--sweep",
        action="store_true",
        help=f"add stft rows at n_fft {', '.join(map(str, SWEEP_N_FFT))}",
    )
    p.add_argument("--seed", type=int, default=0, help="signal seed")
    p.add_argument("--sr", type=int, default=22050, help="sample rate")
    p.add_argument(
        "--parity-tol", type=float, default=1e-3, help="parity above this is shown in bold"
    )
    p.add_argument(
        "--json",
        type=Path,
        default=None,
        help="also write the rows as JSON (e.g. bench/results/<name>.json)",
    )
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.quick else 7
    if args.repeats < 1:
        p.error("--repeats must be >= 1")
    if args.duration <= 0:
        p.error("--duration must be > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = shlex.join(["python", "bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    gx, cfg = import_genrefx()
    # BLAS only: genrefx's own threads (n_threads) must stay free for the threads rows.
    limiter = threadpool_limits(limits=1, user_api="blas") if threadpool_limits else None
    try:
        suite = Suite(gx, args)
        suite.run()
        md = render(suite, cfg, args, command)
        if args.json is not None:
            write_json(args.json, suite, cfg, command)
    finally:
        if limiter is not None:
            limiter.unregister()
    print(md, end="")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(md, encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
