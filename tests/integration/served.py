"""What the integration tests of `perimeter serve` share: a running server for the length of a `with` block, and
the collected failures of a test. (The older tests in this folder still carry their own copies; new ones import
this module.)"""
import contextlib
import os
import subprocess
import sys


class Failures:
    """Checks that are collected, not raised, so that one run reports every broken expectation."""

    def __init__(self):
        self.messages = []

    def check(self, condition, message):
        if not condition:
            self.messages.append(message)
            print("  FAIL:", message)
        return condition

    def exit(self):
        """Exits 1 after printing how many checks failed, else prints ok."""
        if self.messages:
            print(f"{len(self.messages)} failure(s)")
            sys.exit(1)
        print("ok")


@contextlib.contextmanager
def serving(binary, args, work, failures):
    """Runs `binary serve ARGS` with its standard error in WORK/server.log and yields its endpoint
    (http://127.0.0.1:PORT, from the first line it prints). The server is stopped when the block ends (SIGTERM, then
    SIGKILL after 10 s); when `failures` holds any, the end of its log is printed."""
    log_path = os.path.join(work, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen([binary, "serve", *args], stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            line = server.stdout.readline().strip()
            if not line.startswith("listening on http://127.0.0.1:"):
                raise RuntimeError(f"unexpected first line: {line!r}")
            yield line[len("listening on "):]
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    if failures.messages:
        with open(log_path) as f:
            print("server log:\n" + f.read()[-3000:])
