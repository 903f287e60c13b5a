#!/usr/bin/env bash
# The cost of authentication per REST call and per WebSocket upgrade: two gateways from the same jar side by
# side (API key configured vs gateway.auth.enabled=false) on a fake upstream, requests alternating between them.
# Usage: bench/auth.sh [--smoke] [--rest=3000] [--upgrades=1000] [--warmup=500] [--passes=2] [--control=true]
set -euo pipefail
cd "$(dirname "$0")/.."
# Gateways started here keep their records in an embedded database of their own under target/, never ./data.
export GATEWAY_STORE_PATH=${GATEWAY_STORE_PATH:-./target/bench-data/\${quarkus.uuid\}}
ARGS=()
for arg in "$@"; do
  case $arg in
    --smoke) ARGS+=(--rest=200 --upgrades=50 --warmup=50 --passes=1) ;;
    --rest=*|--upgrades=*|--warmup=*|--passes=*|--control=*) ARGS+=("$arg") ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
mkdir -p bench/out
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f target/test-classes/realtime/gateway/bench/AuthLatency.class ]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
echo "auth latency, $(date -u +%Y-%m-%d), $(nproc) cores"
java -cp "$CP" realtime.gateway.bench.AuthLatency --jar=target/quarkus-app/quarkus-run.jar "${ARGS[@]}" | tee bench/out/auth.txt
