"""Validates an OCDS 1.1.5 package with libcoveocds (PyPI), offline.

Usage: python3 ocds_check.py PACKAGE.json STANDARD.zip

libcoveocds downloads the standard at run time, which fails without a
network; it is handed the zip of the standard instead, and the schemas that
the record package schema refers to by their web address
(https://standard.open-contracting.org/schema/1__1__5/...) are answered from
the same zip. Prints the result as
one JSON object (errors, values outside closed codelists) and exits 1 when
there is anything to report.
"""

import json
import os
import sys
import tempfile
import zipfile

import requests

from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig


SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"


def serve_schemas_from(standard):
    """Answers requests for the standard's schema files from the zip."""
    archive = zipfile.ZipFile(standard)
    original = requests.Session.send

    def send(self, request, **kwargs):
        if request.url.startswith(SCHEMA_URL):
            name = "standard-1__1__5/schema/" + request.url[len(SCHEMA_URL):].split("#")[0]
            response = requests.Response()
            response.url = request.url
            response.request = request
            try:
                response._content = archive.read(name)
                response.status_code = 200
                response.headers["Content-Type"] = "application/json"
            except KeyError:
                response._content = b""
                response.status_code = 404
            return response
        return original(self, request, **kwargs)

    requests.Session.send = send


def main():
    package, standard = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    serve_schemas_from(standard)
    cfg = LibCoveOCDSConfig({"standard_zip": "file://" + standard, "context": "api"})
    with tempfile.TemporaryDirectory() as out:
        result = ocds_json_output(out, package, schema_version="1.1", convert=False, lib_cove_ocds_config=cfg)
    report = {
        "validation_errors": result.get("validation_errors", []),
        "additional_closed_codelist_values": result.get("additional_closed_codelist_values", {}),
        "version_used": result.get("version_used"),
    }
    print(json.dumps(report, default=str, ensure_ascii=False))
    sys.exit(1 if report["validation_errors"] or report["additional_closed_codelist_values"] else 0)


if __name__ == "__main__":
    main()
