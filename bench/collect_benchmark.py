#!/usr/bin/env python3
"""`perimeter collect` as a whole process against the fake AWS endpoint of the tests
(tests/integration/fake_aws.py): an organization of ACCOUNTS accounts x REGIONS regions x about 100 resources
each (the fake's fixed resources plus SQS queues), read with `--organization`.

Prints the wall time, the collector's CPU time (user + system of the child process), the requests the fake
answered, and the resources written. The fake (Python, one thread per connection) is the bottleneck by design:
the collector's CPU time beside the wall time says whether the collector would keep up with a faster endpoint.

Usage: collect_benchmark.py PATH/TO/perimeter [ACCOUNTS [REGIONS [CONCURRENCY]]]   (default 100 4 16)
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import fake_aws  # noqa: E402

ALL_REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2", "ap-northeast-1"]
FIXED_PER_REGION = 18  # the fake's resources of every account-region besides the bulk queues


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    accounts = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    regions = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    world = fake_aws.World(extra_queues=100 - FIXED_PER_REGION, members=max(accounts - 2, 0),
                           regions=ALL_REGIONS[:regions], throttle=False)
    server = fake_aws.serve(world)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_ACCESS_KEY_ID": "AKIAFAKEMGMT00000001",
           "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{server.server_address[1]}"}
    with tempfile.TemporaryDirectory(prefix="perimeter-collect-bench-") as work:
        env["HOME"] = work
        out = os.path.join(work, "inventory.jsonl")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.monotonic()
        result = subprocess.run([binary, "collect", "--organization", "--concurrency", str(concurrency), "-o", out],
                                env=env, capture_output=True, text=True)
        wall = time.monotonic() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(out) as handle:
            resources = sum(1 for line in handle if '"kind":"resource"' in line)
    server.shutdown()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"collect: {len(world.accounts)} accounts x {regions} regions, {resources} resources, "
          f"{len(world.requests)} requests in {wall:.1f} s wall ({len(world.requests) / wall:.0f} requests/s, "
          f"{resources / wall:.0f} resources/s); collector CPU {cpu:.1f} s ({100 * cpu / wall:.0f}% of one core), "
          f"peak RSS {after.ru_maxrss // 1024} MiB; exit {result.returncode}")
    if result.returncode not in (0, 1):
        print(result.stderr[-2000:])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
