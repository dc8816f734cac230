#!/usr/bin/env python3
"""`perimeter serve` driven by the real AWS clients: Debian's AWS CLI v2 (/usr/bin/aws), the CLI v1 on
PATH, and boto3 under /usr/bin/python3. Each client runs the issue's flow against its own fresh server
(port 0, temp config, temp credentials and config files):

  organizations enable-aws-service-access / register-delegated-administrator  (profile Mgmt)
  accessanalyzer create-analyzer --type ORGANIZATION                          (profile Security)
  accessanalyzer list-findings --filter '{"status": {"eq": ["ACTIVE"]}}'
  accessanalyzer update-findings --ids <id> --status ARCHIVED

and checks the response shapes (the CLIs accept almost any reply, so every field is parsed and checked),
plus SigV4 refusals, tags with the ARN in the path, and the DISABLED status after deregistration.

Usage: server_clients_test.py PATH/TO/perimeter.  AWS CLI v2 (/usr/bin/aws) and boto3 are installed by
scripts/setup.sh: without either the test fails. The AWS CLI v1 (pip's `aws` on PATH) is optional: it is
used when present and its absence is printed, not failed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import perimeter_harness as harness
from perimeter_harness import (check, client_environment, credentials_toml, failures, finish, write_credentials,
                               write_profiles)

MGMT, SECURITY, DEV, PROD = "111122223333", "234598760742", "444455556666", "777788889999"
KEYS = {
    "Mgmt": (MGMT, "AKIAITESTMGMT0000001", "mgmt-test-secret-0000000000000000000000"),
    "Security": (SECURITY, "AKIAITESTSECURITY001", "security-test-secret-000000000000000000"),
    "Dev": (DEV, "AKIAITESTDEV00000001", "dev-test-secret-00000000000000000000000"),
}
REGION = "us-east-1"
ANALYZER_ARN = f"arn:aws:access-analyzer:{REGION}:{SECURITY}:analyzer/org-analyzer"

CONFIG = f"""
listen = "127.0.0.1:0"
data_dir = "{{data_dir}}"
periodic_scan = "24h"

[organization]
id = "o-exampleorgid"
management_account = "{MGMT}"

[[accounts]]
id = "{MGMT}"
name = "Mgmt"
regions = ["{REGION}"]
ou_path = "o-exampleorgid/r-ab12/"

[[accounts]]
id = "{SECURITY}"
name = "Security"
regions = ["{REGION}"]
ou_path = "o-exampleorgid/r-ab12/ou-ab12-security/"

[[accounts]]
id = "{DEV}"
name = "Dev"
regions = ["{REGION}"]
ou_path = "o-exampleorgid/r-ab12/ou-ab12-workloads/"

[[accounts]]
id = "{PROD}"
name = "Prod"
regions = ["{REGION}"]
ou_path = "o-exampleorgid/r-ab12/ou-ab12-workloads/"
""" + "".join(credentials_toml(account, key, secret) for account, key, secret in KEYS.values())


def policy(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


INVENTORY = [
    {"kind": "resource", "resourceArn": "arn:aws:s3:::it-public-reports", "resourceType": "AWS::S3::Bucket",
     "resourceOwnerAccount": DEV, "region": REGION,
     "configuration": {"s3Bucket": {"bucketPolicy": policy([{"Effect": "Allow", "Principal": "*",
                                                             "Action": "s3:GetObject",
                                                             "Resource": "arn:aws:s3:::it-public-reports/*"}])}}},
    {"kind": "resource", "resourceArn": f"arn:aws:iam::{PROD}:role/partner", "resourceType": "AWS::IAM::Role",
     "resourceOwnerAccount": PROD,
     "configuration": {"iamRole": {"trustPolicy": policy([{"Effect": "Allow",
                                                           "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                                                           "Action": "sts:AssumeRole"}])}}},
    # Shared inside the organization only: no finding for an ORGANIZATION analyzer.
    {"kind": "resource", "resourceArn": f"arn:aws:sqs:{REGION}:{SECURITY}:internal", "resourceType": "AWS::SQS::Queue",
     "resourceOwnerAccount": SECURITY, "region": REGION,
     "configuration": {"sqsQueue": {"queuePolicy": policy([{"Effect": "Allow", "Principal": {"AWS": DEV},
                                                            "Action": "sqs:SendMessage",
                                                            "Resource": f"arn:aws:sqs:{REGION}:{SECURITY}:internal"}])}}},
    # Another region: not seen by a us-east-1 analyzer.
    {"kind": "resource", "resourceArn": "arn:aws:s3:::it-other-region", "resourceType": "AWS::S3::Bucket",
     "resourceOwnerAccount": DEV, "region": "eu-west-1",
     "configuration": {"s3Bucket": {"bucketPolicy": policy([{"Effect": "Allow", "Principal": "*",
                                                             "Action": "s3:GetObject",
                                                             "Resource": "arn:aws:s3:::it-other-region/*"}])}}},
]
EXPECTED_RESOURCES = {"arn:aws:s3:::it-public-reports", f"arn:aws:iam::{PROD}:role/partner"}
FINDING_REQUIRED = ["id", "resourceType", "condition", "createdAt", "analyzedAt", "updatedAt", "status",
                    "resourceOwnerAccount"]

class Server(harness.Server):
    """A server of its own in `work` over INVENTORY, with the clients' credentials and config files."""

    def __init__(self, binary, work):
        os.makedirs(work, exist_ok=True)
        with open(os.path.join(work, "server.toml"), "w") as f:
            f.write(CONFIG.replace("{data_dir}", os.path.join(work, "data")))
        with open(os.path.join(work, "inventory.jsonl"), "w") as f:
            f.write("\n".join(json.dumps(r) for r in INVENTORY) + "\n")
        credentials = write_credentials(os.path.join(work, "credentials"),
                                        {profile: (key, secret) for profile, (_, key, secret) in KEYS.items()})
        config = write_profiles(os.path.join(work, "config"), KEYS, REGION)
        super().__init__(binary, "--config", os.path.join(work, "server.toml"), "--inventory",
                         os.path.join(work, "inventory.jsonl"), stderr=os.path.join(work, "server.log"))
        self.env = client_environment(credentials, config, AWS_PAGER="")


class CliClient:
    """A command-line client: aws <service> <command> ... --profile P --endpoint-url E."""

    def __init__(self, name, executable, server):
        self.name, self.executable, self.server = name, executable, server

    def call(self, profile, service, command, *args):
        argv = [self.executable, service, command, *args, "--profile", profile, "--endpoint-url", self.server.endpoint,
                "--output", "json"]
        done = subprocess.run(argv, env=self.server.env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            return None, done.stderr
        return (json.loads(done.stdout) if done.stdout.strip() else {}), None

    # The flow, with the CLI's own argument syntax.
    def enable(self):
        return self.call("Mgmt", "organizations", "enable-aws-service-access", "--service-principal",
                         "access-analyzer.amazonaws.com")

    def register(self, account):
        return self.call("Mgmt", "organizations", "register-delegated-administrator", "--account-id", account,
                         "--service-principal", "access-analyzer.amazonaws.com")

    def deregister(self, account):
        return self.call("Mgmt", "organizations", "deregister-delegated-administrator", "--account-id", account,
                         "--service-principal", "access-analyzer.amazonaws.com")

    def create_analyzer(self, profile, name, type_):
        return self.call(profile, "accessanalyzer", "create-analyzer", "--analyzer-name", name, "--type", type_)

    def list_findings(self, arn, filter_json):
        return self.call("Security", "accessanalyzer", "list-findings", "--analyzer-arn", arn, "--filter", filter_json)

    def update_findings(self, arn, finding_id, status):
        return self.call("Security", "accessanalyzer", "update-findings", "--analyzer-arn", arn, "--ids", finding_id,
                         "--status", status)

    def get_finding(self, arn, finding_id):
        return self.call("Security", "accessanalyzer", "get-finding", "--analyzer-arn", arn, "--id", finding_id)

    def get_analyzer(self, name):
        return self.call("Security", "accessanalyzer", "get-analyzer", "--analyzer-name", name)

    def list_analyzers(self, type_):
        return self.call("Security", "accessanalyzer", "list-analyzers", "--type", type_)

    def tag(self, arn):
        return self.call("Security", "accessanalyzer", "tag-resource", "--resource-arn", arn, "--tags", "team=sec")

    def list_tags(self, arn):
        return self.call("Security", "accessanalyzer", "list-tags-for-resource", "--resource-arn", arn)

    def list_accounts(self):
        return self.call("Mgmt", "organizations", "list-accounts")

    def check_no_new_access(self, new_policy, existing_policy, policy_type):
        out, err = self.call("Dev", "accessanalyzer", "check-no-new-access", "--new-policy-document", new_policy,
                             "--existing-policy-document", existing_policy, "--policy-type", policy_type)
        if err is not None and "Invalid choice" in err:
            return None, None  # a CLI older than the operation (AWS CLI 2.13.39)
        return out, err

    def check_no_public_access(self, document, resource_type):
        out, err = self.call("Dev", "accessanalyzer", "check-no-public-access", "--policy-document", document,
                             "--resource-type", resource_type)
        if err is not None and "Invalid choice" in err:
            return None, None
        return out, err

    def check_access_not_granted(self, document, access, policy_type):
        out, err = self.call("Dev", "accessanalyzer", "check-access-not-granted", "--policy-document", document,
                             "--access", json.dumps(access), "--policy-type", policy_type)
        if err is not None and "Invalid choice" in err:
            return None, None
        return out, err


class Boto3Client:
    def __init__(self, server):
        import boto3
        import botocore.exceptions
        self.errors = botocore.exceptions.ClientError
        self.server = server
        os.environ.update({k: v for k, v in server.env.items() if k.startswith("AWS_")})
        self.sessions = {p: boto3.Session(profile_name=p) for p in KEYS}

    def client(self, profile, service):
        return self.sessions[profile].client(service, endpoint_url=self.server.endpoint, region_name=REGION)

    def wrap(self, profile, service, method, **kwargs):
        try:
            response = getattr(self.client(profile, service), method)(**kwargs)
        except self.errors as error:
            return None, str(error)
        response.pop("ResponseMetadata", None)
        return json.loads(json.dumps(response, default=str)), None

    def enable(self):
        return self.wrap("Mgmt", "organizations", "enable_aws_service_access",
                         ServicePrincipal="access-analyzer.amazonaws.com")

    def register(self, account):
        return self.wrap("Mgmt", "organizations", "register_delegated_administrator", AccountId=account,
                         ServicePrincipal="access-analyzer.amazonaws.com")

    def deregister(self, account):
        return self.wrap("Mgmt", "organizations", "deregister_delegated_administrator", AccountId=account,
                         ServicePrincipal="access-analyzer.amazonaws.com")

    def create_analyzer(self, profile, name, type_):
        return self.wrap(profile, "accessanalyzer", "create_analyzer", analyzerName=name, type=type_)

    def list_findings(self, arn, filter_json):
        return self.wrap("Security", "accessanalyzer", "list_findings", analyzerArn=arn, filter=json.loads(filter_json))

    def update_findings(self, arn, finding_id, status):
        return self.wrap("Security", "accessanalyzer", "update_findings", analyzerArn=arn, ids=[finding_id],
                         status=status)

    def get_finding(self, arn, finding_id):
        return self.wrap("Security", "accessanalyzer", "get_finding", analyzerArn=arn, id=finding_id)

    def get_analyzer(self, name):
        return self.wrap("Security", "accessanalyzer", "get_analyzer", analyzerName=name)

    def list_analyzers(self, type_):
        return self.wrap("Security", "accessanalyzer", "list_analyzers", type=type_)

    def tag(self, arn):
        return self.wrap("Security", "accessanalyzer", "tag_resource", resourceArn=arn, tags={"team": "sec"})

    def list_tags(self, arn):
        return self.wrap("Security", "accessanalyzer", "list_tags_for_resource", resourceArn=arn)

    def list_accounts(self):
        return self.wrap("Mgmt", "organizations", "list_accounts")

    def check_no_new_access(self, new_policy, existing_policy, policy_type):
        if not hasattr(self.client("Dev", "accessanalyzer"), "check_no_new_access"):
            return None, None  # a botocore older than the operation
        return self.wrap("Dev", "accessanalyzer", "check_no_new_access", newPolicyDocument=new_policy,
                         existingPolicyDocument=existing_policy, policyType=policy_type)

    def check_no_public_access(self, document, resource_type):
        if not hasattr(self.client("Dev", "accessanalyzer"), "check_no_public_access"):
            return None, None
        return self.wrap("Dev", "accessanalyzer", "check_no_public_access", policyDocument=document,
                         resourceType=resource_type)

    def check_access_not_granted(self, document, access, policy_type):
        if not hasattr(self.client("Dev", "accessanalyzer"), "check_access_not_granted"):
            return None, None
        return self.wrap("Dev", "accessanalyzer", "check_access_not_granted", policyDocument=document,
                         access=access, policyType=policy_type)


def run_flow(name, client, server):
    print(f"[{name}] endpoint {server.endpoint}")
    out, err = client.enable()
    check(err is None and out == {}, f"{name}: enable-aws-service-access: {err or out}")
    out, err = client.register(SECURITY)
    check(err is None and out == {}, f"{name}: register-delegated-administrator: {err or out}")
    out, err = client.register(SECURITY)
    check(err is not None and "AccountAlreadyRegisteredException" in err, f"{name}: registering twice: {err or out}")
    out, err = client.list_accounts()
    check(err is None and sorted(a["Id"] for a in out.get("Accounts", [])) == sorted([MGMT, SECURITY, DEV, PROD]),
          f"{name}: list-accounts: {err or out}")

    out, err = client.create_analyzer("Dev", "not-allowed", "ORGANIZATION")
    check(err is not None and "AccessDeniedException" in err, f"{name}: ORGANIZATION analyzer from a member: {err or out}")
    out, err = client.create_analyzer("Security", "org-analyzer", "ORGANIZATION")
    check(err is None and out == {"arn": ANALYZER_ARN}, f"{name}: create-analyzer: {err or out}")
    out, err = client.create_analyzer("Security", "org-analyzer", "ORGANIZATION")
    check(err is not None and "ConflictException" in err, f"{name}: duplicate analyzer: {err or out}")

    # The analysis runs in the background: poll until both findings are there (at most 10 s).
    findings = []
    deadline = time.time() + 10
    while time.time() < deadline:
        out, err = client.list_findings(ANALYZER_ARN, '{"status": {"eq": ["ACTIVE"]}}')
        if err is not None:
            break
        findings = out.get("findings", [])
        if {f.get("resource") for f in findings} >= EXPECTED_RESOURCES:
            break
        time.sleep(0.2)
    check(err is None, f"{name}: list-findings: {err}")
    check({f.get("resource") for f in findings} == EXPECTED_RESOURCES,
          f"{name}: findings cover {sorted(f.get('resource') for f in findings)}, expected {sorted(EXPECTED_RESOURCES)}")
    for finding in findings:
        missing = [k for k in FINDING_REQUIRED if k not in finding]
        check(not missing, f"{name}: finding {finding.get('id')} lacks {missing}")
        check(finding.get("status") == "ACTIVE", f"{name}: finding status {finding.get('status')}")
        check(isinstance(finding.get("action"), list) and finding["action"], f"{name}: finding action {finding}")
        check(isinstance(finding.get("principal"), dict), f"{name}: finding principal {finding}")
    by_resource = {f.get("resource"): f for f in findings}
    bucket = by_resource.get("arn:aws:s3:::it-public-reports", {})
    check(bucket.get("isPublic") is True and bucket.get("principal") == {"AWS": "*"} and
          bucket.get("resourceOwnerAccount") == DEV and bucket.get("resourceType") == "AWS::S3::Bucket",
          f"{name}: bucket finding {bucket}")
    role = by_resource.get(f"arn:aws:iam::{PROD}:role/partner", {})
    check(role.get("isPublic") is False and role.get("principal") == {"AWS": "999988887777"} and
          role.get("action") == ["sts:AssumeRole"] and role.get("resourceOwnerAccount") == PROD,
          f"{name}: role finding {role}")

    if bucket.get("id"):
        out, err = client.update_findings(ANALYZER_ARN, bucket["id"], "ARCHIVED")
        check(err is None and out == {}, f"{name}: update-findings: {err or out}")
        out, err = client.get_finding(ANALYZER_ARN, bucket["id"])
        check(err is None and out.get("finding", {}).get("status") == "ARCHIVED", f"{name}: get-finding: {err or out}")
        out, err = client.list_findings(ANALYZER_ARN, '{"status": {"eq": ["ACTIVE"]}}')
        check(err is None and bucket["id"] not in {f["id"] for f in out.get("findings", [])},
              f"{name}: archived finding still listed as ACTIVE")
        out, err = client.list_findings(ANALYZER_ARN, '{"status": {"eq": ["ARCHIVED"]}}')
        check(err is None and [f["id"] for f in out.get("findings", [])] == [bucket["id"]],
              f"{name}: ARCHIVED listing: {err or out}")

    out, err = client.list_analyzers("ORGANIZATION")
    analyzers = (out or {}).get("analyzers", [])
    check(err is None and [a.get("arn") for a in analyzers] == [ANALYZER_ARN] and
          all(a.get(k) for a in analyzers for k in ("arn", "name", "type", "createdAt", "status")),
          f"{name}: list-analyzers: {err or out}")
    out, err = client.list_analyzers("ACCOUNT")
    check(err is None and out.get("analyzers") == [], f"{name}: list-analyzers --type ACCOUNT: {err or out}")
    out, err = client.tag(ANALYZER_ARN)
    check(err is None, f"{name}: tag-resource (ARN in the path): {err}")
    out, err = client.list_tags(ANALYZER_ARN)
    check(err is None and out.get("tags") == {"team": "sec"}, f"{name}: list-tags-for-resource: {err or out}")

    # CheckNoNewAccess, AWS CLI's example: the updated policy adds s3:GetObjectAcl to statement 0.
    bucket_arns = ["arn:aws:s3:::it-public-reports", "arn:aws:s3:::it-public-reports/*"]
    existing = policy([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": bucket_arns}])
    updated = policy([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:ListBucket"],
                       "Resource": bucket_arns}])
    out, err = client.check_no_new_access(updated, existing, "IDENTITY_POLICY")
    if out is None and err is None:
        print(f"[{name}] not run: this client version predates CheckNoNewAccess (the other clients check it)")
    else:
        check(err is None and out == {
            "result": "FAIL", "message": "The modified permissions grant new access compared to your existing policy.",
            "reasons": [{"description": "New access in the statement with index: 0.", "statementIndex": 0}]},
            f"{name}: check-no-new-access: {err or out}")
        out, err = client.check_no_new_access(existing, updated, "IDENTITY_POLICY")
        check(err is None and out.get("result") == "PASS", f"{name}: check-no-new-access, narrower: {err or out}")
        out, err = client.check_no_new_access("{", existing, "IDENTITY_POLICY")
        check(err is not None and "InvalidParameterException" in err, f"{name}: check-no-new-access, bad JSON: {err or out}")

    # CheckNoPublicAccess: a bucket policy open to everyone fails in its statement 0; limited to one
    # VPC endpoint it passes; an unknown resource type is a validation error.
    public = policy([{"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                      "Resource": "arn:aws:s3:::it-public-reports/*"}])
    out, err = client.check_no_public_access(public, "AWS::S3::Bucket")
    if out is None and err is None:
        print(f"[{name}] not run: this client version predates CheckNoPublicAccess (the other clients check it)")
    else:
        check(err is None and out.get("result") == "FAIL" and
              [r.get("statementIndex") for r in out.get("reasons", [])] == [0] and
              out["reasons"][0].get("statementId") == "Everyone", f"{name}: check-no-public-access: {err or out}")
        private = policy([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::it-public-reports/*",
                           "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}])
        out, err = client.check_no_public_access(private, "AWS::S3::Bucket")
        check(err is None and out.get("result") == "PASS" and out.get("reasons") == [],
              f"{name}: check-no-public-access, one VPC endpoint: {err or out}")
        out, err = client.check_no_public_access(public, "AWS::Not::AType")
        check(err is not None and ("ValidationException" in err or "Invalid" in err or "not" in err),
              f"{name}: check-no-public-access, unknown type: {err or out}")

    # CheckAccessNotGranted: an identity policy that allows s3:GetObject fails for it, passes for
    # s3:PutObject.
    reader = policy([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::it-public-reports/*"}])
    out, err = client.check_access_not_granted(reader, [{"actions": ["s3:GetObject"]}], "IDENTITY_POLICY")
    if out is None and err is None:
        print(f"[{name}] not run: this client version predates CheckAccessNotGranted (the other clients check it)")
    else:
        check(err is None and out.get("result") == "FAIL" and
              [r.get("statementIndex") for r in out.get("reasons", [])] == [0],
              f"{name}: check-access-not-granted: {err or out}")
        out, err = client.check_access_not_granted(reader, [{"actions": ["s3:PutObject"]}], "IDENTITY_POLICY")
        check(err is None and out.get("result") == "PASS", f"{name}: check-access-not-granted, other action: {err or out}")

    out, err = client.deregister(SECURITY)
    check(err is None, f"{name}: deregister-delegated-administrator: {err}")
    out, err = client.get_analyzer("org-analyzer")
    analyzer = (out or {}).get("analyzer", {})
    check(err is None and analyzer.get("status") == "DISABLED" and
          analyzer.get("statusReason") == {"code": "DELEGATED_ADMINISTRATOR_DEREGISTERED"},
          f"{name}: analyzer after deregistration: {err or out}")


def raw_request(endpoint, path, headers):
    request = urllib.request.Request(endpoint + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def run_refusals(server):
    status, headers, body = raw_request(server.endpoint, "/analyzer", {})
    check(status == 403 and headers.get("x-amzn-ErrorType") == "MissingAuthenticationTokenException" and
          "message" in json.loads(body), f"unsigned request: {status} {headers} {body}")
    now = time.gmtime()
    status, headers, body = raw_request(server.endpoint, "/analyzer", {
        "Authorization": f"AWS4-HMAC-SHA256 Credential=AKIAUNKNOWN000000000/{time.strftime('%Y%m%d', now)}/"
                         "us-east-1/access-analyzer/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", now)})
    check(status == 403 and headers.get("x-amzn-ErrorType") == "UnrecognizedClientException",
          f"unknown key: {status} {headers} {body}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    clients = []
    missing = []
    if os.access("/usr/bin/aws", os.X_OK):
        clients.append(("aws-cli-v2", "/usr/bin/aws"))
    else:
        missing.append("/usr/bin/aws (AWS CLI v2)")
    v1 = None
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, "aws")
        if os.access(candidate, os.X_OK):
            version = subprocess.run([candidate, "--version"], capture_output=True, text=True)
            if (version.stdout + version.stderr).startswith("aws-cli/1."):
                v1 = candidate
                break
    if v1:
        clients.append(("aws-cli-v1", v1))
    else:
        print("not run: no AWS CLI v1 on PATH (optional: scripts/setup.sh does not install it)")
    try:
        import boto3  # noqa: F401
        clients.append(("boto3", None))
    except ImportError:
        missing.append(f"boto3 (not importable by {sys.executable})")
    if missing:
        print("FAIL: missing " + ", ".join(missing) + ": run scripts/setup.sh")
        return 1

    with tempfile.TemporaryDirectory(prefix="perimeter-it-") as work:
        for name, executable in clients:
            server = Server(binary, os.path.join(work, name))
            try:
                client = Boto3Client(server) if executable is None else CliClient(name, executable, server)
                run_flow(name, client, server)
                if name == clients[0][0]:
                    run_refusals(server)
            finally:
                server.stop()
            if failures:
                print(f"[{name}] server log:\n" + server.log_tail())
                break
    return finish("ok: " + ", ".join(name for name, _ in clients))


if __name__ == "__main__":
    sys.exit(main())
