"""The internal-access and unused-access analyzers of `perimeter serve` (issue #17; docs/server.md, "What each
analyzer type analyzes"), driven by the real clients on the bundled sample organization
(samples/organization): the inventory is imported at start, the Dev account imports its unused-access inputs
(AWS's exports) through POST /perimeter/import; each client creates an ORGANIZATION_INTERNAL_ACCESS and an
ACCOUNT_UNUSED_ACCESS analyzer, lists their findings, archives some by a rule; then imports change the data and
the findings are RESOLVED, and ACTIVE again when the access comes back.

Clients and what their service models know (checked at run time, reported):
  - Debian's AWS CLI v2 (/usr/bin/aws 2.9) and Debian's boto3 (/usr/bin/python3, botocore 1.29) predate the V2
    operations and the analyzer configuration: they create the analyzers without `configuration` (AWS's
    defaults), and use ListFindings, CreateArchiveRule and ApplyArchiveRule;
  - the pip AWS CLI v1 (`aws` on PATH, optional as in server_clients_test.py) knows ListFindingsV2,
    GetFindingV2, GetFindingsStatistics, Generate/GetFindingRecommendation and `configuration`: the V2 shapes
    and a recommendation for an UnusedPermission finding are checked with it.

Usage: server_families_test.py PATH/TO/perimeter
"""
import copy
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

import perimeter_harness as harness
from perimeter_harness import check, client_environment, credentials_toml, finish, write_credentials, write_profiles

MGMT, SECURITY, DEV, ANALYTICS = "111122223333", "234598760742", "444455556666", "555566667777"
KEYS = {
    "Mgmt": (MGMT, "AKIAITESTMGMT0000001", "mgmt-test-secret-0000000000000000000000"),
    "Dev": (DEV, "AKIAITESTDEV00000001", "dev-test-secret-00000000000000000000000"),
    "Analytics": (ANALYTICS, "AKIAITESTANALYTICS01", "analytics-test-secret-000000000000000000"),
}
REGION = "us-east-1"
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "organization")

CONFIG = f"""
listen = "127.0.0.1:0"
data_dir = "{{data_dir}}"
periodic_scan = "24h"

[organization]
id = "o-exampleorgid"
management_account = "{MGMT}"

[[accounts]]
id = "{MGMT}"
ou_path = "o-exampleorgid/r-ab12/"

[[accounts]]
id = "{DEV}"
ou_path = "o-exampleorgid/r-ab12/ou-ab12-workloads/"

[[accounts]]
id = "{ANALYTICS}"
ou_path = "o-exampleorgid/r-ab12/ou-ab12-workloads/"
""" + "".join(credentials_toml(account, key, secret) for account, key, secret in KEYS.values())

EXPORTS = "arn:aws:s3:::example-prod-exports"
DATA_ENGINEER = f"arn:aws:iam::{DEV}:role/data-engineer"
ANALYST = f"arn:aws:iam::{ANALYTICS}:role/analytics"  # reaches example-prod-exports by its own policies only
LEGACY_BATCH = f"arn:aws:iam::{DEV}:role/legacy-batch"
CI_DEPLOYER = f"arn:aws:iam::{DEV}:role/ci-deployer"
# Internal access the sample organization gives (docs/internal-access.md; `perimeter analyze` offline).
EXPECTED_INTERNAL = {(EXPORTS, DATA_ENGINEER), (EXPORTS, ANALYST),
                     ("arn:aws:s3:::example-prod-datalake", DATA_ENGINEER)}


def fast_list(endpoint, profile, arn):
    """ListFindings through Debian's boto3 in this process (fast, for polling): the region is the ARN's."""
    import boto3
    client = boto3.session.Session(profile_name=profile).client("accessanalyzer", endpoint_url=endpoint,
                                                                 region_name=arn.split(":")[3])
    pages = client.get_paginator("list_findings").paginate(analyzerArn=arn)
    return [finding for page in pages for finding in page["findings"]]


def wait_for(what, probe, bound=20.0):
    """probe() until it returns a true value (the analysis runs in the background); the last value."""
    deadline = time.monotonic() + bound
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            check(bool(value), f"timed out waiting for {what}")
            return value
        time.sleep(0.1)


class CliClient:
    """aws accessanalyzer COMMAND ... in `region` (each client its own: one ACCOUNT_UNUSED_ACCESS analyzer per
    account and region)."""

    def __init__(self, name, executable, endpoint, env, region):
        self.name, self.executable, self.endpoint, self.env, self.region = name, executable, endpoint, env, region

    def call(self, profile, command, *args):
        argv = [self.executable, "accessanalyzer", command, *args, "--profile", profile, "--endpoint-url",
                self.endpoint, "--output", "json", "--region", self.region]
        done = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=60)
        check(done.returncode == 0, f"[{self.name}] {command}: {done.stderr.strip()[:300]}")
        return json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else {}

    def knows(self, command):
        done = subprocess.run([self.executable, "accessanalyzer", command, "--generate-cli-skeleton"],
                              env=self.env, capture_output=True, text=True, timeout=60)
        return done.returncode == 0

    def create_analyzer(self, profile, name, type_, configuration):
        args = ["--analyzer-name", name, "--type", type_]
        if configuration is not None:
            args += ["--configuration", json.dumps(configuration)]
        return self.call(profile, "create-analyzer", *args)["arn"]

    def list_findings(self, profile, arn):
        return self.call(profile, "list-findings", "--analyzer-arn", arn).get("findings", [])

    def list_findings_v2(self, profile, arn):
        return self.call(profile, "list-findings-v2", "--analyzer-arn", arn).get("findings", [])

    def get_finding_v2(self, profile, arn, finding_id):
        return self.call(profile, "get-finding-v2", "--analyzer-arn", arn, "--id", finding_id)

    def statistics(self, profile, arn):
        return self.call(profile, "get-findings-statistics", "--analyzer-arn", arn)

    def archive(self, profile, name, arn, rule, filter_):
        self.call(profile, "create-archive-rule", "--analyzer-name", name, "--rule-name", rule, "--filter",
                  json.dumps(filter_))
        self.call(profile, "apply-archive-rule", "--analyzer-arn", arn, "--rule-name", rule)


class Boto3Client:
    """Debian's boto3 (botocore 1.29: no V2 operations, no analyzer configuration)."""

    name = "boto3"

    def __init__(self, endpoint, env, region):
        import boto3
        self.endpoint, self.region = endpoint, region
        self.sessions = {profile: boto3.session.Session(profile_name=profile) for profile in KEYS}
        self.model = self.sessions["Mgmt"].client("accessanalyzer", endpoint_url=endpoint).meta.service_model

    def client(self, profile):
        return self.sessions[profile].client("accessanalyzer", endpoint_url=self.endpoint, region_name=self.region)

    def knows(self, command):
        wanted = command.replace("-", "").lower()
        return any(name.lower() == wanted for name in self.model.operation_names)

    def create_analyzer(self, profile, name, type_, configuration):
        kwargs = {"analyzerName": name, "type": type_}
        if configuration is not None:
            kwargs["configuration"] = configuration
        return self.client(profile).create_analyzer(**kwargs)["arn"]

    def list_findings(self, profile, arn):
        pages = self.client(profile).get_paginator("list_findings").paginate(analyzerArn=arn)
        return [finding for page in pages for finding in page["findings"]]

    def archive(self, profile, name, arn, rule, filter_):
        client = self.client(profile)
        client.create_archive_rule(analyzerName=name, ruleName=rule, filter=filter_)
        client.apply_archive_rule(analyzerArn=arn, ruleName=rule)


def perimeter_import(binary, env, endpoint, profile, path):
    done = subprocess.run([binary, "import", path, "--endpoint-url", endpoint, "--profile", profile], env=env,
                          capture_output=True, text=True, timeout=60)
    check(done.returncode == 0, f"perimeter import {os.path.basename(path)}: {done.stderr.strip()[:300]}")


def internal_pairs(findings, status=None):
    return {(f["resource"], f["principal"]["AWS"]) for f in findings
            if "principal" in f and (status is None or f["status"] == status)}


def by_resource(findings, resource, status=None):
    return [f for f in findings if f.get("resource") == resource and (status is None or f["status"] == status)]


def run_client(client, prefix):
    """Creates the two analyzers, checks their findings, archives some: returns the analyzers' ARNs."""
    v2 = client.knows("list-findings-v2")
    print(f"[{client.name}] V2 operations and analyzer configuration in its model: {v2}")
    rule = json.load(open(os.path.join(SAMPLE, "internal-access-rule.json")))
    internal_name, unused_name = f"{prefix}-internal", f"{prefix}-unused"
    internal = client.create_analyzer("Mgmt", internal_name, "ORGANIZATION_INTERNAL_ACCESS",
                                      {"internalAccess": rule} if v2 else None)
    unused = client.create_analyzer("Dev", unused_name, "ACCOUNT_UNUSED_ACCESS",
                                    {"unusedAccess": {"unusedAccessAge": 90}} if v2 else None)
    wait_for(f"[{client.name}] internal-access findings",
             lambda: EXPECTED_INTERNAL <= internal_pairs(fast_list(client.endpoint, "Mgmt", internal)))
    found = client.list_findings("Mgmt", internal)
    check(EXPECTED_INTERNAL <= internal_pairs(found, "ACTIVE"),
          f"[{client.name}] internal pairs {sorted(internal_pairs(found))}")
    wait_for(f"[{client.name}] unused-access findings",
             lambda: {LEGACY_BATCH, CI_DEPLOYER} <= {f["resource"]
                                                     for f in fast_list(client.endpoint, "Dev", unused)})
    unused_found = client.list_findings("Dev", unused)
    check({LEGACY_BATCH, CI_DEPLOYER} <= {f["resource"] for f in unused_found},
          f"[{client.name}] unused findings {[(f['resource'], f['status']) for f in unused_found]}")
    check(all(f["resourceOwnerAccount"] == DEV for f in unused_found),
          f"[{client.name}] an ACCOUNT_UNUSED_ACCESS analyzer of {DEV} sees only its principals")

    if v2:
        listed = client.list_findings_v2("Mgmt", internal)
        check({f["findingType"] for f in listed} == {"InternalAccess"},
              f"[{client.name}] findingType {sorted({f['findingType'] for f in listed})}")
        finding = next(f for f in listed if f["resource"] == EXPORTS)
        got = client.get_finding_v2("Mgmt", internal, finding["id"])
        details = got.get("findingDetails", [{}])[0].get("internalAccessDetails", {})
        check(details.get("accessType") in ("INTRA_ACCOUNT", "INTRA_ORG") and
              details.get("principalType") in ("IAM_ROLE", "IAM_USER") and
              details.get("principalOwnerAccount") in (DEV, ANALYTICS) and "principal" in details and
              details.get("serviceControlPolicyRestriction") and details.get("resourceControlPolicyRestriction"),
              f"[{client.name}] internalAccessDetails {details}")
        unused_listed = client.list_findings_v2("Dev", unused)
        types = {(f["resource"], f["findingType"]) for f in unused_listed}
        check({(LEGACY_BATCH, "UnusedIAMRole"), (CI_DEPLOYER, "UnusedPermission")} <= types,
              f"[{client.name}] unused finding types {sorted(types)}")
        role = next(f for f in unused_listed if f["findingType"] == "UnusedIAMRole")
        got = client.get_finding_v2("Dev", unused, role["id"])
        check("unusedIamRoleDetails" in got.get("findingDetails", [{}])[0],
              f"[{client.name}] GetFindingV2 of an unused role: {got.get('findingDetails')}")
        stats = client.statistics("Mgmt", internal)["findingsStatistics"][0]
        check(stats.get("internalAccessFindingsStatistics", {}).get("totalActiveFindings") ==
              len([f for f in listed if f["status"] == "ACTIVE"]), f"[{client.name}] internal statistics {stats}")
        stats = client.statistics("Dev", unused)["findingsStatistics"][0]
        counted = {s["unusedAccessType"] for s in
                   stats.get("unusedAccessFindingsStatistics", {}).get("unusedAccessTypeStatistics", [])}
        check({"UnusedIAMRole", "UnusedPermission"} <= counted, f"[{client.name}] unused statistics {stats}")
        # A least-privilege recommendation for the unused permissions, from the imported principal's policies.
        permission = next(f for f in unused_listed if f["findingType"] == "UnusedPermission")
        client.call("Dev", "generate-finding-recommendation", "--analyzer-arn", unused, "--id", permission["id"])
        recommendation = wait_for(
            f"[{client.name}] the recommendation of {permission['resource']}",
            lambda: (lambda r: r if r.get("status") in ("SUCCEEDED", "FAILED") else None)(
                client.call("Dev", "get-finding-recommendation", "--analyzer-arn", unused, "--id",
                            permission["id"])))
        steps = [step.get("unusedPermissionsRecommendedStep", {})
                 for step in recommendation.get("recommendedSteps", [])]
        check(recommendation.get("status") == "SUCCEEDED" and
              recommendation.get("recommendationType") == "UnusedPermissionRecommendation" and steps and
              all(step.get("recommendedAction") in ("CREATE_POLICY", "DETACH_POLICY") for step in steps),
              f"[{client.name}] recommendation {json.dumps(recommendation)[:400]}")
        for step in steps:
            if step.get("recommendedAction") == "CREATE_POLICY":
                policy = json.loads(step["recommendedPolicy"])
                check(policy.get("Statement"), f"[{client.name}] recommended policy {step['recommendedPolicy'][:300]}")

    # Archive rules on the V2 fields (resource, findingType), applied to the existing findings.
    client.archive("Mgmt", internal_name, internal, "exports", {"resource": {"eq": [EXPORTS]},
                                                                 "findingType": {"eq": ["InternalAccess"]}})
    wait_for(f"[{client.name}] archived internal findings",
             lambda: (lambda fs: by_resource(fs, EXPORTS) and
                      all(f["status"] == "ARCHIVED" for f in by_resource(fs, EXPORTS)))(
                 fast_list(client.endpoint, "Mgmt", internal)))
    archived = client.list_findings("Mgmt", internal)
    check(by_resource(archived, EXPORTS) and all(f["status"] == "ARCHIVED" for f in by_resource(archived, EXPORTS)),
          f"[{client.name}] the rule's findings are archived")
    check(all(f["status"] == "ACTIVE" for f in archived if f["resource"] != EXPORTS),
          f"[{client.name}] only the rule's findings are archived")
    client.archive("Dev", unused_name, unused, "roles", {"findingType": {"eq": ["UnusedIAMRole"]}})
    wait_for(f"[{client.name}] archived unused role",
             lambda: [f for f in fast_list(client.endpoint, "Dev", unused)
                      if f["resource"] == LEGACY_BATCH and f["status"] == "ARCHIVED"])
    return client, internal, unused


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = os.path.abspath(sys.argv[1])
    v1 = None
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, "aws")
        if os.access(candidate, os.X_OK):
            version = subprocess.run([candidate, "--version"], capture_output=True, text=True)
            if (version.stdout + version.stderr).startswith("aws-cli/1."):
                v1 = candidate
                break
    if not os.access("/usr/bin/aws", os.X_OK):
        print("FAIL: missing /usr/bin/aws (AWS CLI v2): run scripts/setup.sh")
        return 1
    if not v1:
        print("not run with the AWS CLI v1: none on PATH (optional; the V2 operations are then not checked)")

    with tempfile.TemporaryDirectory(prefix="perimeter-families-") as work:
        with open(os.path.join(work, "server.toml"), "w") as handle:
            handle.write(CONFIG.replace("{data_dir}", os.path.join(work, "data")))
        credentials = write_credentials(os.path.join(work, "credentials"),
                                        {profile: (key, secret) for profile, (_, key, secret) in KEYS.items()})
        config = write_profiles(os.path.join(work, "config"), KEYS, REGION)
        env = client_environment(credentials, config, AWS_PAGER="")
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)  # boto3 reads the same files
        try:
            # The SQLite store of data_dir (the default): its listings carry each finding's type.
            with harness.serving(binary, "--config", os.path.join(work, "server.toml"), "--inventory",
                                 os.path.join(SAMPLE, "inventory.jsonl"),
                                 log=os.path.join(work, "server.log")) as server:
                # ORGANIZATION analyzers need Access Analyzer's trusted access (docs/server.md).
                done = subprocess.run(["/usr/bin/aws", "organizations", "enable-aws-service-access",
                                       "--service-principal", "access-analyzer.amazonaws.com", "--profile", "Mgmt",
                                       "--endpoint-url", server.endpoint], env=env, capture_output=True, text=True,
                                      timeout=60)
                check(done.returncode == 0, f"enable-aws-service-access: {done.stderr.strip()[:300]}")
                for name in ("authorization-details.json", "credential-report.csv", "activity.jsonl"):
                    perimeter_import(binary, env, server.endpoint, "Dev", os.path.join(SAMPLE, "unused", name))
                clients = [CliClient("aws-cli-v2", "/usr/bin/aws", server.endpoint, env, "us-east-1")]
                if v1:
                    clients.append(CliClient("aws-cli-v1", v1, server.endpoint, env, "us-west-2"))
                try:
                    clients.append(Boto3Client(server.endpoint, env, "eu-west-1"))
                except ImportError:
                    check(False, f"boto3 is not importable by {sys.executable}: run scripts/setup.sh")
                analyzers = []
                for index, client in enumerate(clients):
                    if harness.failures:
                        break
                    analyzers.append(run_client(client, f"c{index}"))
                if not harness.failures:
                    update(binary, env, server.endpoint, work, analyzers)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    return finish("ok")


def update(binary, env, endpoint, work, analyzers):
    """Changes the data through imports: the findings of every analyzer follow (RESOLVED, ACTIVE again)."""
    inventory = [json.loads(line) for line in open(os.path.join(SAMPLE, "inventory.jsonl")) if line.strip()]
    # The analytics role without its identity policies: its access to example-prod-exports (another account's
    # bucket) is gone.
    analyst = next(r for r in inventory if r.get("kind") == "principal" and r["arn"] == ANALYST)
    stripped = {"kind": "principal", "arn": ANALYST}
    path = harness.write_inventory(os.path.join(work, "analyst.jsonl"), [stripped])
    perimeter_import(binary, env, endpoint, "Analytics", path)
    for client, internal, _ in analyzers:
        wait_for(f"[{client.name}] the analytics role's internal findings RESOLVED",
                 lambda: (lambda fs: fs and all(f["status"] == "RESOLVED" for f in fs))(
                     [f for f in fast_list(endpoint, "Mgmt", internal)
                      if f.get("principal", {}).get("AWS") == ANALYST and f["resource"] == EXPORTS]))
    path = harness.write_inventory(os.path.join(work, "analyst.jsonl"), [analyst])
    perimeter_import(binary, env, endpoint, "Analytics", path)
    for client, internal, _ in analyzers:
        back = wait_for(f"[{client.name}] the analytics role's internal findings back",
                        lambda: (lambda fs: fs and all(f["status"] != "RESOLVED" for f in fs) and fs)(
                            [f for f in fast_list(endpoint, "Mgmt", internal)
                             if f.get("principal", {}).get("AWS") == ANALYST and f["resource"] == EXPORTS]))
        # ACTIVE again, or ARCHIVED where the client's archive rule matches them (example-prod-exports).
        check(all(f["status"] == ("ARCHIVED" if f["resource"] == EXPORTS else "ACTIVE") for f in back or []),
              f"[{client.name}] statuses after the access came back: {[(f['resource'], f['status']) for f in back or []]}")

    # legacy-batch used today: its UnusedIAMRole finding is RESOLVED.
    details = json.load(open(os.path.join(SAMPLE, "unused", "authorization-details.json")))
    used = copy.deepcopy(details)
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for role in used["RoleDetailList"]:
        if role["Arn"] == LEGACY_BATCH:
            role["RoleLastUsed"] = {"LastUsedDate": today, "Region": REGION}
    path = os.path.join(work, "authorization-details.json")
    with open(path, "w") as handle:
        json.dump(used, handle)
    perimeter_import(binary, env, endpoint, "Dev", path)
    for client, _, unused in analyzers:
        wait_for(f"[{client.name}] legacy-batch's UnusedIAMRole RESOLVED",
                 lambda: [f for f in fast_list(endpoint, "Dev", unused)
                          if f["resource"] == LEGACY_BATCH and f["status"] == "RESOLVED"])


if __name__ == "__main__":
    sys.exit(main())
