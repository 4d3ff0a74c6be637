"""Schemathesis over the served OpenAPI, against a live uvicorn server on 127.0.0.1.

A bounded run (time-boxed, fixed seed) of every phase that generates cases: boundary
coverage, fuzzing, and stateful sequences that follow the schema's links (add a
document, then read, replace or delete it by the id in the answer). It passes only with
no server error, no response outside the schema (status, content type, headers, body),
a 405 with a correct Allow header for every undeclared method, and no deleted document
still served.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from qa.api.app import create_app
from qa.build.build import build_index
from qa.runtime import Runtime
from tests.support.settings import corpus_settings

KEY = "schemathesis-secret"
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance,unsupported_method,"
    "allow_header_conformance,use_after_free,ensure_resource_availability"
)
MAX_SECONDS = 90
MIN_CASES = 300


def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path, embedder, serve_app):
    settings = corpus_settings(tmp_path / "api", api_key=KEY, max_upload_bytes=200_000)
    build_index(settings, embedder)
    url = serve_app(create_app(Runtime.build(settings, embedder), plugins=False))
    report = tmp_path / "schemathesis.json"

    st = str(Path(sys.executable).parent / "st")
    options = (
        f"--checks {CHECKS} --max-examples 25 --max-time {MAX_SECONDS} --seed 20261127 "
        f"--workers 1 --request-timeout 60 --no-color --report json"
    ).split()
    command = [st, "run", f"{url}/openapi.json", *options, "--header", f"X-API-Key: {KEY}"]
    command += ["--report-json-path", str(report)]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=MAX_SECONDS + 120, cwd=tmp_path
    )

    summary = json.loads(report.read_text())
    print(run.stdout[-3000:])  # shown with -s, and on failure
    assert run.returncode == 0 and summary["exit_code"] == 0, run.stdout[-6000:]
    assert summary["failures"] == [] and summary["errors"] == [], run.stdout[-6000:]
    cases = summary["test_cases"]
    assert cases["with_failures"] == cases["errored"] == 0
    assert cases["generated"] >= MIN_CASES, cases
    assert summary["operations"]["tested"] == summary["operations"]["total"] == 9
    assert summary["phases"]["stateful"]["status"] == "success", summary["phases"]
