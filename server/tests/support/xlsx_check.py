"""Reads an XLSX file back with openpyxl and prints what the tests check,
as JSON: the title, and per sheet its name, frozen cell, filter range,
header row and rows, each cell as [value, type, quote prefix] with type
"n" (number), "s" (text), "d" (date) or "" (empty)."""

import json
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is None:
        return [None, "", False]
    kind = {"n": "n", "s": "s", "d": "d", "inlineStr": "s", "str": "s"}.get(c.data_type, c.data_type)
    if hasattr(v, "isoformat"):
        v = v.isoformat()
        kind = "d"
    return [v, kind, bool(c.quotePrefix)]


def main(path):
    # A file object: openpyxl would judge a path by its extension, and a
    # browser's download has none.
    with open(path, "rb") as fh:
        wb = openpyxl.load_workbook(fh)
    out = {"title": wb.properties.title, "description": wb.properties.description, "sheets": []}
    for ws in wb.worksheets:
        rows = [[cell(c) for c in row] for row in ws.iter_rows()]
        out["sheets"].append({
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "header": [c[0] for c in rows[0]] if rows else [],
            "rows": rows[1:],
        })
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
