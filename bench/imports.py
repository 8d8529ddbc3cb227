#!/usr/bin/env python
"""Start-up cost: `import genrefx` (and a first call) in a fresh interpreter, against librosa.

    python bench/imports.py [--rounds 9] [--out bench/IMPORTS.md]

Each row runs its statement in a new ``python -c`` process, from a temporary directory (so that
no source tree is on sys.path), ``--rounds`` times; genrefx's and librosa's processes alternate
so that both see the same machine drift. ms = the median wall time of the process, start-up of
the interpreter included (the first row is the bare interpreter). An editable install adds its
rebuild check to every `import genrefx`: measure a regular install (``pip install .``).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from harness import cpu_model

#: (what, genrefx's statement, librosa's statement or None)
ROWS = [
    ("the interpreter alone", "pass", None),
    ("import", "import genrefx", "import librosa"),
    (
        "import + stft of 1 s",
        "import genrefx, numpy as np; genrefx.stft(np.ones(22050, np.float32))",
        "import librosa, numpy as np; librosa.stft(np.ones(22050, np.float32))",
    ),
    (
        "import + mfcc of 1 s",
        "import genrefx, numpy as np; genrefx.feature.mfcc(y=np.ones(22050, np.float32))",
        "import librosa, numpy as np; librosa.feature.mfcc(y=np.ones(22050, np.float32))",
    ),
    (
        "import + extract / the ten features of 1 s",
        "import genrefx, numpy as np; genrefx.extract(np.ones(22050, np.float32))",
        "import librosa, numpy as np; y = np.ones(22050, np.float32); "
        "[f(y=y) for f in (librosa.feature.melspectrogram, librosa.feature.mfcc, "
        "librosa.feature.chroma_stft, librosa.feature.spectral_centroid, "
        "librosa.feature.spectral_bandwidth, librosa.feature.spectral_contrast, "
        "librosa.feature.spectral_rolloff, librosa.feature.spectral_flatness, "
        "librosa.feature.zero_crossing_rate, librosa.feature.rms)]",
    ),
    ("`genrefx --help`", "import genrefx.cli; genrefx.cli.main(['--help'])", None),
]


def run_once(statement: str, cwd: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", statement], cwd=cwd, check=True, capture_output=True, timeout=600
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9, help="processes per statement (median)")
    ap.add_argument("--out", default="bench/IMPORTS.md", help="Markdown output file")
    args = ap.parse_args()

    lines = []
    with tempfile.TemporaryDirectory() as cwd:
        for statement in {s for row in ROWS for s in row[1:] if s}:
            run_once(statement, cwd)  # untimed: the OS's file cache, numba's and pyc caches
        for what, ours, theirs in ROWS:
            mine, ref = [], []
            for _ in range(args.rounds):
                mine.append(run_once(ours, cwd))
                if theirs:
                    ref.append(run_once(theirs, cwd))
            ms = statistics.median(mine) * 1e3
            ref_ms = f"{statistics.median(ref) * 1e3:.0f}" if ref else "-"
            print(f"{what}: genrefx {ms:.0f} ms, librosa {ref_ms} ms", flush=True)
            lines.append(f"| {what} | `{ours}` | {ms:.0f} | {ref_ms} |")

    import librosa

    import genrefx

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            f"Made by: `python bench/imports.py --rounds {args.rounds}`",
            "",
            "# Start-up: a fresh interpreter's import and first call",
            "",
            f"- **Machine:** {cpu_model()} · Python {platform.python_version()} · genrefx "
            f"{genrefx.__version__} · librosa {librosa.__version__} · {when}",
            f"- **Timing:** wall time of a whole `python -c` process, median of {args.rounds} "
            "(genrefx's and librosa's alternating), the interpreter's own start-up included.",
            "- librosa imports its submodules lazily (lazy_loader); genrefx imports its own "
            "modules and numpy, and scipy, soundfile, soxr, pyarrow ... on first use.",
            "",
            "| what | genrefx statement | genrefx ms | librosa ms |",
            "|---|---|--:|--:|",
            *lines,
            "",
        ]
    )
    Path(args.out).write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
