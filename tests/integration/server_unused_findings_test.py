#!/usr/bin/env python3
"""The finding operations of the unused- and internal-access analyzers on `perimeter serve` with a real
client (issue #17): the AWS CLI v1 (pip's `aws` on PATH, whose model has the V2 and recommendation
operations; Debian's CLI v2 model has none of them).

  1. get-findings-statistics answers the analyzer family's union member (unusedAccessFindingsStatistics), which
     the CLI parses (the other families' members: api/access_analyzer_service_test.cc);
  2. list-findings-v2 accepts a findingType filter and a findingType sort;
  3. generate-finding-recommendation of an id that is no UnusedPermission finding is a ValidationException,
     and get-finding-recommendation of a finding never generated a ResourceNotFoundException.

The recommendations themselves (SUCCEEDED, FAILED, paged steps) are checked at the API level
(src/perimeter/api/access_analyzer_service_test.cc, RecommendationTest): the server does not import
unused-access inputs yet, so no UnusedPermission finding reaches its store here.

The server is ephemeral; everything lives in one temporary directory, removed at the end.
Usage: server_unused_findings_test.py PATH/TO/perimeter.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from perimeter_harness import accounts_toml, check, client_environment, credentials_toml, finish, serving

ACCOUNT, KEY, SECRET = "444455556666", "AKIAITESTUNUSED00001", "unused-test-secret-0000000000000000000000"
REGION = "us-east-1"


def cli_v1():
    """pip's AWS CLI v1 on PATH when its botocore has the recommendation operations (1.35 and later), else
    None. A pyenv shim is resolved to the CLI it runs: each call then costs one Python start, not two."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, "aws")
        if not os.access(candidate, os.X_OK):
            continue
        if os.sep + "shims" + os.sep in candidate:
            which = subprocess.run(["pyenv", "which", "aws"], capture_output=True, text=True)
            if which.returncode != 0:
                continue
            candidate = which.stdout.strip()
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True)
        text = version.stdout + version.stderr
        botocore = re.search(r"botocore/(\d+)\.(\d+)", text)
        if text.startswith("aws-cli/1.") and botocore and (int(botocore[1]), int(botocore[2])) >= (1, 35):
            return candidate
    return None


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: server_unused_findings_test.py PATH/TO/perimeter")
    binary = os.path.abspath(sys.argv[1])
    client = cli_v1()
    if client is None:
        print("   not run: no AWS CLI v1 with generate-finding-recommendation on PATH (optional)")
        return finish()
    with tempfile.TemporaryDirectory(prefix="perimeter-unused-") as work:
        config = os.path.join(work, "server.toml")
        with open(config, "w") as handle:
            handle.write('listen = "127.0.0.1:0"\n' + accounts_toml({ACCOUNT: None}) +
                         credentials_toml(ACCOUNT, KEY, SECRET))
        with serving(binary, "--ephemeral", "--config", config, log=os.path.join(work, "server.log")) as server:
            check_operations(client, server.endpoint)
    return finish()


def check_operations(client, endpoint):
    """Sections 1 to 3 of the module's comment, against the server at `endpoint`."""
    env = client_environment(os.devnull, os.devnull, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                             AWS_DEFAULT_REGION=REGION, AWS_PAGER="")

    def aws(command, *args):
        done = subprocess.run([client, "accessanalyzer", command, *args, "--endpoint-url", endpoint,
                               "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            return None, done.stderr
        return (json.loads(done.stdout) if done.stdout.strip() else {}), None

    arns = {}
    created, error = aws("create-analyzer", "--analyzer-name", "unused", "--type", "ACCOUNT_UNUSED_ACCESS")
    if not check(created is not None, f"create-analyzer ACCOUNT_UNUSED_ACCESS: {error}"):
        return
    arns["unused"] = created["arn"]

    statistics, error = aws("get-findings-statistics", "--analyzer-arn", arns["unused"])
    if check(statistics is not None, f"get-findings-statistics: {error}"):
        union = statistics.get("findingsStatistics", [{}])[0]
        member = "unusedAccessFindingsStatistics"
        check(list(union) == [member] and union[member].get("totalActiveFindings") == 0,
              f"get-findings-statistics: {statistics}")
        check("lastUpdatedAt" in statistics, "get-findings-statistics: no lastUpdatedAt")

    listed, error = aws("list-findings-v2", "--analyzer-arn", arns["unused"], "--filter",
                        json.dumps({"findingType": {"eq": ["UnusedPermission"]}}), "--sort",
                        "attributeName=findingType,orderBy=DESC")
    check(listed is not None and listed.get("findings") == [], f"list-findings-v2 by findingType: {listed} {error}")

    generated, error = aws("generate-finding-recommendation", "--analyzer-arn", arns["unused"], "--id",
                           "00000000-0000-4000-8000-000000000000")
    check(generated is None and "ValidationException" in (error or ""),
          f"generate-finding-recommendation of an unknown finding: {generated} {error}")
    got, error = aws("get-finding-recommendation", "--analyzer-arn", arns["unused"], "--id",
                     "00000000-0000-4000-8000-000000000000")
    check(got is None and "ResourceNotFoundException" in (error or ""),
          f"get-finding-recommendation never generated: {got} {error}")


if __name__ == "__main__":
    sys.exit(main())
