#!/usr/bin/env python3
"""ValidatePolicy on `perimeter serve` with the real clients (issue #15): the three surfaces agree.

  1. Debian's AWS CLI v2 (/usr/bin/aws) `aws accessanalyzer validate-policy --endpoint-url ...` (and the CLI
     v1 when pip's `aws` is on PATH) returns the findings `perimeter validate-policy --format json` prints
     for the same document, with --validate-policy-resource-type;
  2. boto3's validate_policy paginator with a page size of 1 walks every finding through nextToken and gets
     the same list;
  3. a policyType outside the model's enum is a ValidationException.

The server is bounded in time; everything lives in one temporary directory, removed at the end.
Usage: validate_policy_test.py PATH/TO/perimeter.
"""
import json
import os
import subprocess
import sys
import tempfile

from perimeter_harness import accounts_toml, check, client_environment, credentials_toml, finish, serving

ACCOUNT, KEY, SECRET = "444455556666", "AKIAITESTVALIDATE001", "validate-test-secret-000000000000000000"
REGION = "eu-west-1"
# An identity policy with a finding of each kind but SECURITY_WARNING, and a trust policy with one.
POLICY = json.dumps({"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject", "s3:GetObjekt"],
                                    "Resource": "*"}]}, indent=2)
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}, indent=2)


def offline(binary, work, document, policy_type, resource_type=None):
    path = os.path.join(work, "policy.json")
    with open(path, "w") as handle:
        handle.write(document)
    argv = [binary, "validate-policy", path, "--policy-type", policy_type, "--format", "json"]
    if resource_type:
        argv += ["--resource-type", resource_type]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    check(done.returncode in (0, 1), f"perimeter validate-policy exit {done.returncode}: {done.stderr}")
    return json.loads(done.stdout)["findings"]


def cli_versions():
    clients = []
    if os.access("/usr/bin/aws", os.X_OK):
        clients.append(("aws-cli-v2", "/usr/bin/aws"))
    else:
        check(False, "/usr/bin/aws (AWS CLI v2) is missing: scripts/setup.sh installs it")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, "aws")
        if os.access(candidate, os.X_OK):
            version = subprocess.run([candidate, "--version"], capture_output=True, text=True)
            if (version.stdout + version.stderr).startswith("aws-cli/1."):
                clients.append(("aws-cli-v1", candidate))
                break
    else:
        print("   not run: no AWS CLI v1 on PATH (optional)")
    return clients


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: validate_policy_test.py PATH/TO/perimeter")
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="perimeter-validate-") as work:
        config = os.path.join(work, "server.toml")
        with open(config, "w") as handle:
            handle.write('listen = "127.0.0.1:0"\n' + accounts_toml({ACCOUNT: None}) +
                         credentials_toml(ACCOUNT, KEY, SECRET))
        with serving(binary, "--ephemeral", "--config", config, log=os.path.join(work, "server.log")) as server:
            check_surfaces(binary, work, server.endpoint)
    return finish()


def check_surfaces(binary, work, endpoint):
    """Sections 1 to 3 of the module's comment, against the server at `endpoint`."""
    env = client_environment(os.devnull, os.devnull, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                             AWS_DEFAULT_REGION=REGION, AWS_PAGER="")

    expected = offline(binary, work, POLICY, "IDENTITY_POLICY")
    check([f["issueCode"] for f in expected] == ["MISSING_VERSION", "REDUNDANT_ACTION", "INVALID_ACTION"],
          f"offline findings: {[f['issueCode'] for f in expected]}")
    expected_trust = offline(binary, work, TRUST, "RESOURCE_POLICY", "AWS::IAM::AssumeRolePolicyDocument")

    print("1. aws accessanalyzer validate-policy")
    for name, executable in cli_versions():
        def cli(*args):
            done = subprocess.run([executable, "accessanalyzer", "validate-policy", "--endpoint-url", endpoint,
                                   "--output", "json", *args], env=env, capture_output=True, text=True,
                                  timeout=60)
            return done
        done = cli("--policy-document", POLICY, "--policy-type", "IDENTITY_POLICY")
        if check(done.returncode == 0, f"{name}: exit {done.returncode}: {done.stderr}"):
            check(json.loads(done.stdout)["findings"] == expected, f"{name}: findings {done.stdout}")
        done = cli("--policy-document", TRUST, "--policy-type", "RESOURCE_POLICY",
                   "--validate-policy-resource-type", "AWS::IAM::AssumeRolePolicyDocument")
        if check(done.returncode == 0, f"{name}: trust policy: exit {done.returncode}: {done.stderr}"):
            got = json.loads(done.stdout)["findings"]
            check(got == expected_trust and
                  [f["issueCode"] for f in got] == ["ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"],
                  f"{name}: trust policy findings {got}")
        done = cli("--policy-document", POLICY, "--policy-type", "IDENTITY")
        check(done.returncode != 0 and "ValidationException" in done.stderr,
              f"{name}: bad policy type: {done.returncode} {done.stderr}")

    print("2. boto3 paginator, one finding a page")
    try:
        import boto3
    except ImportError:
        check(False, "boto3 is missing: scripts/setup.sh installs it")
        return
    client = boto3.client("accessanalyzer", region_name=REGION, endpoint_url=endpoint,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    pages = list(client.get_paginator("validate_policy").paginate(
        policyDocument=POLICY, policyType="IDENTITY_POLICY", PaginationConfig={"PageSize": 1}))
    check(len(pages) == 3, f"pages: {len(pages)}")
    got = [finding for page in pages for finding in page["findings"]]
    check(got == expected, f"boto3 findings: {got}")


if __name__ == "__main__":
    sys.exit(main())
