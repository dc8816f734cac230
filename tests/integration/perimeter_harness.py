"""What the integration tests of tests/integration/ share: a `perimeter serve` process on a free port
(port 0, read back from its first line "listening on http://HOST:PORT"), the server configuration's
[[accounts]] / [[credentials]] tables, an inventory file, the AWS clients' credentials and config files and
an environment that reads only them, and the failure bookkeeping every test prints. It is the only such
module: a test needing more of the same kind adds a small general function here.

Imported by the tests as a sibling module (python3 puts the script's directory first on sys.path; the
CTest registration in tests/CMakeLists.txt also sets PYTHONPATH to this directory).
"""
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

# The failures of this test process, in order: check() records them, finish() reports them.
failures = []


def check(condition, message):
    """Records `message` as a failure unless `condition` holds; returns `condition`."""
    if not condition:
        failures.append(message)
        print("  FAIL:", message)
    return condition


def accounts_toml(accounts, regions=None):
    """[[accounts]] tables: `accounts` maps an id to its name (or None), `regions` lists enabled regions."""
    text = ""
    for account, name in accounts.items():
        text += f'\n[[accounts]]\nid = "{account}"\n'
        if name:
            text += f'name = "{name}"\n'
        if regions:
            text += "regions = [" + ", ".join(f'"{region}"' for region in regions) + "]\n"
    return text


def credentials_toml(account, key, secret, **extra):
    """One [[credentials]] table; `extra` adds keys with a string or a list of strings (principal = ...,
    policies = [...])."""
    text = f'\n[[credentials]]\naccess_key_id = "{key}"\nsecret_access_key = "{secret}"\naccount = "{account}"\n'
    for name, value in extra.items():
        text += f"{name} = {json.dumps(value)}\n"
    return text


def write_inventory(path, records):
    """An inventory file (docs/inventory.md, JSON Lines): one record, a dict, a line."""
    with open(path, "w") as handle:
        handle.write("".join(json.dumps(record) + "\n" for record in records))
    return path


def write_credentials(path, profiles):
    """The AWS shared credentials file: `profiles` maps a profile name to (access key id, secret)."""
    with open(path, "w") as handle:
        for profile, (key, secret) in profiles.items():
            handle.write(f"[{profile}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n\n")
    return path


def write_profiles(path, profiles, region, default=False):
    """The AWS config file: each profile in `region` with JSON output (and a [default] when asked)."""
    with open(path, "w") as handle:
        if default:
            handle.write(f"[default]\nregion = {region}\n")
        for profile in profiles:
            handle.write(f"[profile {profile}]\nregion = {region}\noutput = json\n\n")
    return path


def client_environment(credentials, config, **extra):
    """This process's environment without any AWS_ variable, reading `credentials` and `config` only (no
    instance metadata), with `extra` added."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(AWS_SHARED_CREDENTIALS_FILE=credentials, AWS_CONFIG_FILE=config, AWS_EC2_METADATA_DISABLED="true")
    env.update(extra)
    return env


class ServerStartError(RuntimeError):
    """`perimeter serve` did not print its "listening on" line."""


class Server:
    """`perimeter serve ARGUMENTS...`, started and ready: its first stdout line says where it listens.

    `stderr` is a file path (the server's log, appended), subprocess.PIPE or subprocess.DEVNULL; `scheme` is
    "http" or "https". Raises ServerStartError (the process killed) when the first line is not
    "listening on SCHEME://...".
    """

    def __init__(self, binary, *arguments, stderr=subprocess.DEVNULL, scheme="http"):
        self.log_path = stderr if isinstance(stderr, str) else None
        self._log = open(stderr, "a") if self.log_path else None
        self.process = subprocess.Popen([binary, "serve", *arguments], stdout=subprocess.PIPE,
                                        stderr=self._log or stderr, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith(f"listening on {scheme}://"):
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            self._close()
            raise ServerStartError(f"perimeter serve did not start: {line!r} {err or ''!r}")
        self.endpoint = line[len("listening on "):]
        self.port = int(self.endpoint.rsplit(":", 1)[1])

    def stop(self, bound=10.0):
        """SIGTERM, then waits up to `bound` seconds (kills past it). Returns (exit code or None when
        killed, seconds taken)."""
        began = time.monotonic()
        code = None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=bound)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._close()
        return code, time.monotonic() - began

    def kill(self):
        """SIGKILL, as a crash would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._close()

    def log_tail(self, size=4000):
        """The end of the server's log file ("" without one)."""
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path) as handle:
            return handle.read()[-size:]

    def _close(self):
        for stream in (self.process.stdout, self.process.stderr, self._log):
            if stream is not None and not stream.closed:
                stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.returncode is None:
            self.stop()
        return False


@contextlib.contextmanager
def serving(binary, *arguments, log):
    """`perimeter serve ARGUMENTS...` for the length of a `with` block, its standard error appended to the
    file `log`: yields the started Server (raises ServerStartError as Server does), stops it when the block
    ends, and prints the end of the log when a check has failed by then."""
    with Server(binary, *arguments, stderr=log) as server:
        yield server
    if failures:
        print("server log:\n" + server.log_tail())


def serve_for_clients(binary, work, profiles, region, body):
    """The usual test: `perimeter serve --config WORK/server.toml` (written by the caller; log in
    WORK/server.log), this process's environment replaced by client_environment() over
    WORK/credentials (`profiles`: name -> (key, secret)) in `region`, then body(endpoint); the server is
    stopped after it, and its log printed when something failed. Returns the exit code (finish())."""
    credentials = write_credentials(os.path.join(work, "credentials"), profiles)
    env = client_environment(credentials, os.path.join(work, "no-config"), AWS_DEFAULT_REGION=region)
    os.environ.clear()
    os.environ.update(env)
    try:
        with serving(binary, "--config", os.path.join(work, "server.toml"),
                     log=os.path.join(work, "server.log")) as server:
            body(server.endpoint)
    except ServerStartError as error:
        print(error)
        return 1
    return finish()


def boto3_server_test(usage, prefix, config, profiles, region, body, prepare=None):
    """The main() of a test of one server driven by boto3: PATH/TO/perimeter from the command line
    (`usage` printed otherwise, exit 2), a failure without boto3, then in a temporary directory WORK
    (removed at the end): prepare(WORK) when given, WORK/server.toml = config(WORK/data), and
    serve_for_clients() calling body(binary, endpoint, WORK, boto3, botocore)."""
    if len(sys.argv) != 2:
        print(usage)
        return 2
    binary = os.path.abspath(sys.argv[1])
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        print(f"FAIL: boto3 is not importable by {sys.executable}: run scripts/setup.sh")
        return 1
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        if prepare is not None:
            prepare(work)
        with open(os.path.join(work, "server.toml"), "w") as handle:
            handle.write(config(os.path.join(work, "data")))
        return serve_for_clients(binary, work, profiles, region,
                                 lambda endpoint: body(binary, endpoint, work, boto3, botocore))


def finish(passed="ok"):
    """The test's exit code: 0 and `passed` when nothing failed, else 1 and the count."""
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print(passed)
    return 0
