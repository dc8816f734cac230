#!/usr/bin/env python3
"""`perimeter serve` as a process (issue #13, items 4, 6, 7, 8): what a lone C++ test cannot see.

  1. --demo: the data directory is 0700, perimeter.db and its -wal/-shm, the lock and the credentials file
     0600; the demo keys are random (not the ones of earlier versions) and the same after a restart;
  2. one server per data directory: a second `perimeter serve` on the same directory exits 2 at once,
     naming the directory, while the first keeps serving;
  3. SIGTERM with idle, slow (a header byte at a time) and half-sent connections open: the server exits 0
     within a few seconds;
  4. --listen with a bad port is an error (exit 2) naming the option;
  5. throttling (rate_limit = 2 a second, burst 2) with boto3's standard retries: 8 quick calls all succeed,
     and the access log (a file) shows the 429 ThrottlingException answers it retried, one JSON line per
     request, with no secret in it (skipped without boto3).

Each server is bounded in time (killed after 20 s); everything lives in one temporary directory, removed
at the end. Usage: server_process_test.py PATH/TO/perimeter.
"""
import configparser
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

from perimeter_harness import Server, accounts_toml, check, credentials_toml, finish

OLD_DEMO_KEYS = {"AKIAEXAMPLEMGMT00001", "AKIAEXAMPLESECURITY1", "AKIAEXAMPLEDEV000001", "AKIAEXAMPLEPROD00001"}

def start(binary, *arguments):
    server = Server(binary, *arguments, stderr=subprocess.PIPE)
    return server, server.port


def stop(server, bound=10.0):
    """SIGTERM; returns (exit code, seconds taken); kills the process past `bound`."""
    return server.stop(bound)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def demo_keys(path):
    parser = configparser.ConfigParser()
    parser.read(path)
    return {section: (parser[section]["aws_access_key_id"], parser[section]["aws_secret_access_key"])
            for section in parser.sections()}


def throttling(binary, work):
    try:
        import boto3
        import botocore.config
    except ImportError:
        print("   boto3 is not installed: skipped")
        return
    key, secret, account = "AKIAITESTTHROTTLE001", "throttle-test-secret-00000000000000000000", "444455556666"
    log = os.path.join(work, "access.log")
    config = os.path.join(work, "throttle.toml")
    with open(config, "w") as handle:
        handle.write(f'''listen = "127.0.0.1:0"
access_log = "{log}"
rate_limit = 2
rate_burst = 2

''' + accounts_toml({account: None}) + credentials_toml(account, key, secret))
    server, port = start(binary, "--ephemeral", "--config", config)
    try:
        client = boto3.client("accessanalyzer", region_name="eu-west-1", endpoint_url=f"http://127.0.0.1:{port}",
                              aws_access_key_id=key, aws_secret_access_key=secret,
                              config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 10}))
        for _ in range(8):
            client.list_analyzers()
    finally:
        stop(server)
    with open(log) as handle:
        text = handle.read()
    entries = [json.loads(line) for line in text.splitlines()]
    statuses = [entry["status"] for entry in entries]
    check(statuses.count(200) == 8, f"successful calls in the access log: {statuses}")
    throttled = [entry for entry in entries if entry["status"] == 429]
    check(throttled and all(entry["errorCode"] == "ThrottlingException" for entry in throttled),
          f"throttled answers: {statuses}")
    check(all(entry["operation"] == "ListAnalyzers" and entry["account"] == account and
              entry["region"] == "eu-west-1" for entry in entries),
          f"access log entries: {entries[:2]}")
    check(secret not in text and "Signature" not in text, "a secret in the access log")
    check(mode(log) == 0o600, f"access log mode {oct(mode(log))}")


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: server_process_test.py PATH/TO/perimeter")
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="perimeter-process-")
    try:
        data = os.path.join(work, "data")
        print("1. --demo: owner-only files, random keys kept across restarts")
        first, port = start(binary, "--demo", "--data-dir", data)
        credentials = os.path.join(data, "credentials")
        check(mode(data) == 0o700, f"data directory mode {oct(mode(data))}")
        for name in ("perimeter.db", "perimeter.db-wal", "perimeter.db-shm", "perimeter.lock", "credentials"):
            path = os.path.join(data, name)
            if check(os.path.exists(path), f"{name} missing"):
                check(mode(path) == 0o600, f"{name} mode {oct(mode(path))}")
        keys = demo_keys(credentials)
        check(set(keys) == {"Mgmt", "Security", "Dev", "Prod"}, f"profiles {sorted(keys)}")
        check(not ({key for key, _ in keys.values()} & OLD_DEMO_KEYS), "the demo keys are the fixed ones")
        check(len({secret for _, secret in keys.values()}) == 4 and
              all(len(secret) == 40 for _, secret in keys.values()), "the demo secrets are not 4 random ones")

        print("2. a second server on the same data directory refuses to start")
        began = time.monotonic()
        second = subprocess.run([binary, "serve", "--demo", "--data-dir", data, "--listen", "127.0.0.1:0"],
                                capture_output=True, text=True, timeout=20)
        check(second.returncode == 2, f"second server exit {second.returncode}")
        check("in use by another perimeter serve" in second.stderr and data in second.stderr,
              f"second server message: {second.stderr!r}")
        check(time.monotonic() - began < 10, "the second server took long to refuse")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as probe:
            probe.sendall(b"GET /analyzer HTTP/1.1\r\nHost: x\r\n\r\n")
            check(probe.recv(64).startswith(b"HTTP/1.1 403"), "the first server stopped answering")

        print("3. SIGTERM with idle, slow and half-sent connections open")
        held = []
        for i in range(40):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            if i % 3 == 0:
                client.sendall(b"GE")
            elif i % 3 == 1:
                client.sendall(b"PUT /analyzer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
            held.append(client)
        time.sleep(0.2)
        code, took = stop(first)
        check(code == 0, f"exit code after SIGTERM: {code}")
        check(took < 8, f"SIGTERM took {took:.1f} s")
        for client in held:
            client.close()

        print("   restart: the same keys")
        again, _ = start(binary, "--demo", "--data-dir", data)
        check(demo_keys(credentials) == keys, "the demo keys changed across a restart")
        stop(again)

        print("4. --listen with a bad port")
        for listen in ("127.0.0.1:99999", "127.0.0.1:80x", "127.0.0.1", ":8080"):
            done = subprocess.run([binary, "serve", "--ephemeral", "--listen", listen], capture_output=True,
                                  text=True, timeout=20)
            check(done.returncode == 2 and "--listen" in done.stderr, f"--listen {listen}: {done.returncode} "
                                                                     f"{done.stderr!r}")

        print("5. throttling with boto3's retries, and the access log")
        throttling(binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish("1 passed, 0 failed")


if __name__ == "__main__":
    sys.exit(main())
