#!/usr/bin/env python3
"""`perimeter import` against `perimeter serve`, and the issue's latency guarantee: an imported change is
analyzed at once, so the updated finding is visible through GetFinding/ListFindings at most 1 s after the
import command returns (the periodic scan is 24 h here, so a server that waited for it fails).

  1. an ACCOUNT analyzer (boto3, profile Dev) over an empty inventory;
  2. `perimeter import bucket.jsonl --profile Dev`: a public bucket -> an ACTIVE finding within 1 s;
  3. the same bucket with one more action -> a new ACTIVE finding and the old one RESOLVED within 1 s;
  4. the policy removed -> every finding of the bucket RESOLVED within 1 s;
  5. refusals: another account's resource (403 AccessDenied, exit 2), an unknown profile, a bad URL;
  6. no cross-account tampering: Dev importing Prod's role as its own (with a record of its own) is refused
     whole, nothing written; Dev importing a bucket name Prod holds neither replaces nor hides Prod's
     record and finding.

The 1 s bound is the issue's; on a loaded 2-core machine one resource is analyzed in milliseconds, so the
margin is wide. Usage: server_import_test.py PATH/TO/perimeter. Fails without boto3 (scripts/setup.sh installs it).
"""
import json
import os
import subprocess
import sys
import time

from perimeter_harness import accounts_toml, boto3_server_test, check, credentials_toml

DEV, PROD = "444455556666", "777788889999"
KEYS = {
    "Dev": (DEV, "AKIAITESTDEV00000001", "dev-test-secret-00000000000000000000000"),
    "Prod": (PROD, "AKIAITESTPROD0000001", "prod-test-secret-0000000000000000000000"),
}
REGION = "us-east-1"
BUCKET = "arn:aws:s3:::it-import-latency"
LATENCY_BOUND = 1.0  # seconds, from the issue

CONFIG = f"""
listen = "127.0.0.1:0"
data_dir = "{{data_dir}}"
periodic_scan = "24h"
""" + "".join(accounts_toml({account: name}, [REGION]) + credentials_toml(account, key, secret)
              for name, (account, key, secret) in KEYS.items())


def bucket(actions, owner=DEV, arn=BUCKET):
    configuration = {}
    if actions:
        configuration["bucketPolicy"] = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": actions, "Resource": f"{arn}/*"}]})
    return {"kind": "resource", "resourceArn": arn, "resourceType": "AWS::S3::Bucket",
            "resourceOwnerAccount": owner, "region": REGION, "configuration": {"s3Bucket": configuration}}


def role(owner, arn_account, name="it-deploy"):
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}]}
    return {"kind": "resource", "resourceArn": f"arn:aws:iam::{arn_account}:role/{name}",
            "resourceType": "AWS::IAM::Role", "resourceOwnerAccount": owner,
            "configuration": {"iamRole": {"trustPolicy": json.dumps(trust)}}}


def main():
    return boto3_server_test(__doc__, "perimeter-import-", lambda data_dir: CONFIG.replace("{data_dir}", data_dir),
                             {profile: (key, secret) for profile, (_, key, secret) in KEYS.items()}, REGION, run)


def run(binary, endpoint, work, boto3, botocore):
    client = boto3.Session(profile_name="Dev").client("accessanalyzer", endpoint_url=endpoint, region_name=REGION)
    arn = client.create_analyzer(analyzerName="dev-account", type="ACCOUNT")["arn"]

    def perimeter_import(records, *args):
        path = os.path.join(work, "import.jsonl")
        with open(path, "w") as f:
            f.write("".join(json.dumps(r) + "\n" for r in records))
        done = subprocess.run([binary, "import", path, "--endpoint-url", endpoint, *args],
                              capture_output=True, text=True, timeout=60)
        return done, time.monotonic()

    def bucket_findings():
        pages = client.get_paginator("list_findings").paginate(
            analyzerArn=arn, filter={"resource": {"eq": [BUCKET]}})
        return [f for page in pages for f in page["findings"]]

    def wait_for(what, predicate, since):
        """Polls ListFindings until predicate(findings) holds; returns the seconds since `since`."""
        while True:
            found = bucket_findings()
            elapsed = time.monotonic() - since
            if predicate(found):
                print(f"  {what}: visible {elapsed * 1000:.0f} ms after the import returned")
                check(elapsed <= LATENCY_BOUND, f"{what}: {elapsed:.3f} s > {LATENCY_BOUND} s after the import")
                return found
            if elapsed > 10:
                check(False, f"{what}: not visible 10 s after the import; findings: {found}")
                return found
            time.sleep(0.01)

    def active(found):
        return [f for f in found if f["status"] == "ACTIVE"]

    # 2. A public bucket appears.
    done, returned = perimeter_import([bucket(["s3:GetObject"])], "--profile", "Dev")
    check(done.returncode == 0, f"import exit {done.returncode}: {done.stderr}")
    check(done.stdout.startswith("imported 1 record(s)"), f"import output: {done.stdout!r}")
    found = wait_for("new public bucket", lambda fs: len(active(fs)) == 1, returned)
    first = active(found)[0] if active(found) else None
    if first:
        check(first["isPublic"] is True and first["resourceOwnerAccount"] == DEV, f"finding shape: {first}")
        got = client.get_finding(analyzerArn=arn, id=first["id"])["finding"]
        check(got["action"] == ["s3:GetObject"], f"GetFinding action: {got.get('action')}")

    # 3. Changed permissions: a new finding, the old one RESOLVED.
    done, returned = perimeter_import([bucket(["s3:GetObject", "s3:PutObject"])], "--profile", "Dev")
    check(done.returncode == 0, f"second import exit {done.returncode}: {done.stderr}")
    if first:
        def updated(fs):
            by_id = {f["id"]: f for f in fs}
            return (by_id.get(first["id"], {}).get("status") == "RESOLVED"
                    and any(sorted(f["action"]) == ["s3:GetObject", "s3:PutObject"] for f in active(fs)))
        wait_for("changed policy", updated, returned)
        got = client.get_finding(analyzerArn=arn, id=first["id"])["finding"]
        check(got["status"] == "RESOLVED", f"GetFinding of the replaced finding: {got['status']}")

    # 4. Policy removed: nothing ACTIVE is left. Credentials from the environment this time.
    os.environ.update(AWS_ACCESS_KEY_ID=KEYS["Dev"][1], AWS_SECRET_ACCESS_KEY=KEYS["Dev"][2])
    done, returned = perimeter_import([bucket([])])
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        del os.environ[name]
    check(done.returncode == 0, f"third import (environment keys) exit {done.returncode}: {done.stderr}")
    wait_for("policy removed", lambda fs: fs and not active(fs), returned)

    # 5. Refusals.
    done, _ = perimeter_import([bucket(["s3:GetObject"], owner=PROD, arn="arn:aws:s3:::it-prod")], "--profile", "Dev")
    check(done.returncode == 2 and "AccessDeniedException" in done.stderr,
          f"importing another account's resource: exit {done.returncode}, {done.stderr!r}")
    done, _ = perimeter_import([bucket(["s3:GetObject"])], "--profile", "Nobody")
    check(done.returncode == 2 and "no AWS credentials for profile `Nobody`" in done.stderr,
          f"unknown profile: exit {done.returncode}, {done.stderr!r}")
    done, _ = perimeter_import([bucket(["s3:GetObject"])], "--profile", "Dev", "--endpoint-url", "ftp://x")
    check(done.returncode == 2, f"bad endpoint: exit {done.returncode}")
    wrong = dict(os.environ)
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(work, "wrong-credentials")
    with open(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
        f.write(f"[Dev]\naws_access_key_id = {KEYS['Dev'][1]}\naws_secret_access_key = not-the-secret\n")
    done, _ = perimeter_import([bucket(["s3:GetObject"])], "--profile", "Dev")
    os.environ.clear()
    os.environ.update(wrong)
    check(done.returncode == 2 and "InvalidSignatureException" in done.stderr,
          f"wrong secret: exit {done.returncode}, {done.stderr!r}")

    # 6. Cross-account tampering through import.
    prod = boto3.Session(profile_name="Prod").client("accessanalyzer", endpoint_url=endpoint, region_name=REGION)
    prod_arn = prod.create_analyzer(analyzerName="prod-account", type="ACCOUNT")["arn"]
    shared = "arn:aws:s3:::it-shared-name"
    prod_role = f"arn:aws:iam::{PROD}:role/it-deploy"
    done, returned = perimeter_import([role(PROD, PROD), bucket(["s3:GetObject"], owner=PROD, arn=shared)],
                                      "--profile", "Prod")
    check(done.returncode == 0, f"Prod's import: exit {done.returncode}, {done.stderr!r}")

    def prod_active(resource):
        pages = prod.get_paginator("list_findings").paginate(analyzerArn=prod_arn, filter={
            "resource": {"eq": [resource]}, "status": {"eq": ["ACTIVE"]}})
        return [f for page in pages for f in page["findings"]]

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (prod_active(prod_role) and prod_active(shared)):
        time.sleep(0.02)
    role_finding, bucket_finding = prod_active(prod_role), prod_active(shared)
    check(len(role_finding) == 1 and len(bucket_finding) == 1,
          f"Prod's findings: role {role_finding}, bucket {bucket_finding}")

    done, _ = perimeter_import([bucket(["s3:GetObject"], arn="arn:aws:s3:::it-dev-extra"), role(DEV, PROD)],
                               "--profile", "Dev")
    check(done.returncode == 2 and "AccessDeniedException" in done.stderr and prod_role in done.stderr,
          f"Dev importing Prod's role as its own: exit {done.returncode}, {done.stderr!r}")
    dev_resources = [r["resourceArn"] for page in client.get_paginator("list_analyzed_resources").paginate(
        analyzerArn=arn) for r in page["analyzedResources"]]
    check("arn:aws:s3:::it-dev-extra" not in dev_resources,
          f"a refused import wrote its other records: {dev_resources}")

    done, _ = perimeter_import([bucket([], owner=DEV, arn=shared)], "--profile", "Dev")
    check(done.returncode == 0, f"Dev's claim on the bucket name: exit {done.returncode}, {done.stderr!r}")
    time.sleep(1.0)  # the worker analyzes Dev's claim meanwhile
    check(len(prod_active(shared)) == 1 and prod_active(shared)[0]["id"] == bucket_finding[0]["id"],
          f"Prod's bucket finding after Dev's claim: {prod_active(shared)}")
    check(len(prod_active(prod_role)) == 1, f"Prod's role finding after the refused import: {prod_active(prod_role)}")
    dev_shared = [f for page in client.get_paginator("list_findings").paginate(
        analyzerArn=arn, filter={"resource": {"eq": [shared]}}) for f in page["findings"]]
    check(not dev_shared, f"Dev's policy-less claim has no finding: {dev_shared}")


if __name__ == "__main__":
    sys.exit(main())
