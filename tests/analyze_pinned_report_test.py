#!/usr/bin/env python3
"""Pins what `perimeter analyze` reports on a fixed generated corpus (issue #20).

Generates the corpus named in the pin file with perimeter-gen-corpus, analyzes it with the pin file's
options (JSON out), removes the lines that change from run to run (the findings' createdAt, analyzedAt
and updatedAt, the summary's seconds), and compares the SHA-256 of the rest and the number of findings
with the pinned values. A change of the engine's results fails here; pinning a new value is a
deliberate act (tests/cases/analyze/pinned_report.txt says how).

Usage: analyze_pinned_report_test.py PERIMETER PERIMETER_GEN_CORPUS PIN_FILE
"""
import hashlib
import json
import re
import subprocess
import sys
import tempfile

VOLATILE = re.compile(rb'^\s*"(createdAt|analyzedAt|updatedAt|seconds)": ')


def read_pins(path):
    pins = {}
    with open(path, encoding="utf-8") as pin_file:
        for line in pin_file:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            pins[key.strip()] = value.strip()
    return pins


def report_hash(report):
    """SHA-256 of the report without the lines that differ between runs."""
    digest = hashlib.sha256()
    for line in report.splitlines(keepends=True):
        if not VOLATILE.match(line):
            digest.update(line)
    return digest.hexdigest()


def main():
    perimeter, generator, pin_path = sys.argv[1:4]
    pins = read_pins(pin_path)
    with tempfile.TemporaryDirectory(prefix="perimeter-pinned-") as scratch:
        corpus = f"{scratch}/corpus.jsonl"
        subprocess.run([generator, *pins["corpus"].split(), "--format", "inventory", "-o", corpus],
                       check=True)
        run = subprocess.run([perimeter, "analyze", corpus, *pins["options"].split(),
                              "--format", "json", "-q"], capture_output=True, check=False)
    if run.returncode not in (0, 1):
        print(f"FAIL: perimeter analyze exited {run.returncode}: {run.stderr.decode()}")
        return 1
    summary = json.loads(run.stdout)["summary"]
    failures = []
    if str(summary["findings"]) != pins["findings"]:
        failures.append(f"findings: {summary['findings']}, pinned {pins['findings']}")
    digest = report_hash(run.stdout)
    if digest != pins["sha256"]:
        failures.append(f"sha256 of the report without timestamps: {digest}, pinned {pins['sha256']}")
    for failure in failures:
        print(f"FAIL: {failure}")
    if failures:
        print(f"summary: {json.dumps(summary)}")
        return 1
    print(f"ok: {summary['findings']} findings, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
