"""Timing, parity and Markdown helpers for bench/run.py.

This module imports numpy: run.py sets the single-thread environment before importing it.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _warm_up(fn: Callable[[], Any], min_sample_s: float) -> tuple[Any, int]:
    """One untimed call of fn: its result and how many calls make one sample of at least
    min_sample_s (at most 100), as timeit does."""
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    if first >= min_sample_s:
        return result, 1
    return result, min(100, math.ceil(min_sample_s / max(first, 1e-7)))


def timeit_many(
    fns: list[Callable[[], Any]], repeats: int, min_sample_s: float = 0.002
) -> list[tuple[float, Any]]:
    """Median wall time of one call of each fn, in ms, measured interleaved.

    Each fn first gets one untimed warm-up call (JIT compilation, caches, lazy
    initialisation); then `repeats` rounds each take one sample of every fn in turn, so slow
    drifts of the machine (clock, noisy neighbours) hit all of them alike. Calls faster than
    `min_sample_s` are looped inside a sample (up to 100 times) and the sample divided by the
    loop count, as timeit does. GC is collected first and disabled while timing.

    Returns [(median_ms, result of the warm-up call)] in the order of fns. A fn whose
    warm-up call raises is not timed: its entry is (nan, the exception), see unwrap().
    """
    results: list[Any] = []
    numbers: list[int] = []
    for fn in fns:
        try:
            result, number = _warm_up(fn, min_sample_s)
        except Exception as exc:
            result, number = exc, 0
        results.append(result)
        numbers.append(number)
    times: list[list[float]] = [[] for _ in fns]
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for fn, number, samples in zip(fns, numbers, times, strict=True):
                if number == 0:
                    continue
                t0 = time.perf_counter()
                for _ in range(number):
                    fn()
                samples.append((time.perf_counter() - t0) / number)
    finally:
        if was_enabled:
            gc.enable()
    return [
        (statistics.median(samples) * 1e3 if samples else float("nan"), result)
        for samples, result in zip(times, results, strict=True)
    ]


def paired(
    ref: Callable[[], Any], ours: Callable[[], Any], rounds: int, min_sample_s: float = 0.002
) -> tuple[float, float, float]:
    """Median ms of ``ref`` and of ``ours``, and the median of their per-round ratios.

    Each round times one sample of both back to back (which goes first alternates), so the
    ratio of a round compares the two under the same machine state; the median of those ratios
    resists the drifts of a shared machine (clock, neighbours) that move a ratio of two
    separate medians by 10-20 %. Fast calls are looped as in timeit_many; GC is off while
    timing. Both get one warm-up call first.
    """
    fns = (ref, ours)
    numbers = [_warm_up(fn, min_sample_s)[1] for fn in fns]
    samples: list[list[float]] = [[], []]
    ratios: list[float] = []
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(rounds):
            t = [0.0, 0.0]
            for k in (0, 1) if i % 2 == 0 else (1, 0):
                t0 = time.perf_counter()
                for _ in range(numbers[k]):
                    fns[k]()
                t[k] = (time.perf_counter() - t0) / numbers[k]
            samples[0].append(t[0])
            samples[1].append(t[1])
            ratios.append(t[0] / t[1])
    finally:
        if was_enabled:
            gc.enable()
    return (
        statistics.median(samples[0]) * 1e3,
        statistics.median(samples[1]) * 1e3,
        statistics.median(ratios),
    )


def unwrap(timing: tuple[float, Any]) -> tuple[float, Any]:
    """Re-raise the exception of a timing entry whose function failed."""
    if isinstance(timing[1], Exception):
        raise timing[1]
    return timing


def parity(a: Any, ref: Any) -> float:
    """max|a - ref| / max|ref| in float64 (complex-aware); ValueError on a shape mismatch."""
    a = np.asarray(a)
    ref = np.asarray(ref)
    if a.shape != ref.shape:
        raise ValueError(f"shape {a.shape} != reference shape {ref.shape}")
    a = a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)
    ref = ref.astype(np.complex128 if np.iscomplexobj(ref) else np.float64)
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    if not np.all(np.isfinite(a)):
        return float("inf")
    err = float(np.max(np.abs(a - ref))) if ref.size else 0.0
    if scale == 0.0:
        return err
    return err / scale


# AMD's x86 families and models by microarchitecture (the hosts seen here report only "AMD EPYC")
_AMD_CORES = {
    23: "Zen / Zen 2",
    25: "Zen 3 / Zen 4",
    26: "Zen 5",
}
# family 25 (19h) is Zen 3 but for these model ranges (Genoa, Raphael / Phoenix, Bergamo / Siena)
_AMD_ZEN4_MODELS = (range(0x10, 0x20), range(0x60, 0x80), range(0xA0, 0xB0))


def _cache_size(index: int) -> str | None:
    """Size of the CPU 0 cache ``index`` from sysfs (e.g. "32K"), or None."""
    try:
        with open(f"/sys/devices/system/cpu/cpu0/cache/index{index}/size", encoding="utf-8") as fh:
            return fh.read().strip()
    except OSError:
        return None


def cpu_model() -> str:
    """The CPU's model name, with its family / model and L1d / L2 sizes where Linux tells them.

    The benchmark hosts are VMs whose model name is only "AMD EPYC", and sessions have run on
    Zen 4 and Zen 5 hosts whose ratios against librosa differ (the float64 FFT streams its
    working set through L2, whose bandwidth and L1's size changed between them), so the tables
    say which one made them.
    """
    fields: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    break  # the first CPU's block
                key, _, value = line.partition(":")
                fields.setdefault(key.strip().lower(), value.strip())
    except OSError:
        pass
    name = fields.get("model name") or platform.processor() or platform.machine() or "unknown CPU"
    details = []
    family, model = fields.get("cpu family"), fields.get("model")
    if family and model and family.isdigit() and model.isdigit():
        core = None
        if fields.get("vendor_id") == "AuthenticAMD":
            core = _AMD_CORES.get(int(family))
            if int(family) == 25:
                core = "Zen 4" if any(int(model) in r for r in _AMD_ZEN4_MODELS) else "Zen 3"
        details.append(f"family {family} model {model}" + (f", {core}" if core else ""))
    l1d, l2 = _cache_size(0), _cache_size(2)
    if l1d and l2:
        details.append(f"L1d {l1d}, L2 {l2}")
    return f"{name} ({'; '.join(details)})" if details else name


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _extract_worker(conn: Any, batch: np.ndarray, sr: int) -> None:
    """One side of ProcessPair: extract(batch) on every "go", replying "done"."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import genrefx

    genrefx.extract(batch, sr, n_threads=1)
    conn.send("ready")
    while conn.recv() == "go":
        genrefx.extract(batch, sr, n_threads=1)
        conn.send("done")


class ProcessPair:
    """Two worker processes, each running ``genrefx.extract(part, sr, n_threads=1)`` on its
    own part of a batch when called: the two-core time of a split batch with nothing shared (no
    threads, no joint step), what the machine's two cores give an embarrassingly parallel job.
    The call's time includes a pipe round trip to each worker (~0.1 ms) and their wake-up. Use
    as a context manager.
    """

    def __init__(self, parts: list[np.ndarray], sr: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conns = []
        self._procs = []
        for part in parts:
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_extract_worker, args=(child, part, sr), daemon=True)
            proc.start()
            self._conns.append(parent)
            self._procs.append(proc)
        for conn in self._conns:
            if conn.recv() != "ready":
                raise RuntimeError("extract worker failed to start")

    def __call__(self) -> None:
        for conn in self._conns:
            conn.send("go")
        for conn in self._conns:
            conn.recv()

    def __enter__(self) -> ProcessPair:
        return self

    def __exit__(self, *exc: object) -> None:
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.send("stop")
        for proc in self._procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()


@dataclass
class Target:
    """Speed-up target on ratio = ref_ms / genrefx_ms. min=None means informational."""

    min: float | None = None
    strict: bool = False  # True: ratio > min, False: ratio >= min

    def label(self) -> str:
        if self.min is None:
            return "info"
        return f"> {self.min:g}x" if self.strict else f">= {self.min:g}x"

    def check(self, ratio: float) -> bool | None:
        if self.min is None or not np.isfinite(ratio):
            return None
        return ratio > self.min if self.strict else ratio >= self.min


@dataclass
class Row:
    section: str
    name: str
    ref_name: str
    target: Target
    ours_ms: float = float("nan")
    ref_ms: float = float("nan")
    parity: float | None = None
    error: str | None = None  # set when the row could not be measured
    skip: str | None = None  # set when the target does not apply (e.g. 1 CPU)
    notes: list[str] = field(default_factory=list)
    paired_ratio: float | None = None  # median of per-round ratios (harness.paired), if timed so

    @property
    def ratio(self) -> float:
        if self.error or not (self.ours_ms > 0):
            return float("nan")
        if self.paired_ratio is not None:
            return self.paired_ratio
        return self.ref_ms / self.ours_ms

    @property
    def status(self) -> str:
        if self.error:
            return "ERROR"
        if self.parity is not None and not np.isfinite(self.parity):
            return "FAIL (output)"  # wrong shape or non-finite values
        if self.skip:
            return "SKIP"
        ok = self.target.check(self.ratio)
        if ok is None:
            return "-"
        return "PASS" if ok else "FAIL"


def _ms(x: float) -> str:
    if not np.isfinite(x):
        return "-"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _ratio(x: float) -> str:
    if not np.isfinite(x):
        return "-"
    return f"{x:.1f}x" if x >= 10 else f"{x:.2f}x"


def _parity(p: float | None, tol: float) -> str:
    if p is None:
        return "-"
    if not np.isfinite(p):
        return f"**{p}**"
    s = f"{p:.1e}"
    return f"**{s}**" if p > tol else s


def markdown_table(rows: list[Row], parity_tol: float) -> str:
    head = (
        "| section | benchmark | genrefx ms | reference | ref ms | ratio (ref/genrefx) "
        "| target | status | parity |"
    )
    lines = [head, "|---|---|--:|---|--:|--:|--:|:-:|--:|"]
    for r in rows:
        lines.append(
            f"| {r.section} | {r.name} | {_ms(r.ours_ms)} | {r.ref_name} | {_ms(r.ref_ms)} "
            f"| {_ratio(r.ratio)} | {r.target.label()} | {r.status} "
            f"| {_parity(r.parity, parity_tol)} |"
        )
    return "\n".join(lines)
