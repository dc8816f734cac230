#!/usr/bin/env python3
"""`perimeter serve` with a [collect] table keeps watching the fake AWS endpoint (fake_aws.py), checked through
the Access Analyzer API with boto3:

  1. the collection at start is imported: the public bucket's finding is ACTIVE; GET /perimeter/collect says
     what the run read;
  2. the bucket's policy is changed in the fake so that it grants nothing outside the account, and
     StartResourceScan re-reads it from AWS before the scan: the finding becomes RESOLVED;
  3. the policy is changed to grant another account: after StartResourceScan a new finding is ACTIVE;
  4. the bucket is deleted in the fake: after StartResourceScan its finding is RESOLVED (the run removed it);
  5. SIGTERM stops the server promptly.

Usage: serve_collect_test.py PATH/TO/perimeter. Fails without boto3 (scripts/setup.sh installs it).
"""
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fake_aws  # noqa: E402
from perimeter_harness import ServerStartError, check, credentials_toml, finish, serving  # noqa: E402

KEY, SECRET = "AKIAFAKEMGMT00000001", "fake-secret"
OTHER, OTHER_KEY, OTHER_SECRET = "999988887777", "AKIAFAKEOTHER0000001", "other-fake-secret"
BUCKET = f"arn:aws:s3:::public-{fake_aws.MGMT}"


def config(work, fake_port):
    return f"""
listen = "127.0.0.1:0"
data_dir = "{os.path.join(work, 'data')}"
periodic_scan = "24h"

[[accounts]]
id = "{fake_aws.MGMT}"
name = "Collected"

[[accounts]]
id = "{OTHER}"
name = "Not collected"
""" + credentials_toml(fake_aws.MGMT, KEY, SECRET) + credentials_toml(OTHER, OTHER_KEY, OTHER_SECRET) + f"""
[collect]
interval = "1h"
mode = "account"
regions = ["us-east-1"]
endpoint_url = "http://127.0.0.1:{fake_port}"
max_attempts = 1
timeout = "10s"
"""


def wait_for(what, condition, bound=60.0):
    """Polls `condition` (returns a value or None) until it gives a value; None after `bound` seconds."""
    end = time.monotonic() + bound
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    check(False, f"timed out waiting for {what}")
    return None


def bucket_findings(client, analyzer):
    findings = []
    for page in client.get_paginator("list_findings").paginate(analyzerArn=analyzer):
        findings.extend(f for f in page["findings"] if f["resource"] == BUCKET)
    return findings


def collection_status(endpoint, key=KEY, secret=SECRET):
    """GET /perimeter/collect, signed for access-analyzer as botocore signs."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    request = AWSRequest(method="GET", url=endpoint + "/perimeter/collect")
    SigV4Auth(Credentials(key, secret), "access-analyzer", "us-east-1").add_auth(request)
    prepared = request.prepare()
    with urllib.request.urlopen(urllib.request.Request(prepared.url, headers=dict(prepared.headers))) as answer:
        return json.loads(answer.read())


def scenario(binary, work, world, boto3):
    fake = fake_aws.serve(world)
    with open(os.path.join(work, "server.toml"), "w") as handle:
        handle.write(config(work, fake.server_address[1]))
    # The server's collector reads its keys from the SDKs' chain: this environment.
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": work, "AWS_ACCESS_KEY_ID": KEY,
                       "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "us-east-1",
                       "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.path.join(work, "none"),
                       "AWS_SHARED_CREDENTIALS_FILE": os.path.join(work, "none")})
    try:
        with serving(binary, "--config", os.path.join(work, "server.toml"),
                     log=os.path.join(work, "server.log")) as server:
            client = boto3.client("accessanalyzer", endpoint_url=server.endpoint, region_name="us-east-1",
                                  aws_access_key_id=KEY, aws_secret_access_key=SECRET)
            analyzer = client.create_analyzer(analyzerName="watch", type="ACCOUNT")["arn"]

            # 1. The collection at start.
            active = wait_for("the public bucket's finding from the collection at start", lambda: [
                f for f in bucket_findings(client, analyzer) if f["status"] == "ACTIVE"])
            first_ids = {f["id"] for f in active or []}
            status = wait_for("a completed collection run", lambda: (
                lambda s: s if s.get("runs", 0) >= 1 else None)(collection_status(server.endpoint)))
            if status:
                check(status["status"] == "OK" and status["resources"] > 0 and status["imported"] > 0,
                      f"GET /perimeter/collect after the first run: {status}")
            runs = status["runs"] if status else 0
            # An account the collection did not read may not see its status (it names their resources).
            try:
                collection_status(server.endpoint, OTHER_KEY, OTHER_SECRET)
                check(False, "another account read GET /perimeter/collect")
            except urllib.error.HTTPError as refused:
                check(refused.code == 403, f"another account's GET /perimeter/collect: HTTP {refused.code}")

            # 2. The policy no longer grants outside the account: StartResourceScan re-reads it, then scans.
            world.bucket_policies[f"public-{fake_aws.MGMT}"] = fake_aws.allow(
                {"AWS": f"arn:aws:iam::{fake_aws.MGMT}:root"}, "s3:GetObject",
                f"arn:aws:s3:::public-{fake_aws.MGMT}/*")
            client.start_resource_scan(analyzerArn=analyzer, resourceArn=BUCKET)
            wait_for("the finding RESOLVED after the policy changed", lambda: all(
                f["status"] == "RESOLVED" for f in bucket_findings(client, analyzer) if f["id"] in first_ids))
            status = collection_status(server.endpoint)
            check(status["runs"] > runs, f"StartResourceScan ran the collector again: {status}")

            # 3. The policy grants another account: a new ACTIVE finding.
            world.bucket_policies[f"public-{fake_aws.MGMT}"] = fake_aws.allow(
                {"AWS": f"arn:aws:iam::{fake_aws.EXTERNAL}:root"}, "s3:GetObject",
                f"arn:aws:s3:::public-{fake_aws.MGMT}/*")
            client.start_resource_scan(analyzerArn=analyzer, resourceArn=BUCKET)
            new = wait_for("a new ACTIVE finding for the other account", lambda: [
                f for f in bucket_findings(client, analyzer)
                if f["status"] == "ACTIVE" and f["id"] not in first_ids])
            if new:
                principals = json.dumps([f.get("principal") for f in new])
                check(fake_aws.EXTERNAL in principals, f"the new finding names {fake_aws.EXTERNAL}: {principals}")

            # 4. The bucket is deleted: the run removes it, its finding is RESOLVED.
            world.deleted_buckets.add(f"public-{fake_aws.MGMT}")
            client.start_resource_scan(analyzerArn=analyzer, resourceArn=BUCKET)
            wait_for("every finding of the deleted bucket RESOLVED", lambda: all(
                f["status"] == "RESOLVED" for f in bucket_findings(client, analyzer)) or None)
            status = collection_status(server.endpoint)
            check(status.get("removed", 0) >= 1, f"the run removed the deleted bucket: {status}")
            print("last run:", json.dumps(status))

            # 5. A prompt stop.
            code, seconds = server.stop()
            check(code == 0 and seconds < 10, f"SIGTERM: exit {code} after {seconds:.1f} s")
            log = server.log_tail()
            check("perimeter: collect:" in log, f"each run is logged: {log}")
            print("server log:", log[-1500:])
    except ServerStartError as error:
        check(False, str(error))
    finally:
        fake.shutdown()


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
    with tempfile.TemporaryDirectory(prefix="perimeter-serve-collect-") as work:
        scenario(binary, work, fake_aws.World(throttle=False), boto3)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
