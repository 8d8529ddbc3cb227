#!/usr/bin/env bash
# Build the core with AddressSanitizer + UBSan and run the tests against it.
#
#   scripts/sanitize.sh                                  # the whole suite
#   scripts/sanitize.sh tests/test_extract.py -k stft    # a pytest selection / options
#   scripts/sanitize.sh --run python my_script.py        # any other command, in the venv
#
# The build is a regular (non-editable) install into build/sanitize-venv, with its own CMake
# build dir build/sanitize, so it never touches the normal builds. Python itself is not
# instrumented, so libasan is preloaded; leak detection is off (CPython leaks by design at exit).
# Sanitizer reports go to files under build/sanitize-logs and the script fails if there is any,
# even when the process survived it, as well as when the tests fail.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/build/sanitize-venv"
LOGS="$ROOT/build/sanitize-logs"
cd "$ROOT"

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
unset PYTHONPATH PYTHONHOME

echo "==> building the core with -fsanitize=address,undefined (build dir build/sanitize)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ".[test]" \
    --config-settings=build-dir=build/sanitize \
    --config-settings=cmake.build-type=RelWithDebInfo \
    --config-settings=cmake.define.GENREFX_SANITIZE=ON

CXX_DRIVER="${CXX:-g++}"
ASAN_LIB="$("$CXX_DRIVER" -print-file-name=libasan.so)"
UBSAN_LIB="$("$CXX_DRIVER" -print-file-name=libubsan.so)"
if [ ! -e "$ASAN_LIB" ]; then
    echo "error: $CXX_DRIVER has no libasan.so (install its sanitizer runtime)" >&2
    exit 1
fi
PRELOAD="$ASAN_LIB"
[ -e "$UBSAN_LIB" ] && PRELOAD="$PRELOAD:$UBSAN_LIB"

rm -rf "$LOGS"
mkdir -p "$LOGS"

if [ "${1:-}" = "--run" ]; then
    shift
    [ "$#" -gt 0 ] || { echo "error: --run needs a command" >&2; exit 2; }
    cmd=("$@")
else
    cmd=(python -m pytest -q "$@")
fi

echo "==> ${cmd[*]}"
echo "    LD_PRELOAD=$PRELOAD"
set +e
PATH="$VENV/bin:$PATH" \
    LD_PRELOAD="$PRELOAD" \
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$LOGS/asan" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$LOGS/ubsan" \
    "${cmd[@]}"
status=$?
set -e

reports=("$LOGS"/*)
if [ -e "${reports[0]}" ]; then
    echo
    echo "==> SANITIZER REPORTS (${#reports[@]} file(s) in $LOGS):"
    for f in "${reports[@]}"; do
        echo "---- $f"
        cat "$f"
    done
    echo "FAILED: the sanitizers reported errors (exit status of the run: $status)" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    echo "FAILED: exit status $status (no sanitizer report)" >&2
    exit "$status"
fi
echo "==> OK: no sanitizer report"
