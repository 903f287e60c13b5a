#!/usr/bin/env bash
# Local engine figures on this machine: WER and real-time factor over the LibriVox test utterances, time to
# the first delta, memory with the recognizer pool warm, and how many real-time sessions it sustains.
# Starts the packaged gateway with the local provider on loopback, measures through its public API, stops it.
#
#   bench/local-engine.sh [max-sessions-to-try (default 32)]
set -euo pipefail
cd "$(dirname "$0")/.."
# Gateways started here keep their records in an embedded database of their own under target/, never ./data.
export GATEWAY_STORE_PATH=${GATEWAY_STORE_PATH:-./target/bench-data/\${quarkus.uuid\}}
PORT=${GATEWAY_BENCH_PORT:-18082}

if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -d target/test-classes/realtime/gateway/bench ]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

GATEWAY_BENCH_KEY=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40 || true)
export GATEWAY_BENCH_KEY
env -u OPENAI_API_KEY GATEWAY_UPSTREAM_PROVIDER=local \
  GATEWAY_AUTH_KEYS="name=bench,role=admin,key=${GATEWAY_BENCH_KEY},creates-per-minute=100000" \
  QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1 \
  QUARKUS_MANAGEMENT_PORT=$((PORT + 100)) QUARKUS_MANAGEMENT_HOST=127.0.0.1 GATEWAY_HTTP_MAX_STREAMS_PER_ADDRESS=0 \
  QUARKUS_LOG_CATEGORY__REALTIME_GATEWAY__LEVEL=WARN \
  java ${GATEWAY_BENCH_JAVA_OPTS:--Xmx1g} -jar target/quarkus-app/quarkus-run.jar > target/bench-local.log 2>&1 &
GW=$!
trap 'kill $GW 2>/dev/null || true' EXIT
start=$(date +%s.%N)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$((PORT + 100))/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "pool warm (process start to ready): $(echo "$(date +%s.%N) - $start" | bc) s"
echo "memory with the pool warm: RSS $(( $(awk '/VmRSS/ {print $2}' /proc/$GW/status) / 1024 )) MiB;" \
  "heap after full GC: $(jcmd $GW GC.run >/dev/null; jcmd $GW GC.heap_info | awk '/used/ {print $0; exit}' | sed -E 's/.*used ([0-9]+)K.*/\1/' | awk '{printf "%d MiB", $1/1024}')"
java -cp "$CP" realtime.gateway.bench.LocalEngineBench "http://127.0.0.1:${PORT}" "${1:-32}"
echo "peak RSS during the run: $(( $(awk '/VmHWM/ {print $2}' /proc/$GW/status) / 1024 )) MiB"
