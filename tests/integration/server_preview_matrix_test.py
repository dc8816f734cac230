#!/usr/bin/env python3
"""Access previews of every configuration type against `perimeter serve`, with the call sequence of
cfn-policy-validator's `validate` (awslabs/aws-cloudformation-iam-policy-validator,
cfn_policy_validator/validation/validator.py; docs/previews.md, docs/server.md):

  sts get_caller_identity -> accessanalyzer list_analyzers(type=ACCOUNT) -> create_analyzer (none ACTIVE)
  -> iam get_policy, get_policy_version of an AWS managed policy a role names (the table Perimeter ships)
  -> validate_policy (paginator) -> create_access_preview -> get_access_preview (polled until not CREATING)
  -> list_access_preview_findings (paginator), and s3 list_buckets for the owner's canonical id of the
  bucket ACL grants.

One server, its inventory imported once at start: for each of the fourteen types of the Configuration
union, a resource shared with KEEP, ARCH (an archive rule archives it), GONE, BACK and OLD; after the
analyzer has its findings, one import (`perimeter import`) takes BACK's and OLD's access away, so their
findings are RESOLVED.
Then each resource's proposed configuration shares it with KEEP, ARCH, BACK, NEWP and ARCH2 (archived by
the rule too), and the preview's findings must be, every field asserted (AccessPreviewFinding in the
Access Analyzer API reference: changeType "New - the finding is for newly-introduced access. Unchanged -
the preview finding is an existing finding that would remain unchanged. Changed - the preview finding is
an existing finding with a change in status. For example, a Changed finding with preview status Resolved
and existing status Active indicates the existing Active finding would become Resolved"):

  KEEP   UNCHANGED  ACTIVE    existing ACTIVE      (unchanged)
  ARCH   UNCHANGED  ARCHIVED  existing ARCHIVED    (an archived existing finding)
  GONE   CHANGED    RESOLVED  existing ACTIVE      (removed: AWS shows the existing finding resolved)
  BACK   CHANGED    ACTIVE    existing RESOLVED    (changed: resolved access granted again)
  NEWP   NEW        ACTIVE    -                    (added)
  ARCH2  NEW        ARCHIVED  -                    (added, archived by the rule)

and nothing for OLD, whose access is absent before and after (its finding stays RESOLVED). S3 besides: ACL grants (the owner's FULL_CONTROL by the
canonical id ListBuckets answers: no finding; AllUsers READ: public), Block Public Access set on a public
bucket (its finding CHANGED to RESOLVED), and cfn-policy-validator's access point previews (a bucket
delegating to its access points): another account granted by the access point policy is a finding with
either network origin (a VPC origin adds aws:SourceVpc), a public access point policy none (S3 turns on
every Block Public Access setting of a new access point). KMS: the NEWP finding comes from a grant with
an encryption-context constraint; its condition is empty (the constraint is not shown in it).

Clients: boto3 of /usr/bin/python3 (endpoint_url) for the types its model has; pip's boto3 (the python3 on
PATH, AWS_ENDPOINT_URL) for all fourteen when present; Debian's AWS CLI v2 (--endpoint-url) for one
preview. The analyzer's own findings are never changed by the previews.

Usage: server_preview_matrix_test.py PATH/TO/perimeter
"""
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from perimeter_harness import check, client_environment, finish, serving, write_credentials, write_inventory

ACCOUNT = "111122223333"
KEY, SECRET = "AKIAITESTMATRIX00001", "matrix-test-secret-0000000000000000000000"
REGION = "us-east-1"
KEEP, ARCH, GONE, BACK, NEWP, ARCH2, OLD = ("999988887777", "777788889999", "555566667777", "222233334444",
                                            "444455556666", "666677778888", "333344445555")
CURRENT = [KEEP, ARCH, GONE, BACK, OLD]  # the inventory at start
AFTER_IMPORT = [KEEP, ARCH, GONE]        # BACK's and OLD's access taken away by the import
PROPOSED = [KEEP, ARCH, BACK, NEWP, ARCH2]
EXPECTED = {  # principal -> (changeType, status, existingFindingStatus or None)
    KEEP: ("UNCHANGED", "ACTIVE", "ACTIVE"),
    ARCH: ("UNCHANGED", "ARCHIVED", "ARCHIVED"),
    GONE: ("CHANGED", "RESOLVED", "ACTIVE"),
    BACK: ("CHANGED", "ACTIVE", "RESOLVED"),
    NEWP: ("NEW", "ACTIVE", None),
    ARCH2: ("NEW", "ARCHIVED", None),
}
OWNER_CANONICAL_ID = hashlib.sha256(f"perimeter-canonical-user:{ACCOUNT}".encode()).hexdigest()
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def policy(accounts, action, resource="*"):
    """A policy granting `accounts` `action`; a trust policy (resource None) has no Resource element."""
    statement = {"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]},
                 "Action": action}
    if resource is not None:
        statement["Resource"] = resource
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/it-matrix"
STREAM = f"{TABLE}/stream/2024-01-01T00:00:00.000"
EXPRESS = f"arn:aws:s3express:{REGION}:{ACCOUNT}:bucket/it-matrix--use1-az4--x-s3"
KMS_CONTEXT = {"encryptionContextEquals": {"app": "it"}}

# member -> (resource ARN, AWS resource type, the finding's actions, configuration(accounts)). Every
# configuration grants each account one action; KMS: the key policy, and NEWP by a grant with a constraint.
TYPES = {
    "s3Bucket": ("arn:aws:s3:::it-matrix-bucket", "AWS::S3::Bucket", ["s3:GetObject"],
                 lambda a: {"bucketPolicy": policy(a, "s3:GetObject", "arn:aws:s3:::it-matrix-bucket/*")}),
    "s3ExpressDirectoryBucket": (EXPRESS, "AWS::S3Express::DirectoryBucket", ["s3express:CreateSession"],
                                 lambda a: {"bucketPolicy": policy(a, "s3express:CreateSession", EXPRESS)}),
    "iamRole": (f"arn:aws:iam::{ACCOUNT}:role/it-matrix", "AWS::IAM::Role", ["sts:AssumeRole"],
                lambda a: {"trustPolicy": policy(a, "sts:AssumeRole", None)}),
    "kmsKey": (f"arn:aws:kms:{REGION}:{ACCOUNT}:key/it-matrix", "AWS::KMS::Key", ["kms:Decrypt"],
               lambda a: {"keyPolicies": {"default": policy([x for x in a if x != NEWP], "kms:Decrypt")},
                          **({"grants": [{"operations": ["Decrypt"], "granteePrincipal": f"arn:aws:iam::{NEWP}:root",
                                          "issuingAccount": ACCOUNT, "constraints": KMS_CONTEXT}]}
                             if NEWP in a else {})}),
    "sqsQueue": (f"arn:aws:sqs:{REGION}:{ACCOUNT}:it-matrix", "AWS::SQS::Queue", ["sqs:SendMessage"],
                 lambda a: {"queuePolicy": policy(a, "sqs:SendMessage")}),
    "snsTopic": (f"arn:aws:sns:{REGION}:{ACCOUNT}:it-matrix", "AWS::SNS::Topic", ["sns:Publish"],
                 lambda a: {"topicPolicy": policy(a, "sns:Publish")}),
    "secretsManagerSecret": (f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:it-matrix-AbCdEf",
                             "AWS::SecretsManager::Secret", ["secretsmanager:GetSecretValue"],
                             lambda a: {"secretPolicy": policy(a, "secretsmanager:GetSecretValue")}),
    "ecrRepository": (f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/it-matrix", "AWS::ECR::Repository",
                      ["ecr:BatchGetImage"], lambda a: {"repositoryPolicy": policy(a, "ecr:BatchGetImage")}),
    "efsFileSystem": (f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-0123456789abcdef0",
                      "AWS::EFS::FileSystem", ["elasticfilesystem:ClientMount"],
                      lambda a: {"fileSystemPolicy": policy(a, "elasticfilesystem:ClientMount")}),
    "ebsSnapshot": (f"arn:aws:ec2:{REGION}:{ACCOUNT}:snapshot/snap-0123456789abcdef0", "AWS::EC2::Snapshot",
                    None, lambda a: {"userIds": list(a)}),
    "rdsDbSnapshot": (f"arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:it-matrix", "AWS::RDS::DBSnapshot", None,
                      lambda a: {"attributes": {"restore": {"accountIds": list(a)}}}),
    "rdsDbClusterSnapshot": (f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster-snapshot:it-matrix",
                             "AWS::RDS::DBClusterSnapshot", None,
                             lambda a: {"attributes": {"restore": {"accountIds": list(a)}}}),
    "dynamodbTable": (TABLE, "AWS::DynamoDB::Table", ["dynamodb:GetItem"],
                      lambda a: {"tablePolicy": policy(a, "dynamodb:GetItem", TABLE)}),
    "dynamodbStream": (STREAM, "AWS::DynamoDB::Stream", ["dynamodb:GetRecords"],
                       lambda a: {"streamPolicy": policy(a, "dynamodb:GetRecords", STREAM)}),
}

# S3 besides the policy: (bucket, current s3Bucket, proposed s3Bucket, expected preview findings as
# (principal, changeType, status, existingFindingStatus or None, isPublic)).
PUBLIC_READ = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::it-matrix-bpa/*"}]})
S3_CASES = {
    # cfn-policy-validator's AccessControl: PublicRead (the owner's grant by ListBuckets' Owner.ID).
    "acl": ("arn:aws:s3:::it-matrix-acl",
            {"bucketAclGrants": [{"grantee": {"id": OWNER_CANONICAL_ID}, "permission": "FULL_CONTROL"}]},
            {"bucketAclGrants": [{"grantee": {"id": OWNER_CANONICAL_ID}, "permission": "FULL_CONTROL"},
                                 {"grantee": {"uri": ALL_USERS}, "permission": "READ"}]},
            [("*", "NEW", "ACTIVE", None, True)]),
    # Block Public Access on a public bucket: its finding resolved.
    "bpa": ("arn:aws:s3:::it-matrix-bpa", {"bucketPolicy": PUBLIC_READ},
            {"bucketPublicAccessBlock": {"ignorePublicAcls": True, "restrictPublicBuckets": True}},
            [("*", "CHANGED", "RESOLVED", "ACTIVE", True)]),
}


def access_point_configuration(bucket, name, public, vpc):
    """cfn-policy-validator's S3SingleRegionAccessPointPreviewBuilder: a bucket that delegates to its
    account's access points, and the access point with its policy and network origin."""
    bucket_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
         "Condition": {"StringEquals": {"s3:DataAccessPointAccount": ACCOUNT}}}]})
    point = f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{name}"
    point_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*" if public else {"AWS": f"arn:aws:iam::{NEWP}:root"},
         "Action": "s3:GetObject", "Resource": f"{point}/object/*"}]})
    origin = {"vpcConfiguration": {"vpcId": "vpc-0123456789abcdef0"}} if vpc else {"internetConfiguration": {}}
    return {f"arn:aws:s3:::{bucket}": {"s3Bucket": {
        "accessPoints": {point: {"accessPointPolicy": point_policy, "networkOrigin": origin}},
        "bucketPolicy": bucket_policy}}}


def inventory(accounts):
    records = [{"kind": "resource", "resourceArn": arn, "resourceOwnerAccount": ACCOUNT,
                **({"region": REGION} if member != "iamRole" else {}), "configuration": {member: build(accounts)}}
               for member, (arn, _, _, build) in TYPES.items()]
    records += [{"kind": "resource", "resourceArn": arn, "resourceOwnerAccount": ACCOUNT, "region": REGION,
                 "configuration": {"s3Bucket": current}} for arn, current, _, _ in S3_CASES.values()]
    return records


# The client side, run by each interpreter under test: argv = ENDPOINT STATE.json, where STATE holds the
# analyzer ARN and its findings {resource ARN: {principal: [id, status]}}; prints one JSON line per check
# failure and a last line {"done": [members previewed], "skipped": [...]}.
CLIENT = r'''
import datetime, json, os, sys, time
import boto3

endpoint, state_path, matrix_path = sys.argv[1:4]
kw = {} if os.environ.get("AWS_ENDPOINT_URL") else {"endpoint_url": endpoint}
with open(state_path) as f:
    state = json.load(f)
with open(matrix_path) as f:
    matrix = json.load(f)
failures = []

def check(condition, message):
    if not condition:
        failures.append(message)
    return condition

identity = boto3.client("sts", **kw).get_caller_identity()
account, partition = identity["Account"], identity["Arn"].split(":")[1]
check(account == state["account"] and partition == "aws", f"get_caller_identity: {identity}")
owner = boto3.client("s3", **kw).list_buckets()["Owner"]["ID"]
check(owner == state["owner_canonical_id"], f"list_buckets Owner.ID: {owner}")
client = boto3.client("accessanalyzer", **kw)
analyzers = client.list_analyzers(type="ACCOUNT")["analyzers"]
active = [a["arn"] for a in analyzers if a["status"] == "ACTIVE"]
check(active[:1] == [state["analyzer"]], f"list_analyzers(type=ACCOUNT): {analyzers}")
arn = state["analyzer"]
# A role's ManagedPolicyArns entry the template does not define (cfn's ManagedPolicyParser): the policy,
# its default version, then ValidatePolicy of the document as an identity policy.
iam = boto3.client("iam", **kw)
managed = iam.get_policy(PolicyArn=state["managed_policy"])["Policy"]
check(managed["Arn"] == state["managed_policy"] and managed["Path"] == "/service-role/" and
      managed["DefaultVersionId"].startswith("v"), f"iam get_policy: {managed}")
document = iam.get_policy_version(PolicyArn=state["managed_policy"],
                                  VersionId=managed["DefaultVersionId"])["PolicyVersion"]["Document"]
check(isinstance(document, dict) and document.get("Version") == "2012-10-17", f"get_policy_version: {document}")
validated = [f for page in client.get_paginator("validate_policy").paginate(
                 policyDocument=json.dumps(document), policyType="IDENTITY_POLICY") for f in page["findings"]]
check(validated == [], f"validate_policy of {state['managed_policy']}: {validated}")
known = client.meta.service_model.shape_for("Configuration").members
finding_members = client.meta.service_model.shape_for("AccessPreviewFinding").members
own = state["findings"]
done, skipped = [], []

def wait(preview_id):
    for _ in range(150):
        preview = client.get_access_preview(accessPreviewId=preview_id, analyzerArn=arn)["accessPreview"]
        if preview["status"] != "CREATING":
            return preview
        time.sleep(0.1)
    return preview

def when(value):
    return value.astimezone(datetime.timezone.utc).isoformat() if isinstance(value, datetime.datetime) else value

for case in matrix:
    label, configurations, expected = case["label"], case["configurations"], case["expected"]
    members = {next(iter(c)) for c in configurations.values()}
    if not members <= set(known):
        skipped.append(label)
        continue
    validated = [f for page in client.get_paginator("validate_policy").paginate(
                     policyDocument=case["validate"], policyType="RESOURCE_POLICY") for f in page["findings"]]
    check(all(f["findingType"] != "ERROR" for f in validated), f"{label}: validate_policy: {validated}")
    preview_id = client.create_access_preview(analyzerArn=arn, configurations=configurations)["id"]
    preview = wait(preview_id)
    if not check(preview["status"] == "COMPLETED" and "statusReason" not in preview, f"{label}: {preview}"):
        continue
    check(preview["id"] == preview_id and preview["analyzerArn"] == arn and
          set(preview["configurations"]) == set(configurations), f"{label}: get_access_preview shape: {preview}")
    pages = list(client.get_paginator("list_access_preview_findings").paginate(
        accessPreviewId=preview_id, analyzerArn=arn, PaginationConfig={"PageSize": 2}))
    check(all(len(p["findings"]) <= 2 for p in pages), f"{label}: a page holds more than maxResults")
    found = [f for p in pages for f in p["findings"]]
    ids = [f["id"] for f in found]
    check(len(set(ids)) == len(ids), f"{label}: preview finding ids repeat: {ids}")
    by_principal = {}
    for f in found:
        by_principal.setdefault(json.dumps(f.get("principal"), sort_keys=True), []).append(f)
    check(sorted(by_principal) == sorted(json.dumps(e["principal"], sort_keys=True) for e in expected),
          f"{label}: principals {sorted(by_principal)} != {[e['principal'] for e in expected]}")
    for e in expected:
        key = json.dumps(e["principal"], sort_keys=True)
        got = by_principal.get(key, [])
        if not check(len(got) == 1, f"{label} {key}: {len(got)} findings: {got}"):
            continue
        f = dict(got[0])
        f["createdAt"] = when(f.get("createdAt"))
        existing = own.get(e["resource"], {}).get(key)
        want = {"id": f["id"], "principal": e["principal"], "action": e["action"], "condition": e["condition"],
                "resource": e["resource"], "isPublic": e["isPublic"], "resourceType": e["resourceType"],
                "createdAt": when(preview["createdAt"]), "changeType": e["changeType"], "status": e["status"],
                "resourceOwnerAccount": state["account"]}
        if e["sources"] is not None:
            want["sources"] = e["sources"]
        if "resourceControlPolicyRestriction" in finding_members:
            # No resource control policy applies: the account is in no organization.
            want["resourceControlPolicyRestriction"] = "NOT_APPLICABLE"
        if e["existingStatus"] is not None:
            want["existingFindingId"] = existing[0] if existing else "(no analyzer finding)"
            want["existingFindingStatus"] = e["existingStatus"]
            check(existing is not None and existing[1] == e["existingStatus"],
                  f"{label} {key}: the analyzer's finding: {existing}")
        check(f["id"] not in {i for r in own.values() for i, _ in r.values()},
              f"{label} {key}: a preview finding id is the analyzer's")
        check(f == want, f"{label} {key}:\n   got  {json.dumps(f, sort_keys=True, default=str)}\n"
                         f"   want {json.dumps(want, sort_keys=True)}")
    done.append(label)
for failure in failures:
    print(json.dumps({"failure": failure}))
print(json.dumps({"done": done, "skipped": skipped}))
'''


def principal_key(principal):
    return json.dumps(principal, sort_keys=True)


def matrix():
    """The previews to make, in the CLIENT's format."""
    cases = []
    for member, (arn, resource_type, actions, build) in TYPES.items():
        expected = []
        for account, (change, status, existing) in EXPECTED.items():
            finding_actions = actions
            if member == "ebsSnapshot":
                finding_actions = ["ec2:CopySnapshot", "ec2:CreateVolume"]
            elif member in ("rdsDbSnapshot", "rdsDbClusterSnapshot"):
                finding_actions = ["rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"] \
                    if member == "rdsDbSnapshot" else ["rds:CopyDBClusterSnapshot", "rds:RestoreDBClusterFromSnapshot"]
            expected.append({"principal": {"AWS": account}, "resource": arn, "resourceType": resource_type,
                             "action": finding_actions, "isPublic": False,
                             "condition": {},
                             "sources": [{"type": "POLICY"}] if member == "s3Bucket" else None,
                             "changeType": change, "status": status, "existingStatus": existing})
        configuration = build(PROPOSED)
        validate = next((v for v in configuration.values() if isinstance(v, str)),
                        policy(PROPOSED, "s3:GetObject"))
        if member == "kmsKey":
            validate = configuration["keyPolicies"]["default"]
        cases.append({"label": member, "configurations": {arn: {member: configuration}}, "expected": expected,
                      "validate": validate})
    for name, (arn, _, proposed, findings) in S3_CASES.items():
        cases.append({"label": f"s3Bucket {name}", "configurations": {arn: {"s3Bucket": proposed}},
                      "validate": PUBLIC_READ, "expected": [
                          {"principal": {"AWS": p}, "resource": arn, "resourceType": "AWS::S3::Bucket",
                           "action": ["s3:GetObject"] if name == "bpa" else
                           ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"], "isPublic": public,
                           "condition": {}, "sources": [{"type": "POLICY" if name == "bpa" else "BUCKET_ACL"}],
                           "changeType": c, "status": s, "existingStatus": x}
                          for p, c, s, x, public in findings]})
    # cfn-policy-validator's access point previews (its tests, recorded against AWS, expect a finding for
    # an account outside the zone with either network origin). A VPC origin adds the aws:SourceVpc
    # condition; a public access point policy gives nothing, as S3 enables all Block Public Access settings
    # of a new access point by default (S3 User Guide, "Managing public access to access points").
    for label, public, vpc in (("internet", False, False), ("vpc", False, True), ("public", True, False)):
        bucket = f"it-matrix-ap-{label}"
        point = f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{bucket}-point"
        configurations = access_point_configuration(bucket, f"{bucket}-point", public, vpc)
        expected = [] if public else [
            {"principal": {"AWS": NEWP}, "resource": f"arn:aws:s3:::{bucket}", "resourceType": "AWS::S3::Bucket",
             "action": ["s3:GetObject"], "isPublic": False,
             "condition": {"aws:SourceVpc": "vpc-0123456789abcdef0"} if vpc else {},
             "sources": [{"type": "S3_ACCESS_POINT", "detail": {"accessPointArn": point}}],
             "changeType": "NEW", "status": "ACTIVE", "existingStatus": None}]
        cases.append({"label": f"s3Bucket access point {label}", "configurations": configurations,
                      "expected": expected,
                      "validate": configurations[f"arn:aws:s3:::{bucket}"]["s3Bucket"]["bucketPolicy"]})
    return cases


CONFIG = f"""
listen = "127.0.0.1:0"
periodic_scan = "24h"

[[accounts]]
id = "{ACCOUNT}"
name = "Main"
regions = ["{REGION}"]

[[credentials]]
access_key_id = "{KEY}"
secret_access_key = "{SECRET}"
account = "{ACCOUNT}"
principal = "arn:aws:iam::{ACCOUNT}:user/pipeline"
"""


def run_client(name, python, endpoint, env, state_path, matrix_path, use_env_endpoint, expect_all):
    env = dict(env)
    if use_env_endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    done = subprocess.run([python, "-c", CLIENT, endpoint, state_path, matrix_path], env=env,
                          capture_output=True, text=True, timeout=240)
    if not check(done.returncode == 0, f"{name}: exit {done.returncode}: {done.stderr.strip()[-3000:]}"):
        return
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    for line in lines[:-1]:
        check(False, f"{name}: {line['failure']}")
    summary = lines[-1]
    print(f"[{name}] previewed {len(summary['done'])}: {', '.join(summary['done'])}")
    if summary["skipped"]:
        print(f"[{name}] not in this client's model: {', '.join(summary['skipped'])}")
    if expect_all:
        check(not summary["skipped"], f"{name}: skipped {summary['skipped']}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    try:
        import boto3
    except ImportError:
        print(f"FAIL: boto3 is not importable by {sys.executable}: run scripts/setup.sh")
        return 1
    check(os.access("/usr/bin/aws", os.X_OK), "AWS CLI v2 (/usr/bin/aws) is missing: run scripts/setup.sh")
    with tempfile.TemporaryDirectory(prefix="perimeter-preview-matrix-") as work:
        with open(os.path.join(work, "server.toml"), "w") as f:
            f.write(CONFIG)
        start = write_inventory(os.path.join(work, "inventory.jsonl"), inventory(CURRENT))
        credentials = write_credentials(os.path.join(work, "credentials"), {"Main": (KEY, SECRET)})
        env = client_environment(credentials, os.path.join(work, "no-config"), AWS_PROFILE="Main",
                                 AWS_DEFAULT_REGION=REGION, AWS_PAGER="")
        os.environ.clear()
        os.environ.update(env)
        with serving(binary, "--ephemeral", "--config", os.path.join(work, "server.toml"), "--inventory", start,
                     log=os.path.join(work, "server.log")) as server:
            run(binary, server.endpoint, work, env, boto3)
    return finish()


def run(binary, endpoint, work, env, boto3):
    client = boto3.client("accessanalyzer", endpoint_url=endpoint, region_name=REGION)
    # cfn-policy-validator's _try_create_analyzer: the first ACTIVE ACCOUNT analyzer, else a new one.
    check(client.list_analyzers(type="ACCOUNT")["analyzers"] == [], "no analyzer at start")
    arn = client.create_analyzer(analyzerName="AnalyzerCreatedByCfnIAMPolicyValidator", type="ACCOUNT")["arn"]
    client.create_archive_rule(analyzerName="AnalyzerCreatedByCfnIAMPolicyValidator", ruleName="partners",
                               filter={"principal.AWS": {"eq": [ARCH, ARCH2]}})

    def own_findings():
        pages = client.get_paginator("list_findings").paginate(analyzerArn=arn)
        return [f for page in pages for f in page["findings"]]

    def settle(count, status_of_back):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = own_findings()
            back = [f for f in found if f.get("principal", {}).get("AWS") in (BACK, OLD)]
            if len(found) >= count and all(f["status"] == status_of_back for f in back):
                return found
            time.sleep(0.1)
        return own_findings()

    # 5 principals x 14 types, and the public BPA bucket.
    per_type = len(CURRENT) * len(TYPES) + 1
    settle(per_type, "ACTIVE")
    client.apply_archive_rule(analyzerArn=arn, ruleName="partners")
    # The one import: BACK's access taken away from every resource.
    changed = write_inventory(os.path.join(work, "import.jsonl"),
                              [r for r in inventory(AFTER_IMPORT) if "s3Bucket" not in r["configuration"] or
                               r["resourceArn"] == TYPES["s3Bucket"][0]])
    done = subprocess.run([binary, "import", changed, "--endpoint-url", endpoint], capture_output=True, text=True,
                          timeout=60, env=env)
    check(done.returncode == 0, f"perimeter import: exit {done.returncode}: {done.stderr}")
    found = settle(per_type, "RESOLVED")
    findings = {}
    for f in found:
        findings.setdefault(f["resource"], {})[principal_key(f.get("principal"))] = [f["id"], f["status"]]
    statuses = sorted(f["status"] for f in found)
    check(statuses.count("ARCHIVED") == len(TYPES) and statuses.count("RESOLVED") == 2 * len(TYPES) and
          statuses.count("ACTIVE") == 2 * len(TYPES) + 1, f"the analyzer's findings: {statuses}")
    state_path = os.path.join(work, "state.json")
    with open(state_path, "w") as f:
        json.dump({"account": ACCOUNT, "analyzer": arn, "findings": findings,
                   "owner_canonical_id": OWNER_CANONICAL_ID,
                   "managed_policy": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}, f)
    matrix_path = os.path.join(work, "matrix.json")
    with open(matrix_path, "w") as f:
        json.dump(matrix(), f)

    run_client("system-boto3", "/usr/bin/python3", endpoint, env, state_path, matrix_path,
               use_env_endpoint=False, expect_all=False)
    pip_python = shutil.which("python3")
    if pip_python and os.path.realpath(pip_python) != os.path.realpath("/usr/bin/python3") and \
            subprocess.run([pip_python, "-c", "import boto3"], capture_output=True).returncode == 0:
        run_client("pip-boto3", pip_python, endpoint, env, state_path, matrix_path, use_env_endpoint=True,
                   expect_all=True)
    else:
        print("[pip-boto3] not run: no python3 with boto3 on PATH other than /usr/bin/python3")

    # AWS CLI v2: the role's preview, its findings filtered as ListFindings' filter.
    if os.access("/usr/bin/aws", os.X_OK):
        role_arn, _, _, build = TYPES["iamRole"]
        path = os.path.join(work, "role.json")
        with open(path, "w") as f:
            json.dump({role_arn: {"iamRole": build(PROPOSED)}}, f)

        def cli(*args):
            done = subprocess.run(["/usr/bin/aws", "accessanalyzer", *args, "--endpoint-url", endpoint,
                                   "--output", "json"], capture_output=True, text=True, timeout=60, env=env)
            check(done.returncode == 0, f"aws {args[0]}: exit {done.returncode}: {done.stderr}")
            return json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else {}

        preview_id = cli("create-access-preview", "--analyzer-arn", arn, "--configurations", f"file://{path}")["id"]
        # Listed at once: the preview is COMPLETED when CreateAccessPreview answers (else ConflictException).
        listed = cli("list-access-preview-findings", "--analyzer-arn", arn, "--access-preview-id", preview_id,
                     "--filter", json.dumps({"status": {"eq": ["RESOLVED", "ARCHIVED"]}}), "--page-size", "1")
        lines = sorted((f["principal"]["AWS"], f["changeType"], f["status"], f.get("existingFindingStatus"))
                       for f in listed.get("findings", []))
        check(lines == sorted([(GONE, "CHANGED", "RESOLVED", "ACTIVE"), (ARCH, "UNCHANGED", "ARCHIVED", "ARCHIVED"),
                               (ARCH2, "NEW", "ARCHIVED", None)]),
              f"aws list-access-preview-findings --filter status=RESOLVED,ARCHIVED: {lines}")

    after = {f["id"]: f["status"] for f in own_findings()}
    check(after == {i: s for r in findings.values() for i, s in r.values()}, "the analyzer's findings changed")


if __name__ == "__main__":
    sys.exit(main())
