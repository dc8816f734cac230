#!/usr/bin/env python3
"""Authorization with identity-based policies, through boto3 and `perimeter import` (docs/server.md,
"Authorization"): an admin key without policies has full access to its account; a read-only auditor key
(policies = ["auditor.json"]) lists and reads, and every other call is AccessDeniedException (403) with
AWS's message, changing nothing.

Usage: server_authorization_test.py PATH/TO/perimeter. Fails without boto3 (scripts/setup.sh installs it).
"""
import json
import os
import subprocess
import sys
import time

from perimeter_harness import accounts_toml, boto3_server_test, check, credentials_toml

DEV = "444455556666"
REGION = "us-east-1"
KEYS = {"Admin": ("AKIAITESTADMIN000001", "admin-test-secret-000000000000000000000", None),
        "Auditor": ("AKIAITESTAUDITOR0001", "auditor-test-secret-0000000000000000000",
                    f"arn:aws:iam::{DEV}:user/auditor")}
AUDITOR_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["access-analyzer:List*", "access-analyzer:Get*"], "Resource": "*"}]}
BUCKET = "arn:aws:s3:::it-authorization"


def config(data_dir):
    text = f'listen = "127.0.0.1:0"\ndata_dir = "{data_dir}"\nperiodic_scan = "24h"\n'
    text += accounts_toml({DEV: None}, [REGION])
    for key, secret, principal in KEYS.values():
        text += credentials_toml(DEV, key, secret, **({"principal": principal, "policies": ["auditor.json"]}
                                                      if principal else {}))
    return text


def write_auditor_policy(work):
    with open(os.path.join(work, "auditor.json"), "w") as f:
        json.dump(AUDITOR_POLICY, f)


def main():
    return boto3_server_test(__doc__, "perimeter-authorization-", config,
                             {profile: (key, secret) for profile, (key, secret, _) in KEYS.items()}, REGION, run,
                             prepare=write_auditor_policy)


def run(binary, endpoint, work, boto3, botocore):
    def client(profile, service="accessanalyzer"):
        return boto3.Session(profile_name=profile).client(service, endpoint_url=endpoint, region_name=REGION)

    admin, auditor = client("Admin"), client("Auditor")
    arn = admin.create_analyzer(analyzerName="dev", type="ACCOUNT")["arn"]
    record = {"kind": "resource", "resourceArn": BUCKET, "resourceType": "AWS::S3::Bucket",
              "resourceOwnerAccount": DEV, "region": REGION, "configuration": {"s3Bucket": {"bucketPolicy": json.dumps(
                  {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                           "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}]})}}}
    path = os.path.join(work, "bucket.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps(record) + "\n")

    def perimeter_import(profile):
        return subprocess.run([binary, "import", path, "--endpoint-url", endpoint, "--profile", profile],
                              capture_output=True, text=True, timeout=60)

    done = perimeter_import("Admin")
    check(done.returncode == 0, f"admin import: exit {done.returncode}, {done.stderr!r}")
    deadline = time.monotonic() + 10
    findings = []
    while time.monotonic() < deadline and not findings:
        findings = auditor.list_findings(analyzerArn=arn)["findings"]
        time.sleep(0.02)
    check(len(findings) == 1, f"the auditor lists the finding: {findings}")
    check(auditor.get_analyzer(analyzerName="dev")["analyzer"]["arn"] == arn, "the auditor reads the analyzer")

    def denied(call, action, resource, *args, **kwargs):
        try:
            call(*args, **kwargs)
        except botocore.exceptions.ClientError as error:
            expected = (f"User: arn:aws:iam::{DEV}:user/auditor is not authorized to perform: {action} on resource: "
                        f"{resource} because no identity-based policy allows the {action} action")
            check(error.response["Error"]["Code"] == "AccessDeniedException"
                  and error.response["ResponseMetadata"]["HTTPStatusCode"] == 403,
                  f"{action}: {error.response['Error']}")
            check(error.response["Error"]["Message"] == expected,
                  f"{action} message: {error.response['Error']['Message']!r} != {expected!r}")
            return
        check(False, f"{action} was allowed to the auditor")

    if findings:
        finding_id = findings[0]["id"]
        denied(auditor.update_findings, "access-analyzer:UpdateFindings", arn,
               analyzerArn=arn, ids=[finding_id], status="ARCHIVED")
        check(admin.get_finding(analyzerArn=arn, id=finding_id)["finding"]["status"] == "ACTIVE",
              "the refused UpdateFindings changed nothing")
        admin.update_findings(analyzerArn=arn, ids=[finding_id], status="ARCHIVED")
        check(auditor.get_finding(analyzerArn=arn, id=finding_id)["finding"]["status"] == "ARCHIVED",
              "the admin key (no policies) has full access")
    denied(auditor.create_analyzer, "access-analyzer:CreateAnalyzer",
           f"arn:aws:access-analyzer:{REGION}:{DEV}:analyzer/other", analyzerName="other", type="ACCOUNT_UNUSED_ACCESS")
    denied(auditor.delete_analyzer, "access-analyzer:DeleteAnalyzer", arn, analyzerName="dev")
    denied(client("Auditor", "organizations").register_delegated_administrator,
           "organizations:RegisterDelegatedAdministrator", "*",
           AccountId=DEV, ServicePrincipal="access-analyzer.amazonaws.com")
    check(admin.get_analyzer(analyzerName="dev")["analyzer"]["status"] == "ACTIVE", "the analyzer is still there")
    done = perimeter_import("Auditor")
    check(done.returncode == 2 and "AccessDeniedException" in done.stderr,
          f"auditor import: exit {done.returncode}, {done.stderr!r}")


if __name__ == "__main__":
    sys.exit(main())
