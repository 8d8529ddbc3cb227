"""``genrefx batch-extract``: the command line of a batch run."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zipfile

from ..exceptions import ParameterError
from ..extract import FEATURES
from .features import BatchOptions, utf8_text
from .runner import run_batch, terminal_progress
from .summary import DEFAULT_STATS, STATS

__all__ = ["add_parser", "make_demo_archive"]

EXIT_OK, EXIT_USAGE, EXIT_SOME_FAILED = 0, 2, 3


def _names(text: str) -> tuple[str, ...]:
    return tuple(t for t in (s.strip() for s in text.replace(",", " ").split()) if t)


def add_parser(commands) -> None:
    """Register ``batch-extract`` on an argparse subparsers object."""
    p = commands.add_parser(
        "batch-extract",
        help="extract a feature table from audio files, folders and zip/tar archives",
        description=(
            "Decode every input (files, folders, glob patterns, @list.txt, zip/tar archives read "
            "in place), resample like librosa.load, extract features with one FFT pass, and "
            "write one row per track (or segment) of summary statistics to Parquet or CSV. "
            "Failed inputs go to OUT.errors.csv. Exit status: 0 all ok, 3 some failed, 2 usage."
        ),
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files, dirs, globs, @list, archives")
    p.add_argument("-o", "--output", help="output table (OUT.parquet, or OUT.csv)")
    p.add_argument("--demo", action="store_true", help="run on generated demo clips")
    p.add_argument(
        "--format",
        choices=("parquet", "csv"),
        default=None,
        help="output format (default: csv for an OUT ending in .csv, else parquet)",
    )
    p.add_argument(
        "--sr", default=None, help="target rate in Hz, or 'native' (default 22050; presets: native)"
    )
    p.add_argument("--offset", type=float, default=0.0, help="start at OFFSET seconds")
    p.add_argument("--duration", type=float, default=None, help="read at most SECONDS")
    p.add_argument("--segment", type=float, default=None, help="cut tracks into SECONDS windows")
    p.add_argument("--segment-hop", type=float, default=None, help="window hop in seconds")
    p.add_argument(
        "--features", type=_names, default=FEATURES, help=f"comma list (default all: {FEATURES})"
    )
    p.add_argument(
        "--stats",
        type=_names,
        default=DEFAULT_STATS,
        help=f"comma list of {STATS} (default: {','.join(DEFAULT_STATS)})",
    )
    p.add_argument("--save-frames", metavar="DIR", default=None, help="also save frame arrays")
    p.add_argument(
        "--frames", type=_names, default=(), help="arrays to save: mel (log-mel dB), mfcc, ..."
    )
    p.add_argument(
        "--preset",
        choices=("fma", "gtzan"),
        default=None,
        help="a published table's recipe: fma = the Free Music Archive's features.csv "
        "(518 columns; with --format csv, its 3-header-row layout indexed by track_id); "
        "gtzan = Kaggle's GTZAN features_30_sec.csv (features_3_sec.csv with --segment 3)",
    )
    p.add_argument(
        "--fma-compat",
        action="store_true",
        help="with --preset fma: the published table's librosa 0.5 quirks (reflect padding, "
        "22050 Hz assumed by chroma_stft and the spectral features)",
    )
    p.add_argument("--n-fft", type=int, default=2048, help="STFT size (default 2048)")
    p.add_argument("--hop-length", type=int, default=512, help="STFT hop (default 512)")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--shard-size", type=int, default=16, help="inputs per committed shard")
    p.add_argument(
        "--engine",
        choices=("process", "dask"),
        default="process",
        help="local worker processes, or a dask.distributed cluster (default process)",
    )
    p.add_argument("--scheduler", default=None, help="dask scheduler address (default: local)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    p.set_defaults(func=_run)


def make_demo_archive(folder: str, n_clips: int = 8, seconds: float = 5.0) -> list[str]:
    """Write generated music-like clips to ``folder`` (WAV, FLAC, OGG, MP3, half of them in a
    zip archive); returns the inputs to extract."""
    import soundfile

    from ..cli import synth_clip

    formats = [("wav", "PCM_16"), ("flac", "PCM_16"), ("ogg", "VORBIS"), ("mp3", "MPEG_LAYER_III")]
    paths = []
    for i in range(n_clips):
        ext, subtype = formats[i % len(formats)]
        sr = (22050, 44100, 16000)[i % 3]
        y = synth_clip(seconds, sr, seed=i)
        path = os.path.join(folder, f"clip_{i:02d}.{ext}")
        soundfile.write(path, y, sr, subtype=subtype)
        paths.append(path)
    archive = os.path.join(folder, "clips.zip")
    with zipfile.ZipFile(archive, "w") as zf:
        for path in paths[n_clips // 2 :]:
            zf.write(path, arcname=os.path.basename(path))
            os.remove(path)
    return [*paths[: n_clips // 2], archive]


def _rate(text: str | None, preset: str | None) -> int | float | None:
    """``--sr``: None for 'native' (and by default with the fma preset), else the number (a
    whole float such as 16000.0 too; :class:`BatchOptions` checks it)."""
    if text is None:
        return None if preset == "fma" else 22050
    if text.strip().lower() == "native":
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def _run(args: argparse.Namespace) -> int:
    try:
        sr = _rate(args.sr, args.preset)
    except ValueError:
        print(
            f"genrefx batch-extract: --sr {args.sr!r} must be a number or 'native'", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        options = BatchOptions(
            sr=sr,
            offset=args.offset,
            duration=args.duration,
            segment=args.segment,
            segment_hop=args.segment_hop,
            features=args.features,
            stats=args.stats,
            n_fft=args.n_fft,
            hop_length=args.hop_length,
            save_frames=os.path.abspath(args.save_frames) if args.save_frames else None,
            frames=args.frames,
            preset=args.preset,
            fma_compat=args.fma_compat,
        )
    except ParameterError as exc:
        print(f"genrefx batch-extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    inputs, output = list(args.inputs), args.output
    demo_dir = ""
    if args.demo:
        # kept after the run, so that the table it prints the path of can be read
        demo_dir = tempfile.mkdtemp(prefix="genrefx-demo-")
        inputs = make_demo_archive(demo_dir)
        output = output or os.path.join(demo_dir, "demo.parquet")
    if not inputs or not output:
        print("genrefx batch-extract: give INPUT... and -o OUT (or --demo)", file=sys.stderr)
        return EXIT_USAGE
    fmt = args.format or ("csv" if output.lower().endswith(".csv") else "parquet")
    show = not args.quiet and sys.stderr.isatty()
    try:
        result = run_batch(
            inputs,
            output,
            options,
            fmt=fmt,
            workers=args.workers,
            resume=args.resume,
            overwrite=args.overwrite,
            shard_size=args.shard_size,
            progress=terminal_progress() if show else None,
            engine=args.engine,
            scheduler=args.scheduler,
        )
    except ParameterError as exc:
        print(f"genrefx batch-extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        # the speed of this call: after a resume, the audio it extracted, not the table's
        run_audio = result.run_audio_seconds
        speed = run_audio / result.wall_seconds if result.wall_seconds else 0.0
        resumed = (
            f" ({run_audio / 3600:.3f} h in this run)"
            if abs(run_audio - result.audio_seconds) > 1e-6 * max(1.0, result.audio_seconds)
            else ""
        )
        print(
            f"genrefx batch-extract: {result.n_ok} ok, {result.n_failed} failed of "
            f"{result.n_inputs} inputs, {result.n_rows} rows, "
            f"{result.audio_seconds / 3600:.3f} h of audio{resumed} in "
            f"{result.wall_seconds:.1f} s ({speed:.0f}x real time) -> {utf8_text(result.output)}"
        )
        if result.n_failed:
            print(f"failures: {utf8_text(result.errors_path)}")
        if args.demo:
            import pyarrow.parquet as pq

            table = pq.read_table(result.output) if fmt == "parquet" else None
            if table is not None:
                cols = ["path", "sr", "n_frames", "spectral_centroid_mean", "mfcc_mean_01"]
                cols = [c for c in cols if c in table.column_names]
                preview = table.select(cols).to_pylist()
                for row in preview:
                    row["path"] = os.path.relpath(row["path"], demo_dir)
                    print(
                        "  "
                        + "  ".join(
                            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                            for k, v in row.items()
                        )
                    )
    return EXIT_SOME_FAILED if result.n_failed else EXIT_OK
