#!/usr/bin/env bash
# Measures, in one run and on one docs folder (default: ../shared/corpus/graph-v1.0):
# the floor (walk + read + pulldown-cmark), `graphdoc check` and `graphdoc generate` (median,
# min and max wall time of RUNS runs, peak memory, ratio to the floor), the time per stage, and
# the same corpus given twice (linearity). Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-../shared/corpus/graph-v1.0}"
runs="${RUNS:-5}"
if [ ! -d "$docs" ]; then
    echo "skipped: no docs folder at $docs" >&2
    exit 0
fi
if [ ! -x /usr/bin/time ]; then
    echo "needs GNU time: apt-get install time" >&2
    exit 1
fi
cargo build --release --quiet -p graphdoc --bin graphdoc --example floor
bin=target/release/graphdoc
floor=target/release/examples/floor
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# measure NAME COMMAND...: prints "NAME median min max peak_mib" over $runs runs.
measure() {
    local name="$1"; shift
    local times=() peak=0
    for _ in $(seq "$runs"); do
        rm -rf "$scratch/out"
        local started ended
        started=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$scratch/time" "$@" > /dev/null 2>&1 || true
        ended=$(date +%s%N)
        read -r kib < "$scratch/time"
        # Milliseconds from the clock: GNU time's wall time has only two decimals.
        times+=("$(awk -v n=$((ended - started)) 'BEGIN {printf "%.3f", n / 1e9}')")
        [ "$kib" -gt "$peak" ] && peak="$kib"
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    local median min max
    median=$(echo "$sorted" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    min=$(echo "$sorted" | head -1)
    max=$(echo "$sorted" | tail -1)
    echo "$name $median $min $max $((peak / 1024))"
}

report() {
    local label="$1" docs_args=("${@:2}")
    local floor_line check_line generate_line
    floor_line=$(measure floor "$floor" "${docs_args[@]}")
    check_line=$(measure check "$bin" check "${docs_args[@]}")
    generate_line=$(measure generate "$bin" generate "${docs_args[@]}" --out "$scratch/out")
    local floor_median
    floor_median=$(echo "$floor_line" | awk '{print $2}')
    echo "## $label ($runs runs each)"
    printf '%-10s %9s %9s %9s %10s %9s\n' command median_s min_s max_s peak_MiB x_floor
    for line in "$floor_line" "$check_line" "$generate_line"; do
        echo "$line" | awk -v f="$floor_median" '{printf "%-10s %9s %9s %9s %10s %9.2f\n", $1, $2, $3, $4, $5, $2 / f}'
    done
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
report "$docs" "$docs"
echo
"$bin" generate "$docs" --out "$scratch/out" | grep '^stages'

# The same pages twice, under other folder names: twice the input.
mkdir -p "$scratch/twice"
cp -r "$docs" "$scratch/twice/first"
cp -r "$docs" "$scratch/twice/second"
echo
report "the same docs twice" "$scratch/twice"
