#!/usr/bin/env python3
"""kill -9 durability of `perimeter serve` (SQLite, WAL, synchronous=FULL): every write the server
acknowledged survives a SIGKILL at an arbitrary moment, and the database is intact afterwards.

A client thread creates archive rules one after another (each acknowledged with HTTP 200) while the main
thread SIGKILLs the server after a random number of acknowledgements; the server is restarted on the same
data directory and every acknowledged rule must be listed, and `PRAGMA integrity_check` must say "ok".
Repeated for a few rounds.

Usage: server_durability_test.py PATH/TO/perimeter.  Fails without boto3 (installed by
scripts/setup.sh).
"""
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time

from perimeter_harness import Server, accounts_toml, credentials_toml

ACCOUNT, KEY, SECRET = "111122223333", "AKIAITESTDURABLE0001", "durable-test-secret-0000000000000000000"
CONFIG = f"""
listen = "127.0.0.1:0"
data_dir = "{{data_dir}}"
""" + accounts_toml({ACCOUNT: "Solo"}) + credentials_toml(ACCOUNT, KEY, SECRET)


def start(binary, work):
    server = Server(binary, "--config", os.path.join(work, "server.toml"))
    return server, server.endpoint


def client(endpoint):
    import boto3
    from botocore.config import Config
    return boto3.client("accessanalyzer", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=KEY,
                        aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        import boto3  # noqa: F401
    except ImportError:
        print(f"FAIL: boto3 is not importable by {sys.executable}: run scripts/setup.sh")
        return 1
    binary = os.path.abspath(sys.argv[1])
    failures = 0
    with tempfile.TemporaryDirectory(prefix="perimeter-durability-") as work:
        data = os.path.join(work, "data")
        with open(os.path.join(work, "server.toml"), "w") as f:
            f.write(CONFIG.replace("{data_dir}", data))
        server, endpoint = start(binary, work)
        client(endpoint).create_analyzer(analyzerName="a", type="ACCOUNT")
        acknowledged = set()
        for round_number in range(4):
            kill_after = random.randint(3, 20)
            stop = threading.Event()

            def writer(endpoint=endpoint, round_number=round_number):
                api = client(endpoint)
                for i in range(25):
                    if stop.is_set():
                        return
                    name = f"r{round_number}-{i}"
                    try:
                        api.create_archive_rule(analyzerName="a", ruleName=name,
                                                filter={"isPublic": {"eq": ["false"]}})
                    except Exception:  # the server died under the request: not acknowledged
                        return
                    acknowledged.add(name)

            thread = threading.Thread(target=writer)
            thread.start()
            deadline = time.time() + 20
            while len([a for a in acknowledged if a.startswith(f"r{round_number}-")]) < kill_after and \
                    thread.is_alive() and time.time() < deadline:
                time.sleep(0.001)
            server.kill()
            stop.set()
            thread.join()
            with sqlite3.connect(os.path.join(data, "perimeter.db")) as db:
                integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                print(f"round {round_number}: integrity_check says {integrity}")
                failures += 1
            server, endpoint = start(binary, work)
            listed = {r["ruleName"] for r in client(endpoint).list_archive_rules(analyzerName="a")["archiveRules"]}
            lost = acknowledged - listed
            print(f"round {round_number}: killed after {kill_after} acknowledgements; {len(acknowledged)} acknowledged "
                  f"in total, {len(listed)} stored, lost {sorted(lost)}")
            if lost:
                failures += 1
        server.stop()
    if failures:
        print(f"{failures} failure(s)")
        return 1
    print("ok: no acknowledged write lost, database intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
