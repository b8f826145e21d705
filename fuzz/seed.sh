#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs taken from real pages: the repository's docs/
# and, when present, the shared page corpus at ../shared/corpus/graph-v1.0 (relative to the
# repository root). The corpus folder is git-ignored: pages and pieces of pages must never be
# committed. Run from anywhere; rerunning adds to what is there.
set -euo pipefail

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$fuzz_dir")"
roots=("$repo_dir/docs")
if [[ -d "$repo_dir/../shared/corpus/graph-v1.0" ]]; then
    roots+=("$repo_dir/../shared/corpus/graph-v1.0")
fi

python3 - "$fuzz_dir/corpus" "${roots[@]}" <<'PY'
import hashlib
import pathlib
import re
import sys

corpus = pathlib.Path(sys.argv[1])
roots = [pathlib.Path(root) for root in sys.argv[2:]]
counts = {}


def save(target, data):
    # Named by content hash, as libFuzzer names its own inputs: duplicates collapse.
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / hashlib.sha1(data).hexdigest()
    if not path.exists():
        path.write_bytes(data)
        counts[target] = counts.get(target, 0) + 1


FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\s`]*)")
ANNOTATION = re.compile(r"<!--\s*(\{.*?)-->", re.S)

for root in roots:
    for page in sorted(root.rglob("*.md")):
        data = page.read_bytes()
        save("page", data)
        save("generate", data)
        text = data.decode("utf-8", "replace")
        for match in ANNOTATION.finditer(text):
            save("lenient_json", match.group(1).encode())
        # Fenced blocks: HTTP blocks feed http_block, JSON blocks (and HTTP bodies, through
        # the HTTP blocks themselves) feed lenient_json.
        fence, lang, body = None, None, []
        for line in text.splitlines(keepends=True):
            if fence is None:
                match = FENCE.match(line)
                if match:
                    fence, lang, body = match.group(1), match.group(2).lower(), []
                continue
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                block = "".join(body).encode()
                if lang == "http":
                    save("http_block", block)
                elif lang in ("json", "jsonc", "javascript", "js"):
                    save("lenient_json", block)
                fence = None
            else:
                body.append(line)

# Several pages in one `generate` input, separated by form feeds (see fuzz/checks.rs): each
# resource page with up to three API pages named after it (`user.md` with `user-get.md`, ...),
# so that types, their operations and the pages' cross-references meet in one input.
for root in roots:
    pages = sorted(root.rglob("*.md"))
    for page in pages:
        if page.parent.name != "resources":
            continue
        related = [p for p in pages if p.parent.name == "api" and p.stem.startswith(page.stem + "-")]
        if related:
            save("generate", b"\x0c".join(p.read_bytes() for p in [page] + related[:3]))

# The hostile fixtures (written by the project): each case's pages as one `generate` input, so
# that the fuzzer starts from the cross-page cases the tests pin down (cycles, a type defined
# twice, an enum and a type of one name, ...).
hostile = pathlib.Path(sys.argv[1]).parent.parent / "generator/tests/hostile"
for case in sorted(p for p in hostile.iterdir() if p.is_dir()):
    pages = sorted(p for p in case.rglob("*.md") if p.is_file())
    for start in range(0, len(pages), 6):
        save("generate", b"\x0c".join(p.read_bytes() for p in pages[start:start + 6]))

for target, count in sorted(counts.items()):
    print(f"{target}: {count} new seed inputs in {corpus / target}")
PY
