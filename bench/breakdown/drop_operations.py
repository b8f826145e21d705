"""Removes from a generated `paths.rs` every method that builds a `Request` (the operations),
with its rustdoc and attributes, keeping the nodes and their steps: a variant of the crate for
bench/breakdown.sh.

Usage: drop_operations.py PATHS_RS
"""
import sys

p = sys.argv[1]
lines = open(p).read().split("\n")
out, pending, i, dropped = [], [], 0, 0
while i < len(lines):
    line = lines[i]
    s = line.strip()
    if line.startswith("    ///"):
        pending.append(line); i += 1; continue
    if line.startswith("    #["):
        j = i
        while not lines[j].rstrip().endswith("]"):
            j += 1
        pending.extend(lines[i:j + 1]); i = j + 1; continue
    if line.startswith("    pub fn "):
        j = i
        while not lines[j].rstrip().endswith("{"):
            j += 1
        if "crate::runtime::Request<" in "\n".join(lines[i:j + 1]):
            k = j + 1
            while lines[k] != "    }":
                k += 1
            i = k + 1; pending = []; dropped += 1; continue
    out.extend(pending); pending = []
    out.append(line); i += 1
open(p, "w").write("\n".join(out))
print("dropped", dropped)
