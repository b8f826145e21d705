#!/usr/bin/env bash
# Measures reading JSON into the generated types: a page of 999 users and a page of 100
# messages (made from the pages' examples by bench/deserialize/pages.py) into the v1.0 crate's
# `Collection<User>` / `Collection<Message>`, into `serde_json::Value`, and into the same
# structs derived with serde without the catch-all (bench/deserialize/twin.py), in one divan
# run. Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-../shared/corpus/graph-v1.0}"
if [ ! -d "$docs" ]; then
    echo "skipped: no docs folder at $docs" >&2
    exit 0
fi
docs="$(cd "$docs" && pwd)"
source bench/graphdoc.sh
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$graphdoc" generate "$docs" --out "$scratch/msgraph-v1" --crate-name msgraph-v1 > /dev/null
mkdir -p "$scratch/bench/benches"
python3 bench/deserialize/pages.py "$docs" "$scratch/bench/benches"
# TWINS: a twins.rs written before (twin.py reads the wire names of the current generator's code).
if [ -n "${TWINS:-}" ]; then
    cp "$TWINS" "$scratch/bench/benches/twins.rs"
else
    python3 bench/deserialize/twin.py "$scratch/msgraph-v1/src" "$scratch/bench/benches/twins.rs"
fi
cp bench/deserialize/deserialize.rs "$scratch/bench/benches/"
cat > "$scratch/bench/Cargo.toml" <<'TOML'
[package]
name = "deserialize-bench"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
msgraph-v1 = { path = "../msgraph-v1", features = ["full"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
divan = "0.1"

[[bench]]
name = "deserialize"
harness = false
TOML
cp Cargo.lock "$scratch/bench/"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$scratch/target}"
cd "$scratch/bench"
echo "input: $(wc -c < benches/users.json) bytes of users, $(wc -c < benches/messages.json) bytes of messages"
cargo bench --quiet --bench deserialize
