#!/usr/bin/env bash
# Instruction-count benchmark for levee-versions parse+compare (parse two
# strings, compare them), robust against machine load: callgrind counts the
# instructions inside the example's `run_*` function only (PASSES passes over
# the criterion bench's inputs, after an uncounted warm-up pass).
#
#   bench/callgrind_versions.sh [PASSES]
#
# Prints instructions per parse+compare for SemVer, PEP 440 and, as the
# reference, the `semver` crate (16 M parse+compare/s on this machine per
# ../shared/design/performance.md), then the rate each implies when scaled by
# that reference: est = 16 M/s * Ir(semver crate) / Ir(scheme). Also the
# native CPU time per operation (user+sys of about NATIVE_OPS operations
# minus a 0-pass run; load-affected) as a cross-check.
set -euo pipefail
cd "$(dirname "$0")/.."
PASSES=${1:-5}
NATIVE_OPS=${NATIVE_OPS:-3000000}
REF_RATE=${REF_RATE:-16000000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p levee-versions --example callgrind_versions
BIN=$CARGO_TARGET_DIR/release/examples/callgrind_versions
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
count() { # instructions per op for $1
    local info ir
    info=$(valgrind --tool=callgrind --callgrind-out-file="$OUT" \
        --toggle-collect='callgrind_versions::run_*' "$BIN" "$1" "$PASSES" 2>&1 | grep 'ops=')
    ir=$(grep '^summary:' "$OUT" | awk '{print $2}')
    awk -v ir="$ir" -v p="$PASSES" -v info="$info" 'BEGIN {
        split(info, a, /[= ]/); printf "%.1f %d\n", ir / p / a[2], a[2] }'
}
cpu() { # user+sys seconds of one native run
    local TIMEFORMAT='%U %S'
    { time "$BIN" "$1" "$2" 2>/dev/null; } 2>&1 | awk '{print $1 + $2}'
}
read -r REF REF_OPS < <(count semver-crate)
printf "%-14s %12s %8s %16s %24s\n" what "instr/op" ops "est. rate" "native CPU (loaded)"
for w in semver-crate semver pep440; do
    if [ "$w" = semver-crate ]; then IR=$REF; OPS=$REF_OPS; else read -r IR OPS < <(count "$w"); fi
    N=$((NATIVE_OPS / OPS + 1))
    C0=$(cpu "$w" 0); CN=$(cpu "$w" "$N")
    awk -v w="$w" -v ir="$IR" -v ops="$OPS" -v ref="$REF" -v rr="$REF_RATE" \
        -v c0="$C0" -v cn="$CN" -v n="$N" 'BEGIN {
        t = (cn - c0) / n / ops
        printf "%-14s %12.1f %8d %13.1f M/s %14.1f M/s (%.0f ns/op)\n", w, ir, ops, rr * ref / ir / 1e6, 1 / t / 1e6, t * 1e9 }'
done
