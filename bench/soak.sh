#!/usr/bin/env bash
# Upstream-drop soak: sessions speak turns in real time against the fake upstream while it drops random
# connections (closes 1000/1001/1011, server_error). Prints turns, drops, reconnects, lost turns and the
# time from drop to reconnected (p50/p99/max, as the gateway measured it with the default backoff).
# The test suite runs the same test briefly (20 sessions, 40 drops, 20 s).
#
#   bench/soak.sh [seconds (default 120)] [drops (default 100)] [sessions (default 20)]
set -euo pipefail
cd "$(dirname "$0")/.."
# Gateways started here keep their records in an embedded database of their own under target/, never ./data.
export GATEWAY_STORE_PATH=${GATEWAY_STORE_PATH:-./target/bench-data/\${quarkus.uuid\}}
./mvnw -B -q test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsoak.seconds="${1:-120}" -Dsoak.drops="${2:-100}" -Dsoak.sessions="${3:-20}" \
  -Dquarkus.log.category.\"realtime.gateway\".level=WARN 2>&1 | grep -E '^soak:|FAIL|Tests run:.*Fail' || true
