#!/usr/bin/env bash
# Measures what the generated crate costs its consumers to compile: `cargo check` of the crate
# generated from one docs folder (default: ../shared/corpus/graph-v1.0) with every area
# (`full`) against a consumer's pick of three areas (FEATURES, default users,groups,planner).
# Dependencies are built first and not counted; each figure is the median of RUNS runs of the
# crate's own check (cargo clean -p between runs), with peak memory. Needs GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-../shared/corpus/graph-v1.0}"
runs="${RUNS:-3}"
features="${FEATURES:-users,groups,planner}"
if [ ! -d "$docs" ]; then
    echo "skipped: no docs folder at $docs" >&2
    exit 0
fi
source bench/graphdoc.sh
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$graphdoc" generate "$docs" --out "$scratch/crate" --crate-name msgraph-bench > /dev/null
cp Cargo.lock "$scratch/crate/"
# DOUBLE=1: a beta-sized crate (the beta reference has about 2.4 times v1.0's structs): every
# type twice, the second copy under `again::`, behind the same features.
if [ "${DOUBLE:-0}" = 1 ]; then
    mkdir "$scratch/again"
    cp -r "$scratch/crate/src/." "$scratch/again/"
    mv "$scratch/again/lib.rs" "$scratch/again/mod.rs"
    find "$scratch/again" -name '*.rs' -exec sed -i 's/crate::/crate::again::/g' {} +
    mv "$scratch/again" "$scratch/crate/src/again"
    echo 'pub mod again;' >> "$scratch/crate/src/lib.rs"
fi
export CARGO_TARGET_DIR="$scratch/target"
# Cargo compiles a crate from a registry without incremental compilation: that is how the
# crate's users build it. INCREMENTAL=1 measures it as a workspace member instead.
if [ "${INCREMENTAL:-0}" = 1 ]; then
    export CARGO_INCREMENTAL=1
else
    export CARGO_INCREMENTAL=0
fi
cd "$scratch/crate"
cargo check --quiet 2> /dev/null  # dependencies, and the runtime module alone

# measure LABEL ARGS...: prints "LABEL median_s min_s max_s peak_MiB" over $runs runs.
measure() {
    local label="$1"; shift
    local times=() peak=0
    for _ in $(seq "$runs"); do
        cargo clean --quiet -p msgraph-bench
        /usr/bin/time -f "%e %M" -o "$scratch/time" cargo check --quiet "$@" 2> /dev/null
        read -r seconds kib < "$scratch/time"
        times+=("$seconds")
        [ "$kib" -gt "$peak" ] && peak="$kib"
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    echo "$label $(echo "$sorted" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') $(echo "$sorted" | head -1) $(echo "$sorted" | tail -1) $((peak / 1024))"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(find src -name '*.rs' | wc -l) files, $(find src -name '*.rs' -exec cat {} + | wc -c) bytes of source, $(grep -rh '^pub struct ' src | wc -l) structs"
printf '%-28s %9s %9s %9s %10s\n' features median_s min_s max_s peak_MiB
full=$(measure full --features full)
three=$(measure "$features" --features "$features")
none=$(measure runtime-only)
for line in "$full" "$three" "$none"; do
    echo "$line" | awk '{printf "%-28s %9s %9s %9s %10s\n", $1, $2, $3, $4, $5}'
done
echo "$full $three" | awk '{printf "three areas / full: %.1f%%\n", 100 * $7 / $2}'
