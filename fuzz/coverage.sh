#!/usr/bin/env bash
# How much of graphdoc's own source (generator/src) a fuzz target's corpus reaches: runs every
# input once under coverage instrumentation and prints llvm-cov's per-file table, with the
# dependencies (pulldown-cmark, serde_json, syn, ...) and the standard library left out.
#
#   fuzz/coverage.sh TARGET [CORPUS_DIR...]     (default corpus: fuzz/corpus/TARGET)
#
# Run it at two points of a fuzzing campaign: when the line coverage of generator/src no longer
# moves, the target has reached its plateau. (libFuzzer's own `cov:` figure counts the
# dependencies' edges too, and pulldown-cmark alone keeps it creeping up for hours.)
# Needs nightly's llvm-tools: rustup component add llvm-tools-preview --toolchain nightly
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 TARGET [CORPUS_DIR...]" >&2
    exit 2
fi
target="$1"
shift
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$fuzz_dir"
corpora=("$@")
if [ ${#corpora[@]} -eq 0 ]; then
    corpora=("corpus/$target")
fi

sysroot="$(rustc +nightly --print sysroot)"
host="$(rustc +nightly -vV | sed -n 's/^host: //p')"
llvm_cov="$sysroot/lib/rustlib/$host/bin/llvm-cov"
if [ ! -x "$llvm_cov" ]; then
    echo "needs llvm-cov: rustup component add llvm-tools-preview --toolchain nightly" >&2
    exit 1
fi

# A snapshot of the corpus: a fuzzer still running on it deletes inputs as it reduces them.
snapshot="$(mktemp -d)"
trap 'rm -rf "$snapshot"' EXIT
for corpus in "${corpora[@]}"; do
    cp -r "$corpus/." "$snapshot/"
done
rm -rf "coverage/$target"
mkdir -p coverage
cargo +nightly fuzz coverage "$target" "$snapshot" > "coverage/$target.log" 2>&1 || {
    tail -20 "coverage/$target.log" | cut -c1-300 >&2
    exit 1
}
binary="target/$host/coverage/$host/release/$target"
"$llvm_cov" report "$binary" \
    -instr-profile="coverage/$target/coverage.profdata" \
    -ignore-filename-regex='(/\.cargo/|/rustc/|/library/|/fuzz/)' \
    | sed "s|^.*generator/src/||"
