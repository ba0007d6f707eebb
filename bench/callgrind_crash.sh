#!/usr/bin/env bash
# Instruction-count benchmark for levee-crash (parse + sign), robust against
# machine load: callgrind counts the instructions executed inside the
# example's `run` function only (PASSES passes over every log of the corpus,
# after an uncounted warm-up pass), so start-up and pattern compilation are
# excluded and the count repeats to within a few instructions.
#
#   bench/callgrind_crash.sh [LOG_DIR] [PASSES]
#
# Prints instructions per report and per byte, then (cross-check) the CPU
# time per pass of a native run (user+sys of PASSES_NATIVE passes minus a
# 0-pass run), and the rate that implies. CPU time is still affected by load
# (shared caches, SMT); the instruction count is not.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-../shared/data/sanitizer-crashes/logs}
PASSES=${2:-2}
PASSES_NATIVE=${PASSES_NATIVE:-30}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p levee-crash --example callgrind_crash
BIN=$CARGO_TARGET_DIR/release/examples/callgrind_crash
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
INFO=$(valgrind --tool=callgrind --callgrind-out-file="$OUT" \
    --toggle-collect='callgrind_crash::run' "$BIN" "$DIR" "$PASSES" 2>&1 | grep 'reports=')
IR=$(grep '^summary:' "$OUT" | awk '{print $2}')
REPORTS=$(sed -E 's/.*reports=([0-9]+).*/\1/' <<<"$INFO")
BYTES=$(sed -E 's/.*bytes=([0-9]+).*/\1/' <<<"$INFO")
echo "corpus: $REPORTS reports, $BYTES bytes; $PASSES counted passes"
awk -v ir="$IR" -v p="$PASSES" -v r="$REPORTS" -v b="$BYTES" 'BEGIN {
    printf "instructions per pass:   %.1f M\n", ir / p / 1e6
    printf "instructions per report: %.0f\n", ir / p / r
    printf "instructions per byte:   %.1f\n", ir / p / b
}'
cpu() { # user+sys seconds of one native run
    local TIMEFORMAT='%U %S'
    { time "$BIN" "$DIR" "$1" 2>/dev/null; } 2>&1 | awk '{print $1 + $2}'
}
C0=$(cpu 0)
CN=$(cpu "$PASSES_NATIVE")
awk -v c0="$C0" -v cn="$CN" -v n="$PASSES_NATIVE" -v r="$REPORTS" -v ir="$IR" -v p="$PASSES" 'BEGIN {
    t = (cn - c0) / n
    printf "native CPU time per pass (load-affected): %.1f ms -> %.0f reports/s on one core\n", t * 1e3, r / t
    printf "implied instructions per second:          %.2f G\n", ir / p / t / 1e9
}'
