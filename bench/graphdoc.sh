# Sourced by the bench scripts (from the repository root): sets `graphdoc` to the generator
# binary to measure. GRAPHDOC names another build (an older commit's, for a before and after);
# otherwise this checkout's is built in release.
graphdoc="${GRAPHDOC:-}"
if [ -z "$graphdoc" ]; then
    cargo build --release --quiet -p graphdoc --bin graphdoc
    graphdoc="$PWD/target/release/graphdoc"
fi
