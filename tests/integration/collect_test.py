#!/usr/bin/env python3
"""`perimeter collect` against a fake AWS endpoint (fake_aws.py) answering in each service's wire format.

Checks:
  - organization mode: the organization record with OU paths, account records (ListRegions, and the
    DescribeRegions fallback for the member account that may not call ListRegions), one record per resource of
    every type, in both regions, through every page of every list;
  - throttling (ThrottlingException, Throttling, 503) retried to success: nothing is missing;
  - AccessDenied and a malformed answer are collectionError records (never a crash, never a gap), counted in the
    summary; exit status 1;
  - the inventory analyzed end to end (`perimeter analyze --zone-org`) gives the expected findings, and reports
    the collection errors (exit 2);
  - --account mode reads the caller's account only; an unreachable endpoint is exit 2;
  - model check: every request names an existing operation of its service's botocore model (the copy Debian's
    awscli ships), in the model's protocol, with the operation's required parameters;
  - least privilege: every request is authorized by an action of the policy in docs/collect.md;
  - the Organizations calls (OU paths by ListParents) and sts:AssumeRole against `perimeter serve`, whose
    temporary keys it accepts with their session token only.

Usage: collect_test.py PATH/TO/perimeter
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_aws  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "..", "..", "docs", "collect.md")
MODEL_ROOTS = ["/usr/lib/python3/dist-packages/botocore/data", "/usr/lib/python3/dist-packages/awscli/botocore/data"]

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("  FAIL:", message)
    return condition


def environment(home, port, **extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "AWS_ACCESS_KEY_ID": "AKIAFAKEMGMT00000001",
           "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    env.update(extra)
    return env


def collect(binary, env, *args):
    result = subprocess.run([binary, "collect", *args], env=env, capture_output=True, text=True, timeout=300)
    return result


def records(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]


# ---- the model check

def model_roots():
    roots = list(MODEL_ROOTS)
    try:  # the botocore this Python imports, when it is another (newer) copy
        import botocore
        roots.insert(0, os.path.join(os.path.dirname(botocore.__file__), "data"))
    except ImportError:
        pass
    return roots


def load_models(name):
    """Every copy of the service's model on the machine, newest first."""
    found = []
    for root in model_roots():
        folder = os.path.join(root, name)
        if os.path.isdir(folder):
            version = sorted(os.listdir(folder))[-1]
            with open(os.path.join(folder, version, "service-2.json")) as handle:
                found.append(json.load(handle))
    if not found:
        raise SystemExit(f"no botocore model of {name} under {model_roots()}")
    return found


MODELS = {}


def models(name):
    if name not in MODELS:
        MODELS[name] = load_models(name)
    return MODELS[name]


# Operations newer than Debian's botocore models (1.29, December 2022), checked by hand against the AWS API
# references: the request's form (method, URI or JSON target) and required members, as a model would give them.
NEWER_THAN_MODELS = {
    # Account Management API Reference, "ListRegions" (September 2023): POST /listRegions, REST-JSON.
    ("account", "ListRegions"): {"method": "POST", "path": "/listRegions", "required": []},
    # Amazon DynamoDB API Reference, "GetResourcePolicy" (March 2024): JSON 1.0, ResourceArn required.
    ("dynamodb", "GetResourcePolicy"): {"required": ["ResourceArn"]},
    # Amazon S3 API Reference, "ListDirectoryBuckets" (November 2023): GET /?x-id=ListDirectoryBuckets.
    ("s3", "ListDirectoryBuckets"): {"method": "GET", "path": "/", "x-id": "ListDirectoryBuckets", "required": []},
    # Amazon S3 API Reference, "ListAccessPointsForDirectoryBuckets" (2025): S3 Control's
    # GET /v20180820/accesspointfordirectory with x-amz-account-id.
    ("s3control", "ListAccessPointsForDirectoryBuckets"): {"method": "GET", "path": "/v20180820/accesspointfordirectory",
                                                           "required": []},
}


def model_name(request):
    service = request["service"]
    if service == "s3":
        return "s3control" if request["path"].startswith("/v20180820/") else "s3"
    if service == "s3express":  # directory buckets are S3's and S3 Control's APIs at another endpoint
        return "s3control" if request["path"].startswith("/v20180820/") else "s3"
    if service == "dynamodb":
        target = request["headers"].get("x-amz-target", "")
        return "dynamodbstreams" if target.startswith("DynamoDBStreams") else "dynamodb"
    return {"elasticfilesystem": "efs"}.get(service, service)


def required_members(m, operation):
    shape_name = m["operations"][operation].get("input", {}).get("shape")
    if not shape_name:
        return {}
    shape = m["shapes"][shape_name]
    return {name: shape["members"][name] for name in shape.get("required", [])}


def rest_operation(m, request):
    """The operation of a REST request: method and requestUri match, the literal query keys of the URI
    present; the most specific URI wins."""
    query = urllib.parse.parse_qs(request["query"], keep_blank_values=True)
    best, best_score = None, -1
    for name, op in m["operations"].items():
        http = op["http"]
        if http["method"] != request["method"]:
            continue
        uri = http["requestUri"]
        path, _, literal_query = uri.partition("?")
        pattern = "^" + re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.sub(r"\\\{[^}+]+\\\}", "[^/]+", re.escape(path))) + "/?$"
        if not re.match(pattern, request["path"]):
            continue
        keys = [k.split("=")[0] for k in literal_query.split("&") if k]
        if any(k not in query for k in keys):
            continue
        if not keys and any(k in ("policy", "acl", "location", "publicAccessBlock") for k in query):
            continue
        score = len(path) + 100 * len(keys)
        if score > best_score:
            best, best_score = name, score
    return best


def check_request_against_model(request):
    """(operation, model name) of `request`, or None after recording a failure."""
    name = model_name(request)
    copies = models(name)
    protocol = copies[0]["metadata"]["protocol"]
    where = f"{request['method']} {request['path']}?{request['query']} ({request['service']})"
    if protocol in ("query", "ec2"):
        params = dict(urllib.parse.parse_qsl(request["body"], keep_blank_values=True))
        operation = params.get("Action")
        m = next((c for c in copies if operation in c["operations"]), None)
        if not check(m is not None, f"{where}: {name} has no operation {operation}"):
            return None
        check(params.get("Version") == m["metadata"]["apiVersion"],
              f"{where}: Version {params.get('Version')} is not {name}'s {m['metadata']['apiVersion']}")
        for member, spec in required_members(m, operation).items():
            serialized = member
            if protocol == "ec2":
                serialized = spec.get("queryName") or (spec.get("locationName", member)[:1].upper() +
                                                       spec.get("locationName", member)[1:])
            check(any(k == serialized or k.startswith(serialized + ".") for k in params),
                  f"{where}: {operation} without its required {serialized}")
        return operation, name
    if protocol == "json":
        target = request["headers"].get("x-amz-target", "")
        prefix, _, operation = target.partition(".")
        metadata = copies[0]["metadata"]
        check(prefix == metadata["targetPrefix"], f"{where}: target prefix {prefix} is not {name}'s")
        check(request["headers"].get("content-type") == "application/x-amz-json-" + metadata["jsonVersion"],
              f"{where}: Content-Type {request['headers'].get('content-type')} for JSON {metadata['jsonVersion']}")
        check(request["method"] == "POST" and request["path"] == "/", f"{where}: JSON calls are POST /")
        body = json.loads(request["body"] or "{}")
        m = next((c for c in copies if operation in c["operations"]), None)
        if m is not None:
            required = list(required_members(m, operation))
        elif check((name, operation) in NEWER_THAN_MODELS, f"{where}: {name} has no operation {operation}"):
            required = NEWER_THAN_MODELS[(name, operation)]["required"]
        else:
            return None
        for member in required:
            check(member in body, f"{where}: {operation} without its required {member}")
        return operation, name
    if protocol in ("rest-json", "rest-xml"):
        x_id = urllib.parse.parse_qs(request["query"]).get("x-id", [None])[0]
        if x_id is not None:  # the operation is named in the URI (`?x-id=`): it must be that one
            copy = next((c for c in copies if x_id in c["operations"]), None)
            known = copy is not None or NEWER_THAN_MODELS.get((name, x_id), {}).get("x-id") == x_id
            if check(known, f"{where}: {name} has no operation {x_id}"):
                return x_id, name
            return None
        m, operation = None, None
        for copy in copies:
            operation = rest_operation(copy, request)
            if operation is not None:
                m = copy
                break
        if m is None:
            newer = [op for (service, op), form in NEWER_THAN_MODELS.items() if service == name and
                     form.get("method") == request["method"] and form.get("path") == request["path"]]
            if check(len(newer) == 1, f"{where}: no {name} operation has this method and URI"):
                return newer[0], name
            return None
        query = urllib.parse.parse_qs(request["query"], keep_blank_values=True)
        body = json.loads(request["body"]) if request["body"].strip().startswith("{") else {}
        for member, spec in required_members(m, operation).items():
            location = spec.get("location")
            key = spec.get("locationName", member)
            if location == "uri":
                continue  # the URI matched its template
            if location == "querystring":
                check(key in query, f"{where}: {operation} without its required query {key}")
            elif location == "header":
                check(key.lower() in request["headers"], f"{where}: {operation} without its required header {key}")
            else:
                check(member in body, f"{where}: {operation} without its required {member}")
        return operation, name
    check(False, f"{where}: protocol {protocol} not checked")
    return None


IAM_PREFIX = {"s3control": "s3", "efs": "elasticfilesystem", "dynamodbstreams": "dynamodb"}
IAM_EXCEPTIONS = {("s3", "ListBuckets"): "s3:ListAllMyBuckets",
                  ("s3express", "ListDirectoryBuckets"): "s3express:ListAllMyDirectoryBuckets",
                  ("s3express", "GetBucketPolicy"): "s3express:GetBucketPolicy",
                  ("s3express", "ListAccessPointsForDirectoryBuckets"): "s3express:ListAccessPointsForDirectoryBuckets",
                  ("s3express", "GetAccessPointPolicy"): "s3express:GetAccessPointPolicy",
                  ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
                  ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock"}


def documented_policy():
    with open(DOCS) as handle:
        text = handle.read()
    block = text.split("<!-- collector-policy -->", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    policy = json.loads(block)
    actions = set()
    for statement in policy["Statement"]:
        listed = statement["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
        check(all(not a.split(":")[1].startswith(("Put", "Create", "Delete", "Update", "Tag", "Untag", "Set"))
                  for a in ([listed] if isinstance(listed, str) else listed)),
              "docs/collect.md: the collector's policy has only read-only actions")
    return actions


def check_wire(requests, label):
    allowed = documented_policy()
    operations = set()
    for request in requests:
        if not request["account"]:
            continue
        found = check_request_against_model(request)
        if found is None:
            continue
        operation, name = found
        operations.add((name, operation))
        key = ("s3express", operation) if request["service"] == "s3express" else (name, operation)
        action = IAM_EXCEPTIONS.get(key, f"{IAM_PREFIX.get(name, name)}:{operation}")
        check(action in allowed, f"{label}: {name} {operation} needs {action}, which docs/collect.md does not list")
    return operations


# ---- the scenarios

EXPECTED_TYPES = {  # per account and region, except the global ones
    "AWS::S3::Bucket": 2, "AWS::IAM::Role": 3, "AWS::S3Express::DirectoryBucket": 4, "AWS::KMS::Key": 2, "AWS::SQS::Queue": 4, "AWS::SNS::Topic": 2,
    "AWS::SecretsManager::Secret": 2, "AWS::Lambda::Function": 4, "AWS::Lambda::LayerVersion": 2,
    "AWS::ECR::Repository": 4, "AWS::EFS::FileSystem": 2, "AWS::DynamoDB::Table": 2, "AWS::DynamoDB::Stream": 2,
    "AWS::EC2::Snapshot": 4, "AWS::RDS::DBSnapshot": 2, "AWS::RDS::DBClusterSnapshot": 2,
}


def organization_scenario(binary, work):
    world = fake_aws.World()
    server = fake_aws.serve(world)
    port = server.server_address[1]
    out = os.path.join(work, "org.jsonl")
    result = collect(binary, environment(work, port), "--organization", "-o", out, "--concurrency", "4")
    server.shutdown()
    check(result.returncode == 1, f"organization: exit {result.returncode} (expected 1: errors recorded): {result.stderr}")
    lines = records(out)
    kinds = {}
    for record in lines:
        kinds.setdefault(record["kind"], []).append(record)
    org = kinds.get("organization", [{}])[0]
    check(org.get("organizationId") == fake_aws.ORG and org.get("managementAccount") == fake_aws.MGMT,
          f"organization record: {org}")
    paths = {a["accountId"]: a["ouPath"] for a in org.get("accounts", [])}
    check(paths == {fake_aws.MGMT: f"{fake_aws.ORG}/{fake_aws.ROOT}/",
                    fake_aws.MEMBER: f"{fake_aws.ORG}/{fake_aws.ROOT}/{fake_aws.OU}/"},
          f"OU paths (the SUSPENDED account left out): {paths}")
    accounts = {a["accountId"]: a for a in kinds.get("account", [])}
    check(set(accounts) == {fake_aws.MGMT, fake_aws.MEMBER}, f"account records: {sorted(accounts)}")
    for account in accounts.values():
        check(sorted(account.get("enabledRegions", [])) == sorted(fake_aws.REGIONS),
              f"enabled regions of {account['accountId']}: {account.get('enabledRegions')}")
    check("s3PublicAccessBlock" in accounts.get(fake_aws.MGMT, {}) and
          "s3PublicAccessBlock" not in accounts.get(fake_aws.MEMBER, {}),
          "the account Block Public Access: read where set, absent where AWS has none")
    counts = {}
    for record in kinds.get("resource", []):
        key = (record["resourceType"], record["resourceOwnerAccount"])
        counts[key] = counts.get(key, 0) + 1
    for resource_type, per_account in EXPECTED_TYPES.items():
        for account in (fake_aws.MGMT, fake_aws.MEMBER):
            expected = per_account
            if resource_type == "AWS::SecretsManager::Secret":
                expected = 2  # the `locked` secret's policy is denied: an error record instead
            if resource_type == "AWS::SNS::Topic" and account == fake_aws.MEMBER:
                expected = 2  # `broken` answers malformed XML: an error record instead
            check(counts.get((resource_type, account), 0) == expected,
                  f"{resource_type} of {account}: {counts.get((resource_type, account), 0)} records, expected {expected}")
    errors = kinds.get("collectionError", [])
    summary = sorted((e["errorKind"], e["operation"], e.get("accountId")) for e in errors)
    expected_errors = sorted([("AccessDenied", "GetResourcePolicy", a) for a in (fake_aws.MGMT, fake_aws.MEMBER)
                              for _ in fake_aws.REGIONS] +
                             [("Deleted", "GetQueueAttributes", fake_aws.MEMBER) for _ in fake_aws.REGIONS] +
                             [("MalformedAnswer", "GetTopicAttributes", fake_aws.MEMBER) for _ in fake_aws.REGIONS])
    check(summary == expected_errors, f"error records: {summary}")
    check("errors AccessDenied: 4" in result.stderr and "errors MalformedAnswer: 2" in result.stderr and
          "errors Deleted: 2" in result.stderr,
          f"the summary counts errors per kind: {result.stderr}")
    layers = [r for r in world.requests if r["path"] == "/2018-10-31/layers"]
    check(len(layers) == 2 * 2 * 2, f"ListLayers answered 429 once and retried in each account-region: {len(layers)}")
    throttled = [r for r in world.requests if r["headers"].get("x-amz-target") == "TrentService.ListKeys"]
    check(len(throttled) == 2 * 2 * 2, f"ListKeys throttled once and retried in each account-region: {len(throttled)}")
    bucket = next((r for r in kinds.get("resource", []) if r["resourceArn"] == f"arn:aws:s3:::public-{fake_aws.MGMT}"), {})
    points = bucket.get("configuration", {}).get("s3Bucket", {}).get("accessPoints", {})
    check(f"arn:aws:s3:us-east-1:{fake_aws.MGMT}:accesspoint/shared" in points, f"the bucket's access point: {points}")
    shared = points.get(f"arn:aws:s3:us-east-1:{fake_aws.MGMT}:accesspoint/shared", {})
    check(shared.get("publicAccessBlock") == {"ignorePublicAcls": True, "restrictPublicBuckets": False},
          f"the access point's own Block Public Access (GetAccessPoint): {shared}")
    mrap = points.get(f"arn:aws:s3::{fake_aws.MGMT}:accesspoint/mfzwi23gnjvgw.mrap", {})
    check("accessPointPolicy" in mrap and mrap.get("publicAccessBlock", {}).get("restrictPublicBuckets") is True and
          "networkOrigin" not in mrap, f"the bucket's Multi-Region Access Point: {mrap}")
    directory = next((r for r in kinds.get("resource", []) if r["resourceArn"] ==
                      f"arn:aws:s3express:us-east-1:{fake_aws.MGMT}:bucket/cache--use1-az4--x-s3"), {})
    share = directory.get("configuration", {}).get("s3ExpressDirectoryBucket", {}).get("accessPoints", {}).get(
        f"arn:aws:s3express:us-east-1:{fake_aws.MGMT}:accesspoint/share--use1-az4--xa-s3", {})
    check("accessPointPolicy" in share and share.get("networkOrigin") == {"internetConfiguration": {}},
          f"the directory bucket's access point (ListAccessPointsForDirectoryBuckets, GetAccessPointPolicy): {directory}")
    key = next((r for r in kinds.get("resource", []) if r["resourceType"] == "AWS::KMS::Key"), {})
    grants = key.get("configuration", {}).get("kmsKey", {}).get("grants", [])
    check(len(grants) == 2 and grants[0].get("constraints") == {"encryptionContextSubset": {"Department": "IT"}},
          f"KMS grants over two pages, with constraints: {grants}")
    operations = check_wire(world.requests, "organization")
    check(len(operations) >= 40, f"the model check saw {len(operations)} operations")
    return out


def analyze_scenario(binary, work, inventory):
    report = os.path.join(work, "findings.json")
    result = subprocess.run([binary, "analyze", inventory, "--zone-org", fake_aws.ORG, "--format", "json", "-q",
                             "-o", report], capture_output=True, text=True, timeout=300)
    check(result.returncode == 2, f"analyze: exit {result.returncode}, expected 2 (collection gaps reported)")
    check(result.stderr.count("inventory.collection-gap") == 8, f"analyze names each gap: {result.stderr[:2000]}")
    with open(report) as handle:
        findings = json.load(handle)["findings"]
    found = {}
    for finding in findings:
        found.setdefault(finding["resourceType"], set()).add(finding["resource"])
    m, e = fake_aws.MGMT, fake_aws.EXTERNAL
    expected = {
        "AWS::IAM::Role": {f"arn:aws:iam::{a}:role/admin-{a}" for a in (m, fake_aws.MEMBER)},
        "AWS::S3::Bucket": {f"arn:aws:s3:::public-{a}" for a in (m, fake_aws.MEMBER)} |
                           {f"arn:aws:s3:::acl-{a}" for a in (m, fake_aws.MEMBER)},
        "AWS::SQS::Queue": {f"arn:aws:sqs:{r}:{a}:public" for a in (m, fake_aws.MEMBER) for r in fake_aws.REGIONS},
        "AWS::EC2::Snapshot": {f"arn:aws:ec2:{r}::snapshot/snap-0public{a}" for a in (m, fake_aws.MEMBER)
                               for r in fake_aws.REGIONS},
        "AWS::RDS::DBClusterSnapshot": {f"arn:aws:rds:{r}:{a}:cluster-snapshot:weekly" for a in (m, fake_aws.MEMBER)
                                        for r in fake_aws.REGIONS},
    }
    for resource_type, resources in expected.items():
        check(found.get(resource_type, set()) == resources,
              f"findings on {resource_type}: {sorted(found.get(resource_type, set()))}, expected {sorted(resources)}")
    for resource_type in ("AWS::KMS::Key", "AWS::SNS::Topic", "AWS::SecretsManager::Secret", "AWS::ECR::Repository",
                          "AWS::EFS::FileSystem", "AWS::DynamoDB::Table", "AWS::Lambda::LayerVersion",
                          "AWS::RDS::DBSnapshot", "AWS::S3Express::DirectoryBucket"):
        check(len(found.get(resource_type, set())) == 4, f"findings on {resource_type}: {sorted(found.get(resource_type, set()))}")
    directory = json.dumps([f for f in findings if f["resourceType"] == "AWS::S3Express::DirectoryBucket"])
    check("accesspoint/share--" in directory, f"a finding through the directory bucket's access point: {directory[:1500]}")
    check(not any(f["resource"].endswith(f"role/ci-{m}") for f in findings), "a role trusted by its own org: no finding")
    check(e in json.dumps(findings), "the external account is named")


def account_scenario(binary, work):
    world = fake_aws.World()
    server = fake_aws.serve(world)
    port = server.server_address[1]
    result = collect(binary, environment(work, port), "--account", "--regions", f"eu-west-1,{fake_aws.OPT_IN}")
    server.shutdown()
    opt_in_errors = [json.loads(line) for line in result.stdout.splitlines()
                     if '"collectionError"' in line and fake_aws.OPT_IN in line]
    check(1 <= len(opt_in_errors) <= 2 and all(e["errorKind"] == "RegionDisabled" for e in opt_in_errors),
          f"a region not enabled: one RegionDisabled record for its services (and S3 Control's): {opt_in_errors}")
    asked = [r for r in world.requests if r["region"] == fake_aws.OPT_IN]
    check(len(asked) <= 2, f"nothing more is asked in a region not enabled: {len(asked)} requests")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    check(result.returncode == 1, f"--account: exit {result.returncode}: {result.stderr}")
    check(not any(r["kind"] == "organization" for r in lines), "--account writes no organization record")
    check({r.get("resourceOwnerAccount") for r in lines if r["kind"] == "resource"} == {fake_aws.MGMT},
          "--account reads the caller's account only")
    check({r.get("region") for r in lines if r["kind"] == "resource" and r.get("region")} >= {"eu-west-1"} and
          not any(r.get("region") == "us-east-1" and r["resourceType"] != "AWS::S3::Bucket"
                  for r in lines if r["kind"] == "resource"),
          "--regions limits the regional services (buckets are read wherever they are)")
    check(not any(r["service"] == "organizations" for r in world.requests), "--account calls no Organizations API")
    # A member role that cannot be assumed: one AssumeRole error record, the other accounts still read; the
    # external id reaches STS.
    world = fake_aws.World()
    server = fake_aws.serve(world)
    result = collect(binary, environment(work, server.server_address[1]), "--organization", "--regions", "us-east-1",
                     "--role-name", "Auditor", "--external-id", "ext-42")
    server.shutdown()
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    denied = [r for r in lines if r["kind"] == "collectionError" and r["operation"] == "AssumeRole"]
    check(result.returncode == 1 and len(denied) == 1 and denied[0].get("accountId") == fake_aws.MEMBER and
          denied[0]["errorKind"] == "AccessDenied" and denied[0]["resource"].endswith(":role/Auditor"),
          f"an unassumable member role: exit {result.returncode}, {denied}")
    check(any(r["kind"] == "resource" and r["resourceOwnerAccount"] == fake_aws.MGMT for r in lines) and
          not any(r["kind"] == "resource" and r["resourceOwnerAccount"] == fake_aws.MEMBER for r in lines),
          "the caller's account is still read, the unassumable one is not")
    assume = [r for r in world.requests if "Action=AssumeRole" in r["body"]]
    check(assume and all("ExternalId=ext-42" in r["body"] for r in assume), "--external-id reaches sts:AssumeRole")
    # Nothing listens: exit 2 and a message, never an empty "success".
    unreachable = collect(binary, environment(work, 9, AWS_ENDPOINT_URL="http://127.0.0.1:9"), "--account",
                          "--max-attempts", "1", "--timeout", "2")
    check(unreachable.returncode == 2 and unreachable.stdout == "",
          f"an unreachable endpoint: exit {unreachable.returncode}, {unreachable.stderr}")


SERVE_MGMT, SERVE_DEV = "111122223333", "444455556666"
SERVE_KEY = ("AKIACOLLECTMGMT00001", "collect-mgmt-secret-0000000000000000000")


def serve_scenario(binary, work):
    """The Organizations calls against `perimeter serve`'s own Organizations API."""
    from perimeter_harness import Server, ServerStartError, credentials_toml
    config = os.path.join(work, "serve.toml")
    with open(config, "w") as handle:
        handle.write(f"""
listen = "127.0.0.1:0"
data_dir = "{os.path.join(work, 'serve-data')}"
periodic_scan = "24h"

[organization]
id = "o-collect12345"
management_account = "{SERVE_MGMT}"

[[accounts]]
id = "{SERVE_MGMT}"
name = "Mgmt"

[[accounts]]
id = "{SERVE_DEV}"
name = "Dev"
ou_path = "o-collect12345/r-c0l1/ou-c0l1-workloads/ou-c0l1-dev/"

[[accounts]]
id = "{fake_aws.MGMT}"
name = "Collected"
""" + credentials_toml(SERVE_MGMT, *SERVE_KEY) + credentials_toml(fake_aws.MGMT, "AKIAFAKEMGMT00000001", "fake-secret"))
    try:
        server = Server(binary, "--config", config, stderr=os.path.join(work, "serve.log"))
    except ServerStartError as error:
        check(False, f"perimeter serve: {error}")
        return
    with server:
        env = environment(work, server.port, AWS_ACCESS_KEY_ID=SERVE_KEY[0], AWS_SECRET_ACCESS_KEY=SERVE_KEY[1],
                          AWS_ENDPOINT_URL=server.endpoint)
        out = os.path.join(work, "serve.jsonl")
        result = collect(binary, env, "--organization", "--regions", "us-east-1", "--max-attempts", "1", "-o", out)
        assume_role_scenario(server.endpoint)
    check(result.returncode in (1, 2), f"against perimeter serve: exit {result.returncode}: {result.stderr}")
    lines = records(out) if os.path.exists(out) else []
    org = next((r for r in lines if r["kind"] == "organization"), None)
    if check(org is not None, f"against perimeter serve: an organization record ({result.stderr[-2000:]})"):
        check(org["organizationId"] == "o-collect12345" and org["managementAccount"] == SERVE_MGMT,
              f"DescribeOrganization through perimeter serve: {org}")
        check(sorted(a["accountId"] for a in org["accounts"]) == sorted([SERVE_MGMT, SERVE_DEV, fake_aws.MGMT]),
              f"ListAccounts through perimeter serve: {org['accounts']}")
    # --import: the caller's own account (that of the credentials: no --account needed) collected from the
    # fake AWS endpoint into perimeter serve; --organization with --import is refused up front.
    world = fake_aws.World()
    fake = fake_aws.serve(world)
    with Server(binary, "--config", config, stderr=os.path.join(work, "serve.log")) as server:
        env = environment(work, fake.server_address[1])
        imported = collect(binary, env, "--regions", "us-east-1", "--import", server.endpoint)
        refused = collect(binary, env, "--organization", "--import", server.endpoint)
    fake.shutdown()
    check(refused.returncode == 2 and "--import takes the caller's own account" in refused.stderr,
          f"--organization --import: exit {refused.returncode}, {refused.stderr[-500:]}")
    check(imported.returncode == 1 and "imported" in (imported.stdout + imported.stderr).lower() and
          "not read:" in imported.stderr,
          f"--import: exit {imported.returncode}, {imported.stdout[-1000:]} {imported.stderr[-2000:]}")
    # ListRoots and ListParents through perimeter serve: each account's OU path; sts:AssumeRole into the member
    # accounts: their account records are written (what the server does not serve, the resource services, is
    # recorded as errors, not silently skipped).
    errors = [r for r in lines if r["kind"] == "collectionError"]
    paths = {a["accountId"]: a.get("ouPath") for a in (org or {}).get("accounts", [])}
    check(paths.get(SERVE_DEV) == "o-collect12345/r-c0l1/ou-c0l1-workloads/ou-c0l1-dev/" and
          paths.get(SERVE_MGMT) == "o-collect12345/r-c0l1/" and paths.get(fake_aws.MGMT) == "o-collect12345/r-c0l1/",
          f"OU paths through perimeter serve's ListParents: {paths}")
    check(not [e for e in errors if e["operation"] in ("ListParents", "ListRoots", "AssumeRole")],
          f"no Organizations or AssumeRole errors against perimeter serve: {[e for e in errors if e['service'] != 'S3'][:5]}")
    read = {r["accountId"] for r in lines if r["kind"] == "account"}
    check({SERVE_DEV, fake_aws.MGMT} <= read, f"the member accounts were entered with sts:AssumeRole: {read}")


def assume_role_scenario(endpoint):
    """sts:AssumeRole from perimeter serve (boto3): the management account into a member's
    OrganizationAccountAccessRole; the temporary keys are accepted with their session token only."""
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        check(False, "boto3 is not importable: run scripts/setup.sh")
        return

    def sts(key, secret, token=None):
        return boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token)

    role = f"arn:aws:iam::{SERVE_DEV}:role/OrganizationAccountAccessRole"
    answer = sts(*SERVE_KEY).assume_role(RoleArn=role, RoleSessionName="collector", DurationSeconds=900)
    keys = answer["Credentials"]
    check(keys["AccessKeyId"].startswith("ASIA") and answer["AssumedRoleUser"]["Arn"] ==
          f"arn:aws:sts::{SERVE_DEV}:assumed-role/OrganizationAccountAccessRole/collector",
          f"AssumeRole's answer: {answer['AssumedRoleUser']}")
    identity = sts(keys["AccessKeyId"], keys["SecretAccessKey"], keys["SessionToken"]).get_caller_identity()
    check(identity["Account"] == SERVE_DEV and identity["Arn"] == answer["AssumedRoleUser"]["Arn"],
          f"a signed call with the session's keys is the member account's: {identity}")
    for token, what in ((None, "without its session token"), (keys["SessionToken"][:-1] + "x", "with another token")):
        try:
            sts(keys["AccessKeyId"], keys["SecretAccessKey"], token).get_caller_identity()
            check(False, f"the session's key {what} was accepted")
        except botocore.exceptions.ClientError as error:
            check(error.response["Error"]["Code"] == "InvalidClientTokenId", f"{what}: {error.response['Error']}")
    for refused, why in ((f"arn:aws:iam::{SERVE_DEV}:role/Admin", "another role"),
                         (f"arn:aws:iam::999999999999:role/OrganizationAccountAccessRole", "an account outside")):
        try:
            sts(*SERVE_KEY).assume_role(RoleArn=refused, RoleSessionName="collector")
            check(False, f"AssumeRole of {why} was allowed")
        except botocore.exceptions.ClientError as error:
            check(error.response["Error"]["Code"] == "AccessDenied", f"AssumeRole of {why}: {error.response['Error']}")


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="perimeter-collect-") as work:
        inventory = organization_scenario(binary, work)
        analyze_scenario(binary, work, inventory)
        account_scenario(binary, work)
        serve_scenario(binary, work)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
