#!/usr/bin/env python3
"""`perimeter compliance analyzers-enabled` (CIS AWS Foundations 1.20 / v5.0 1.19) against `perimeter serve`
with a multi-account organization: Mgmt (management), Security, Dev, Prod, three regions.

The configuration lists the accounts without `ou_path`: with an [organization], listed accounts are members
at the root by default (docs/server.md), so registering Security as delegated administrator must succeed.
The set-up is done with the real AWS CLI (/usr/bin/aws), as a security team would:
  Mgmt:     enable trusted access, register Security as delegated administrator
  Security: an ORGANIZATION analyzer in us-east-1, an ACCOUNT_UNUSED_ACCESS analyzer in eu-west-1
  Mgmt:     deregister Security  -> Security's ORGANIZATION analyzer turns DISABLED
Then, as Security (its account alone) and as Mgmt (--organization):
  - us-east-1 FAILs with DISABLED (DELEGATED_ADMINISTRATOR_DEREGISTERED), eu-central-1 FAILs (none);
  - eu-west-1 passes, and fails only with --require-external (an unused-access analyzer only);
  - Dev's regions come from an inventory account record (enabledRegions);
  - --fix --dry-run creates nothing; --fix creates what is missing, and a second run passes (exit 0);
  - an unreachable endpoint is ERROR (exit 2), never PASS; a member account cannot list the organization.

Usage: compliance_test.py PATH/TO/perimeter.  Fails when /usr/bin/aws (installed by
scripts/setup.sh) is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from perimeter_harness import (Server, ServerStartError, client_environment, credentials_toml, write_credentials,
                               write_profiles)

MGMT, SECURITY, DEV, PROD = "111122223333", "234598760742", "444455556666", "777788889999"
KEYS = {
    "Mgmt": (MGMT, "AKIACOMPLIANCEMGMT01", "mgmt-compliance-secret-00000000000000000"),
    "Security": (SECURITY, "AKIACOMPLIANCESEC001", "security-compliance-secret-0000000000000"),
    "Dev": (DEV, "AKIACOMPLIANCEDEV001", "dev-compliance-secret-000000000000000000"),
}
REGIONS = ["eu-central-1", "eu-west-1", "us-east-1"]
DEV_REGIONS = ["eu-west-1", "us-east-1"]

CONFIG = f"""
listen = "127.0.0.1:0"
data_dir = "{{data_dir}}"
periodic_scan = "24h"

[organization]
id = "o-compliance1"
management_account = "{MGMT}"
""" + "".join(f"""
[[accounts]]
id = "{account}"
name = "{name}"
regions = {json.dumps(DEV_REGIONS if account == DEV else REGIONS)}
""" for name, account in [("Mgmt", MGMT), ("Security", SECURITY), ("Dev", DEV), ("Prod", PROD)]) + "".join(
    credentials_toml(account, key, secret) for account, key, secret in KEYS.values())

# The accounts' enabled regions, as an inventory gives them to `perimeter compliance --inventory`.
INVENTORY = [{"kind": "account", "accountId": account, "enabledRegions": regions}
             for account, regions in [(MGMT, REGIONS), (SECURITY, REGIONS), (DEV, DEV_REGIONS), (PROD, REGIONS)]]

failures = []
passes = []


def check(condition, message):
    if condition:
        passes.append(message)
    else:
        failures.append(message)
        print("  FAIL:", message)
    return condition


def start_server(binary, work):
    config_path = os.path.join(work, "perimeter.toml")
    with open(config_path, "w") as handle:
        handle.write(CONFIG.replace("{data_dir}", os.path.join(work, "data")))
    try:
        return Server(binary, "--config", config_path, stderr=os.path.join(work, "server.log"))
    except ServerStartError as error:
        raise SystemExit(str(error))


def environment(work):
    credentials = write_credentials(os.path.join(work, "credentials"),
                                    {name: (key, secret) for name, (_, key, secret) in KEYS.items()})
    config = write_profiles(os.path.join(work, "config"), KEYS, "us-east-1", default=True)
    return client_environment(credentials, config, HOME=work, AWS_PAGER="")


def aws(env, endpoint, profile, region, *args):
    result = subprocess.run(["/usr/bin/aws", *args, "--profile", profile, "--region", region, "--endpoint-url",
                             endpoint, "--output", "json"], env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"aws {' '.join(args)} failed: {result.stderr}")
    return json.loads(result.stdout) if result.stdout.strip() else {}


def compliance(binary, env, endpoint, profile, *args, fmt="json"):
    command = [binary, "compliance", "analyzers-enabled", "--profile", profile, "--timeout", "5", "--format", fmt,
               *args]
    if endpoint:
        command += ["--endpoint-url", endpoint]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    parsed = None
    if fmt != "table":
        try:
            parsed = json.loads(result.stdout)
        except json.JSONDecodeError:
            pass
    return result.returncode, parsed, result.stdout, result.stderr


def rows(report):
    return {(row["account"], row["region"]): row for row in report["results"]}


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    if not os.access("/usr/bin/aws", os.X_OK):
        print("FAIL: /usr/bin/aws is missing: run scripts/setup.sh")
        return 1
    # Everything the test writes is in `work`, removed at the end whatever happens (nothing is left in TMPDIR).
    work = tempfile.mkdtemp(prefix="perimeter-compliance-")
    server = None
    try:
        server = start_server(binary, work)
        env = environment(work)
        inventory = os.path.join(work, "accounts.jsonl")
        with open(inventory, "w") as handle:
            handle.writelines(json.dumps(record) + "\n" for record in INVENTORY)
        E = server.endpoint
        print("set-up with the AWS CLI")
        aws(env, E, "Mgmt", "us-east-1", "organizations", "enable-aws-service-access", "--service-principal",
            "access-analyzer.amazonaws.com")
        aws(env, E, "Mgmt", "us-east-1", "organizations", "register-delegated-administrator", "--account-id",
            SECURITY, "--service-principal", "access-analyzer.amazonaws.com")
        aws(env, E, "Security", "us-east-1", "accessanalyzer", "create-analyzer", "--analyzer-name", "org-analyzer",
            "--type", "ORGANIZATION")
        aws(env, E, "Security", "eu-west-1", "accessanalyzer", "create-analyzer", "--analyzer-name", "unused",
            "--type", "ACCOUNT_UNUSED_ACCESS")
        aws(env, E, "Mgmt", "us-east-1", "organizations", "deregister-delegated-administrator", "--account-id",
            SECURITY, "--service-principal", "access-analyzer.amazonaws.com")
        status = aws(env, E, "Security", "us-east-1", "accessanalyzer", "get-analyzer", "--analyzer-name",
                     "org-analyzer")["analyzer"]
        check(status["status"] == "DISABLED", f"org-analyzer should be DISABLED: {status}")

        print("Security, its own account (regions from the inventory)")
        code, report, out, err = compliance(binary, env, E, "Security", "--inventory", inventory)
        check(code == 1, f"exit {code}, expected 1: {err}")
        if report:
            r = rows(report)
            check(report["callerAccount"] == SECURITY, f"caller account {report['callerAccount']}")
            check(report["regionSources"].get(SECURITY) == "inventory enabledRegions", str(report["regionSources"]))
            check(set(r) == {(SECURITY, region) for region in REGIONS}, f"rows {sorted(r)}")
            east = r.get((SECURITY, "us-east-1"), {})
            check(east.get("status") == "FAIL" and "DISABLED" in east.get("reason", "") and
                  "DELEGATED_ADMINISTRATOR_DEREGISTERED" in east.get("reason", ""), f"us-east-1: {east}")
            check(east.get("remediation", "").startswith(
                "aws accessanalyzer create-analyzer --analyzer-name perimeter-us-east-1 --type ACCOUNT "
                "--region us-east-1"), f"remediation: {east.get('remediation')}")
            check(r.get((SECURITY, "eu-west-1"), {}).get("status") == "PASS", f"eu-west-1: {r.get((SECURITY, 'eu-west-1'))}")
            check(r.get((SECURITY, "eu-central-1"), {}).get("status") == "FAIL" and
                  "no analyzer" in r[(SECURITY, "eu-central-1")]["reason"], f"eu-central-1: {r.get((SECURITY, 'eu-central-1'))}")
            check(report["control"]["id"] == "CIS AWS Foundations 1.20", str(report["control"]))
        else:
            check(False, f"no JSON report: {out} {err}")

        print("Security, --require-external")
        code, report, out, err = compliance(binary, env, E, "Security", "--inventory", inventory, "--require-external")
        check(code == 1, f"exit {code}: {err}")
        if report:
            west = rows(report).get((SECURITY, "eu-west-1"), {})
            check(west.get("status") == "FAIL" and "ACCOUNT_UNUSED_ACCESS" in west.get("reason", ""), f"eu-west-1: {west}")
            check(report["control"]["id"] == "CIS AWS Foundations v5.0 1.19", str(report["control"]))

        print("table, asff and ocsf")
        code, _, table, err = compliance(binary, env, E, "Security", "--regions", "us-east-1", fmt="table")
        check(code == 1 and "FAIL" in table and "remediation: aws accessanalyzer create-analyzer" in table,
              f"table: {table} {err}")
        code, asff, out, err = compliance(binary, env, E, "Security", "--regions", "us-east-1,eu-west-1", fmt="asff")
        check(isinstance(asff, list) and len(asff) == 2 and
              {f["Compliance"]["Status"] for f in asff} == {"PASSED", "FAILED"} and
              all(f["AwsAccountId"] == SECURITY for f in asff), f"asff: {out} {err}")
        code, ocsf, out, err = compliance(binary, env, E, "Security", "--regions", "us-east-1", fmt="ocsf")
        check(isinstance(ocsf, list) and len(ocsf) == 1 and ocsf[0]["class_uid"] == 2003 and
              ocsf[0]["compliance"]["status"] == "Fail", f"ocsf: {out} {err}")

        print("errors: unreachable endpoint, member account asking for the organization")
        code, report, out, err = compliance(binary, env, "http://127.0.0.1:9", "Security", "--regions", "us-east-1",
                                            "--account-id", SECURITY)
        check(code == 2 and report and report["results"][0]["status"] == "ERROR", f"unreachable: {code} {out} {err}")
        code, _, out, err = compliance(binary, env, E, "Dev", "--organization", "--account-id", DEV)
        check(code == 2 and "ListAccounts" in err, f"member --organization: {code} {err}")

        print("Mgmt, --organization --require-external")
        org_args = ["--organization", "--require-external", "--inventory", inventory, "--account-id", MGMT]
        code, report, out, err = compliance(binary, env, E, "Mgmt", *org_args)
        check(code == 1, f"exit {code}: {err}")
        if report:
            r = rows(report)
            expected = {(account, region) for account in (MGMT, SECURITY, PROD) for region in REGIONS}
            expected |= {(DEV, region) for region in DEV_REGIONS}
            check(set(r) == expected, f"rows {sorted(r)}")
            check(all(row["status"] == "FAIL" for row in r.values()), "every pair fails before the fix")
            check("no organization analyzer covers" in r[(DEV, "us-east-1")]["reason"], r[(DEV, "us-east-1")]["reason"])
            check(report["organizationId"] == "o-compliance1", report.get("organizationId"))

        print("Mgmt, --fix --dry-run")
        code, report, out, err = compliance(binary, env, E, "Mgmt", *org_args, "--fix", "--dry-run")
        check(code == 1, f"exit {code}: {err}")
        if report:
            check(all(row.get("fix", {}).get("action") == "would-create" for row in report["results"]
                      if row["account"] == MGMT), f"dry run: {out}")
        listed = aws(env, E, "Mgmt", "us-east-1", "accessanalyzer", "list-analyzers")["analyzers"]
        check(listed == [], f"the dry run created {listed}")

        print("Mgmt, --fix (ORGANIZATION analyzers)")
        code, report, out, err = compliance(binary, env, E, "Mgmt", *org_args, "--fix")
        check(code == 0, f"exit {code}: {out} {err}")
        if report:
            created = [row for row in report["results"] if row.get("fix", {}).get("action") == "created"]
            check(len(created) == len(REGIONS), f"created: {created}")
            check(all(row["status"] == "PASS" for row in report["results"]), "every pair passes after the fix")
            covered = rows(report)[(DEV, "eu-west-1")]
            check(covered.get("fix", {}).get("action") == "covered-by-organization-analyzer", str(covered))
        code, report, out, err = compliance(binary, env, E, "Mgmt", *org_args)
        check(code == 0, f"second run: exit {code}: {out} {err}")
        code, report, out, err = compliance(binary, env, E, "Mgmt", *org_args, "--fix")
        check(code == 0 and not any("fix" in row for row in report["results"]), f"fix again changes nothing: {out}")
        for region in REGIONS:
            listed = aws(env, E, "Mgmt", region, "accessanalyzer", "list-analyzers")["analyzers"]
            check(len(listed) == 1 and listed[0]["type"] == "ORGANIZATION" and listed[0]["status"] == "ACTIVE",
                  f"{region}: {listed}")

        print("Security, --require-external --fix (ACCOUNT analyzers)")
        code, report, out, err = compliance(binary, env, E, "Security", "--inventory", inventory,
                                            "--require-external", "--fix")
        check(code == 0, f"exit {code}: {out} {err}")
        code, report, out, err = compliance(binary, env, E, "Security", "--inventory", inventory, "--require-external")
        check(code == 0 and all(row["status"] == "PASS" for row in report["results"]), f"second run: {out} {err}")
    finally:
        if server is not None:
            server.stop()
        if failures and server is not None:
            print("server log:\n" + server.log_tail())
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(passes)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
