#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them:
# Python packages, Debian's chromium (browser tests), and the local Neo4j
# (built from Maven Central by neo4j/). The tests start and stop Neo4j themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
# chromium for the browser tests; a CJK font so that screenshots show Chinese; ip and unshare for
# the offline kit's test (a network namespace with loopback only).
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wenquanyi \
    || ! command -v ip >/dev/null 2>&1 || ! command -v unshare >/dev/null 2>&1; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-wqy-microhei iproute2 util-linux >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
bash .ci/neo4j-build
exec python3 -m pytest -q "$@"
