"""What an integration test of `perimeter serve` needs around its checks: a private AWS client
environment (credentials file, region, no instance metadata), the server started on a free loopback
port with a configuration, stopped at the end, and the failures collected with the server's log.

    with ServedPerimeter(binary, config_text, {"Main": (key, secret)}, region) as served:
        client = boto3.Session(profile_name="Main").client("accessanalyzer",
                                                           endpoint_url=served.endpoint, ...)
        served.check(condition, "message")
    return served.exit_code()
"""
import os
import subprocess
import tempfile


class ServedPerimeter:
    def __init__(self, binary, config, profiles, region, files=None):
        """`config` is the server's TOML with {work} standing for the working directory; `profiles`
        maps a profile name to (access key id, secret); `files` maps names to texts written in the
        working directory before the server starts."""
        self.binary, self.config, self.profiles, self.region = binary, config, profiles, region
        self.files = files or {}
        self.failures = []
        self.endpoint = None

    def __enter__(self):
        self._temp = tempfile.TemporaryDirectory(prefix="perimeter-it-")
        self.work = self._temp.name
        for name, text in self.files.items():
            with open(os.path.join(self.work, name), "w") as f:
                f.write(text.replace("{work}", self.work))
        with open(os.path.join(self.work, "server.toml"), "w") as f:
            f.write(self.config.replace("{work}", self.work))
        with open(os.path.join(self.work, "credentials"), "w") as f:
            for profile, (key, secret) in self.profiles.items():
                f.write(f"[{profile}]\naws_access_key_id = {key}\naws_secret_access_key = {secret}\n\n")
        kept = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        kept.update(AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.work, "credentials"),
                    AWS_CONFIG_FILE=os.path.join(self.work, "no-config"), AWS_DEFAULT_REGION=self.region,
                    AWS_EC2_METADATA_DISABLED="true")
        os.environ.clear()
        os.environ.update(kept)
        self._log = open(os.path.join(self.work, "server.log"), "w")
        self._server = subprocess.Popen([self.binary, "serve", "--config", os.path.join(self.work, "server.toml")],
                                        stdout=subprocess.PIPE, stderr=self._log, text=True)
        line = self._server.stdout.readline().strip()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.__exit__(None, None, None)
            raise RuntimeError(f"unexpected first line of perimeter serve: {line!r}")
        self.endpoint = line[len("listening on "):]
        return self

    def __exit__(self, *exc):
        self._server.terminate()
        try:
            self._server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._server.kill()
        self._log.close()
        if self.failures:
            with open(os.path.join(self.work, "server.log")) as f:
                print("server log:\n" + f.read()[-4000:])
        self._temp.cleanup()
        return False

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
            print("  FAIL:", message)
        return condition

    def exit_code(self):
        if self.failures:
            print(f"{len(self.failures)} failure(s)")
            return 1
        print("ok")
        return 0
