#!/usr/bin/env python3
"""`perimeter serve` over HTTPS (`tls_cert` / `tls_key`), with a self-signed certificate made at test time.

  1. boto3, trusting only that certificate, creates and lists an analyzer over https://127.0.0.1:PORT;
  2. a client that does not trust it fails the handshake (the server really serves that certificate);
  3. a plain-HTTP request to the TLS port gets no HTTP answer;
  3b. the web console's session cookie is `Secure` over HTTPS (docs/console.md);
  4. a config with tls_cert but no tls_key, or an unreadable key, is refused at start (exit 2).

Everything lives in one temporary directory, removed at the end. Usage: server_tls_test.py PATH/TO/perimeter.
Fails without boto3 or the openssl command (scripts/setup.sh installs both).
"""
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:
    print("FAIL: boto3 is not installed: run scripts/setup.sh")
    sys.exit(1)

from perimeter_harness import Server, ServerStartError, accounts_toml, check, credentials_toml, finish  # noqa: E402

KEY_ID, SECRET, ACCOUNT = "AKIAITESTTLS00000001", "tls-test-secret-000000000000000000000000", "444455556666"

def config_text(work, **tls):
    lines = [f'listen = "127.0.0.1:0"', f'data_dir = "{os.path.join(work, "data")}"']
    lines += [f'{key} = "{value}"' for key, value in tls.items()]
    return "\n".join(lines) + "\n" + accounts_toml({ACCOUNT: None}, ["us-east-1"]) + credentials_toml(
        ACCOUNT, KEY_ID, SECRET)


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: server_tls_test.py PATH/TO/perimeter")
    binary = os.path.abspath(sys.argv[1])
    openssl = shutil.which("openssl")
    if openssl is None:
        print("FAIL: the openssl command is missing: run scripts/setup.sh")
        return 1
    work = tempfile.mkdtemp(prefix="perimeter-tls-")
    server = None
    try:
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
        config = os.path.join(work, "perimeter.toml")
        with open(config, "w") as handle:
            handle.write(config_text(work, tls_cert=cert, tls_key=key))
        try:
            server = Server(binary, "--config", config, stderr=subprocess.PIPE, scheme="https")
        except ServerStartError as error:
            check(False, str(error))
            return 1
        port, endpoint = server.port, server.endpoint

        print("1. boto3 over HTTPS, trusting the test certificate")
        client = boto3.client("accessanalyzer", region_name="us-east-1", endpoint_url=endpoint, verify=cert,
                              aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                              config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=10,
                                                            connect_timeout=5))
        client.create_analyzer(analyzerName="tls-analyzer", type="ACCOUNT")
        names = [a["name"] for a in client.list_analyzers()["analyzers"]]
        check(names == ["tls-analyzer"], f"analyzers over HTTPS: {names}")

        print("2. an untrusting client fails the handshake")
        context = ssl.create_default_context()  # the system's CAs only
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                with context.wrap_socket(raw, server_hostname="127.0.0.1"):
                    check(False, "the handshake succeeded without trusting the certificate")
        except ssl.SSLCertVerificationError:
            pass

        print("3. plain HTTP to the TLS port gets no HTTP answer")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(b"GET /analyzer HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                answer = raw.recv(64)
            except (ConnectionResetError, socket.timeout):
                answer = b""
            check(not answer.startswith(b"HTTP/"), f"plain HTTP answered: {answer!r}")

        print("3b. the console's session cookie is Secure over HTTPS")
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                                 context=ssl.create_default_context(cafile=cert))
        connection.request("POST", "/console/session", json.dumps({"accessKeyId": KEY_ID, "secretAccessKey": SECRET}),
                           {"Content-Type": "application/json"})
        response = connection.getresponse()
        cookie = response.getheader("Set-Cookie") or ""
        response.read()
        connection.close()
        check(response.status == 200 and "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie,
              f"console sign-in over HTTPS: {response.status} {cookie!r}")

        code, _ = server.stop(bound=15)
        check(code == 0, "exit code after SIGTERM")
        server = None

        print("4. incomplete or unreadable TLS settings are refused at start")
        for tls in ({"tls_cert": cert}, {"tls_cert": cert, "tls_key": os.path.join(work, "missing.pem")}):
            with open(config, "w") as handle:
                handle.write(config_text(work, **tls))
            done = subprocess.run([binary, "serve", "--config", config], capture_output=True, text=True,
                                  timeout=30)
            check(done.returncode == 2 and ("tls_key" in done.stderr or "missing.pem" in done.stderr),
                  f"{sorted(tls)}: exit {done.returncode} {done.stderr!r}")
    finally:
        if server is not None:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return finish("1 passed, 0 failed")


if __name__ == "__main__":
    sys.exit(main())
