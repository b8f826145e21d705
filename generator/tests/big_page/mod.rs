//! Pages far larger than any real one, for the size tests (`hostile.rs`) and the growth tests
//! (`bounds.rs`).

/// A resource page of about `bytes` bytes, and how many properties it defines: one property
/// table row per property, and the JSON representation listing every property again.
pub fn big_resource_page(bytes: usize) -> (String, usize) {
    let mut rows = String::new();
    let mut json = Vec::new();
    let mut json_len = 0;
    let mut count = 0;
    let types = [
        "String",
        "Int32",
        "Boolean",
        "DateTimeOffset",
        "[big](big.md) collection",
    ];
    while rows.len() + json_len < bytes {
        let ty = types[count % types.len()];
        rows.push_str(&format!(
            "|property{count:06}|{ty}|Property number {count} of a page far larger than any real one. Read-only.|\n"
        ));
        let member = format!("  \"property{count:06}\": \"String\"");
        json_len += member.len();
        json.push(member);
        count += 1;
    }
    let page = format!(
        "---\ntitle: \"big resource type\"\ndoc_type: resourcePageType\nms.prod: hostile\n---\n\n\
         # big resource type\n\nNamespace: microsoft.graph\n\nA very large type.\n\n\
         ## Properties\n\n|Property|Type|Description|\n|:---|:---|:---|\n{rows}\n\
         ## JSON representation\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.big\" }} -->\n```json\n{{\n{}\n}}\n```\n",
        json.join(",\n")
    );
    (page, count)
}

/// A path of `segments` segments, a parameter every 50th: `/{p0}/s1/s2/...`.
#[allow(dead_code)] // Not every test binary that shares this module needs it.
pub fn deep_path(segments: usize) -> String {
    (0..segments)
        .map(|i| {
            if i % 50 == 0 {
                format!("/{{p{i}}}")
            } else {
                format!("/s{i}")
            }
        })
        .collect()
}
