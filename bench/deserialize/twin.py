"""Writes the benchmark's "plain derive" twins: the generated `User` and `Message` structs
with the same fields and types, derived with serde and no catch-all for unknown properties.

Usage: twin.py CRATE_SRC OUT_RS
"""
import re
import sys

src, out = sys.argv[1], sys.argv[2]


def twin(path, name):
    text = open(path).read()
    body = re.search(r"^pub struct %s \{\n(.*?)^\}" % name, text, re.S | re.M).group(1)
    body = "\n".join(l for l in body.splitlines() if not l.strip().startswith(("///", "#[")))
    fields = re.findall(r"pub (r#\w+|\w+): (.*?),\n(?=\s*pub |\s*$)", body + "\n", re.S)
    impl = text[text.index("impl crate::runtime::Object for %s {" % name):]
    impl = impl[: impl.index("_ => Ok(false)")]
    arms = dict(
        (field, wire)
        for wire, field in re.findall(r'"([^"]+)" => \{?\s*crate::runtime::read\(\s*map,\s*&mut self\.(r#\w+|\w+)', impl)
    )
    lines = ["#[derive(Debug, serde::Deserialize)]", "pub struct Plain%s {" % name]
    for field, ty in fields:
        if field == "additional_properties":
            continue
        ty = " ".join(ty.split()).replace("crate::", "msgraph_v1::")
        lines.append('    #[serde(rename = "%s", default)]' % arms[field])
        lines.append("    pub %s: %s," % (field, ty))
    lines.append("}")
    return "\n".join(lines)


with open(out, "w") as f:
    f.write("// Written by bench/deserialize/twin.py from the generated crate.\n#![allow(dead_code)]\n\n")
    f.write(twin(src + "/users.rs", "User") + "\n\n")
    f.write(twin(src + "/outlook.rs", "Message") + "\n")
