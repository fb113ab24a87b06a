#!/usr/bin/env bash
# fuzz/run.sh - builds one fuzz target with clang + libFuzzer (ASan, UBSan) and fuzzes it.
#
#   fuzz/run.sh NAME SECONDS [libFuzzer options or crash files...]
#
# NAME is a target of fuzz/fuzz_NAME.c (mime, name, signature, ical, jsonl,
# csv, config, sf_json, imap, dav_xml). The seed corpus fuzz/corpus/NAME is
# read, never written: new inputs go to a scratch folder ($KITH_FUZZ_WORK,
# default /tmp/kith-fuzz/NAME/corpus), crashes to /tmp/kith-fuzz/NAME/crash-*.
# Extra arguments go to libFuzzer: a file path re-runs that one input.
#
# Environment: CC (default clang), KITH_FUZZ_BUILD (default build-fuzz-clang
# beside fuzz/), KITH_FUZZ_WORK, KITH_FUZZ_MAX_LEN (bytes per input, instead
# of the target's default below: e.g. 200000 lets a header nest 45,000
# groups deep, as the 90 KB Cc of issue #16 does), KITH_FUZZ_TIMEOUT
# (seconds one input may take before it counts as a hang; default 10).
set -euo pipefail

usage() {
  echo "usage: $0 NAME SECONDS [libFuzzer args...]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
NAME=$1
SECONDS_TO_RUN=$2
shift 2
case $SECONDS_TO_RUN in '' | *[!0-9]*) usage ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$ROOT/fuzz/fuzz_$NAME.c
[ -f "$SRC" ] || { echo "$0: no target $SRC" >&2; exit 2; }
CC=${CC:-clang}
command -v "$CC" >/dev/null || { echo "$0: $CC not found (apt-get install clang)" >&2; exit 2; }
BUILD=${KITH_FUZZ_BUILD:-$ROOT/build-fuzz-clang}
WORK=${KITH_FUZZ_WORK:-/tmp/kith-fuzz/$NAME}
mkdir -p "$WORK/corpus"

# Inputs longer than anything real of the format teach the fuzzer little and
# slow it down; these bound each input, not the parsers' own limits.
case $NAME in
  name) MAX_LEN=1024 ;;            # KITH_CAPTURE_NAME_MAX
  jsonl | config) MAX_LEN=4096 ;;
  signature | csv | sf_json | imap) MAX_LEN=8192 ;;
  mime | ical | dav_xml) MAX_LEN=16384 ;;
  *) MAX_LEN=4096 ;;
esac
TIMEOUT=${KITH_FUZZ_TIMEOUT:-10}
case $TIMEOUT in '' | *[!0-9]* | 0) echo "$0: KITH_FUZZ_TIMEOUT must be a number of seconds" >&2; exit 2 ;; esac
if [ -n "${KITH_FUZZ_MAX_LEN:-}" ]; then
  case $KITH_FUZZ_MAX_LEN in *[!0-9]* | 0*) echo "$0: KITH_FUZZ_MAX_LEN must be a number" >&2; exit 2 ;; esac
  MAX_LEN=$KITH_FUZZ_MAX_LEN
fi

# kith_core with coverage hooks, ASan and UBSan, in its own build folder.
# Two runs at once share the folder: one builds while the other waits.
mkdir -p "$BUILD"
exec 9>"$BUILD.lock"
flock 9
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=$CC cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKITH_SANITIZE=ON \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >"$BUILD.configure.log" 2>&1 ||
    { cat "$BUILD.configure.log" >&2; exit 1; }
fi
cmake --build "$BUILD" -j2 --target kith_core >"$BUILD/kith_core.build.log" 2>&1 ||
  { tail -40 "$BUILD/kith_core.build.log" >&2; exit 1; }

PKGS="glib-2.0 gio-2.0 gmime-3.0 libical libpsl libidn2 sqlite3 jansson libcurl libcrypto libmicrohttpd libxml-2.0"
BIN=$BUILD/fuzz_$NAME
# shellcheck disable=SC2046,SC2086
"$CC" -std=c11 -g -O1 $SAN -fsanitize=fuzzer -D_GNU_SOURCE \
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_66 -Wall -Wextra -Wno-unused-parameter \
  -I"$ROOT/src" $(pkg-config --cflags $PKGS) "$SRC" "$BUILD/libkith_core.a" \
  $(pkg-config --libs $PKGS) -lcsv -lm -o "$BIN"

flock -u 9
exec 9>&-

DICT=()
[ -f "$ROOT/fuzz/$NAME.dict" ] && DICT=(-dict="$ROOT/fuzz/$NAME.dict")
# While fuzzing, the libraries' own chatter on stderr (libical prints a line
# for every broken calendar) is closed off; libFuzzer and the sanitizers
# keep reporting on a copy. Re-running one input keeps it.
# Given files, libFuzzer runs just those (a crash to re-check): no corpus.
QUIET=(-close_fd_mask=2)
CORPUS=("$WORK/corpus" "$ROOT/fuzz/corpus/$NAME")
for arg in "$@"; do
  case $arg in -*) ;; *) QUIET=() CORPUS=() ;; esac
done

echo "fuzz/$NAME: ${SECONDS_TO_RUN}s, -max_len=$MAX_LEN -timeout=$TIMEOUT $*, scratch $WORK" >&2
LOG=$WORK/fuzz.log
set +e
# Leaks are checked per input; -rss_limit_mb and -timeout catch runaway
# memory and hangs (a hang is a finding like a crash).
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$BIN" -max_len="$MAX_LEN" -max_total_time="$SECONDS_TO_RUN" -timeout="$TIMEOUT" -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$WORK/" "${DICT[@]}" "${QUIET[@]}" "$@" \
  "${CORPUS[@]}" 2>&1 | tee "$LOG" | grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse)' >&2
rc=${PIPESTATUS[0]}
set -e

# libFuzzer's last status line (cov/ft/exec/s) and its final counters.
echo "== fuzz/$NAME summary =="
grep -E '^#[0-9]+' "$LOG" | tail -1 || true
ls "$WORK"/crash-* "$WORK"/leak-* "$WORK"/timeout-* "$WORK"/oom-* 2>/dev/null | sed 's/^/finding: /' || true
exit "$rc"
