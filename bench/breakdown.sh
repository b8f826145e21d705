#!/usr/bin/env bash
# Where the generated crate's check time goes, by kind of item: the total of `-Z time-passes`
# (stable rustc, RUSTC_BOOTSTRAP=1) for `cargo check --features full` without incremental, on
# the crate as generated and on variants: model structs deriving `Default` alone (what `Debug,
# Clone, PartialEq` cost), without the operations' methods, without rustdoc; then the wall time
# of `cargo check --tests` with `full` (example tests) and `full,client` (replays). Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-../shared/corpus/graph-v1.0}"
if [ ! -d "$docs" ]; then
    echo "skipped: no docs folder at $docs" >&2
    exit 0
fi
source bench/graphdoc.sh
bench="$PWD/bench/breakdown"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$graphdoc" generate "$docs" --out "$scratch/crate" --crate-name msgraph-bench > /dev/null
cp Cargo.lock "$scratch/crate/"
cp -r "$scratch/crate/src" "$scratch/as-generated"
export CARGO_TARGET_DIR="$scratch/target" CARGO_INCREMENTAL=0
cd "$scratch/crate"
cargo check --quiet --features full,client --tests 2> /dev/null  # dependencies

passes() {
    touch src/lib.rs
    RUSTC_BOOTSTRAP=1 cargo rustc --quiet --lib --profile check --features full -- -Z time-passes 2>&1 \
        | awk '/^time:.*\ttotal$/ {sub(";", "", $2); print $2}'
}
restore() {
    rm -rf src && cp -r "$scratch/as-generated" src
}
wall() {
    cargo clean --quiet -p msgraph-bench
    /usr/bin/time -f "%e s, %M KiB" -o "$scratch/time" cargo check --quiet "$@" 2> /dev/null
    cat "$scratch/time"
}

echo "as generated:                       $(passes) s"
sed -i 's/^#\[derive(Debug, Clone, Default, PartialEq)\]$/#[derive(Default)]/' src/*.rs
echo "model structs deriving Default only: $(passes) s"
restore
python3 "$bench/drop_operations.py" src/paths.rs > /dev/null
echo "without the operations:             $(passes) s"
restore
for file in src/*.rs; do grep -v '^ *///' "$file" > "$scratch/file" && mv "$scratch/file" "$file"; done
echo "without rustdoc:                    $(passes) s"
restore
echo "cargo check, full:                  $(wall --features full)"
echo "cargo check --tests, full:          $(wall --features full --tests)"
echo "cargo check --tests, full,client:   $(wall --features full,client --tests)"
