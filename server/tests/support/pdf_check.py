"""Checks a PDF of record with real tools, offline.

Usage: python3 pdf_check.py FILE.pdf

Reads the text with pdftotext and the page count with pdfinfo (Debian's
poppler-utils), and checks conformance to PDF/UA-1 and PDF/A-2a with
page-validation (PyPI). Prints one JSON object:
{"pages": N, "text": "...", "ua1": bool, "a2a": bool, "failures": [...]}
and exits 1 when the file does not conform to both profiles.
"""

import json
import re
import subprocess
import sys

import page


def stream_lengths_exact(path):
    """Whether every stream's direct /Length is exactly its data: the
    declared number of bytes after the EOL that follows `stream`, then an
    EOL and `endstream` (PDF/A asks for that EOL), for as many streams as
    the file has.

    page-validation finds a stream's end by stripping the EOL before
    `endstream`; when compressed data happens to end in a CR byte, it takes
    that byte with the LF after it for a CRLF and reports the stream one
    byte short (PDFA2A-STREAM-LENGTH-001), about one document in five. This
    check decides that rule exactly instead of by the heuristic."""
    data = open(path, "rb").read()
    checked = 0
    for m in re.finditer(rb"/Length (\d+)(?! \d+ R)[^>]*>>\s*stream(\r\n|\n)", data):
        start = m.end()
        length = int(m.group(1))
        if not re.match(rb"(\r\n|\n|\r)endstream", data[start + length:start + length + 11]):
            return False
        checked += 1
    return checked == data.count(b"endstream")


def main():
    path = sys.argv[1]
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", path, "-"], check=True, capture_output=True).stdout.decode("utf-8")
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True).stdout.decode("utf-8", "replace")
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    out = {"pages": pages, "text": text, "failures": []}
    for key, profile in (("ua1", page.ValidationProfile.PDF_UA_1), ("a2a", page.ValidationProfile.PDF_A_2A)):
        report = page.validate_pdf(path, profile=profile)
        failures = [f for f in report.failures if not (f.rule_id == "PDFA2A-STREAM-LENGTH-001" and stream_lengths_exact(path))]
        out[key] = not failures
        out["failures"] += [f"{key} {f.rule_id}: {f.message}" for f in failures]
    print(json.dumps(out))
    sys.exit(0 if out["ua1"] and out["a2a"] else 1)


if __name__ == "__main__":
    main()
