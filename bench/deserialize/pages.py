"""Writes the benchmark's input: a page of 999 users and a page of 100 messages, each item
the first response example of `user-get.md` / `message-get.md` with its own id.

Usage: pages.py DOCS_DIR OUT_DIR
"""
import json
import re
import sys

docs, out = sys.argv[1], sys.argv[2]


def first_response(page):
    text = open("%s/api/%s" % (docs, page)).read()
    for block in re.findall(r'"blockType":\s*"response".*?-->\s*```[a-z]*\n(.*?)```', text, re.S):
        body = block.split("\n\n", 1)[-1]
        try:
            return json.loads(body)
        except ValueError:
            continue
    raise SystemExit("no JSON response example in " + page)


def page(item, count, collection):
    item = {k: v for k, v in item.items() if not k.startswith("@odata.context")}
    items = []
    for i in range(count):
        copy = dict(item)
        copy["id"] = "%08d-0000-4000-8000-%012d" % (i, i)
        items.append(copy)
    return {
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#" + collection,
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/" + collection + "?$skiptoken=X",
        "value": items,
    }


for name, source, count, collection in [
    ("users", "user-get.md", 999, "users"),
    ("messages", "message-get.md", 100, "me/messages"),
]:
    with open("%s/%s.json" % (out, name), "w") as f:
        json.dump(page(first_response(source), count, collection), f)
