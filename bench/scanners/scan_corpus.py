#!/usr/bin/env python3
"""The syntactic Python scanners of issue #20 over the resource policies of a Perimeter inventory.

    PERIMETER_SCANNERS_PATH=DIR[:DIR...] python3 bench/scanners/scan_corpus.py SCANNER INVENTORY

SCANNER is one of
  floor           json.loads of every line, nothing else (the floor `make bench` compares with)
  policyuniverse  Netflix-Skunkworks/policyuniverse: Policy(document).is_internet_accessible()
  custodian       cloud-custodian's c7n.filters.iamaccess.PolicyChecker (what its
                  CrossAccountAccessFilter runs on a resource's policy), the organization's
                  accounts allowed, as Perimeter's zone of trust is

INVENTORY is a JSON Lines inventory (perimeter-gen-corpus --format inventory, docs/corpus.md). Every
line is read with json.loads; every resource policy of a resource record (each policy document of its
`configuration`, written as a JSON object or as a JSON string, e.g. `bucketPolicy`, `keyPolicies`,
`trustPolicy`) is handed to the scanner. Prints one line: records, policies, policies flagged, seconds.

Our own glue code, calling the scanners' public functions from a checkout the caller names with
PERIMETER_SCANNERS_PATH (directories put on sys.path: a policyuniverse checkout and a cloud-custodian
checkout). Nothing of theirs is in this repository, and nothing here is a build or test dependency:
`make bench` runs this only when PERIMETER_SCANNERS_PATH is set.
"""

import importlib.util
import json
import logging
import os
import sys
import time
import types


def import_policyuniverse():
    """policyuniverse's Policy class. Its package __init__ loads data.json (service actions, for
    action expansion); a checkout without that data file (a snapshot that leaves large files out)
    still has everything is_internet_accessible() reads, so the package is then set up without it."""
    try:
        from policyuniverse.policy import Policy
        return Policy
    except FileNotFoundError:
        for name in [n for n in sys.modules if n.startswith("policyuniverse")]:
            del sys.modules[name]
        spec = importlib.util.find_spec("policyuniverse")
        package = types.ModuleType("policyuniverse")
        package.__path__ = list(spec.submodule_search_locations)
        package.logger = logging.getLogger("policyuniverse")
        package.all_permissions = set()
        package._action_categories = {}
        sys.modules["policyuniverse"] = package
        from policyuniverse.policy import Policy
        return Policy


def policies_of(configuration):
    """Every policy document under a resource's configuration, as parsed JSON objects."""
    stack = [configuration]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "Statement" in value:
                yield value
            else:
                stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and value.startswith("{") and '"Statement"' in value:
            try:
                document = json.loads(value)
            except ValueError:
                continue
            if isinstance(document, dict):
                yield document


def main(argv):
    if len(argv) != 3 or argv[1] not in ("floor", "policyuniverse", "custodian"):
        sys.stderr.write(__doc__)
        return 2
    scanner, inventory = argv[1], argv[2]
    for directory in reversed(os.environ.get("PERIMETER_SCANNERS_PATH", "").split(":")):
        if directory:
            sys.path.insert(0, directory)
    # The scanners log what they cannot read (Custodian: "no handler" for each condition key it
    # does not know); a run of theirs configures logging away from the terminal, and so does this.
    logging.disable(logging.CRITICAL)
    start = time.monotonic()
    check = None
    if scanner == "policyuniverse":
        Policy = import_policyuniverse()

        def check(document, accounts):
            return Policy(document).is_internet_accessible()

    elif scanner == "custodian":
        from c7n.filters.iamaccess import PolicyChecker

        checkers = {}

        def check(document, accounts):
            checker = checkers.get(accounts)
            if checker is None:
                checker = checkers[accounts] = PolicyChecker({"allowed_accounts": set(accounts)})
            return bool(checker.check(document))

    records = policies = flagged = 0
    accounts = frozenset()
    with open(inventory, "rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            records += 1
            if check is None:
                continue
            kind = record.get("kind")
            if kind == "organization":
                accounts = frozenset(a["accountId"] for a in record.get("accounts", []))
                continue
            if kind != "resource":
                continue
            owner = record.get("resourceOwnerAccount")
            zone = accounts or frozenset([owner] if owner else [])
            for document in policies_of(record.get("configuration", {})):
                policies += 1
                try:
                    flagged += bool(check(document, zone))
                except Exception:  # a scanner that cannot read a policy says nothing about it
                    pass
    seconds = time.monotonic() - start
    print(f"{scanner}: {records} records, {policies} policies, {flagged} flagged, {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
