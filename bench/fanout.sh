#!/usr/bin/env bash
# Fan-out load on loopback: the packaged gateway (prod profile) fed by a load-generating fake upstream,
# with S sessions x N subscribers in a separate JVM. Prints delivered events/s, latency percentiles, and
# the gateway's CPU seconds and peak RSS. Bounded: warm-up + measurement seconds, then everything stops.
#
#   bench/fanout.sh [--sessions=100] [--subscribers=10] [--rate=20] [--seconds=20] [--warmup=5]
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${GATEWAY_BENCH_PORT:-18080}
UPSTREAM_PORT=${GATEWAY_BENCH_UPSTREAM_PORT:-18765}

if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -d target/test-classes/realtime/gateway/bench ]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

OPENAI_API_KEY=bench-not-a-key \
GATEWAY_UPSTREAM_URL="ws://127.0.0.1:${UPSTREAM_PORT}/v1/realtime" \
QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1 \
QUARKUS_LOG_CATEGORY__REALTIME_GATEWAY__LEVEL=WARN \
  java -Xmx1g -jar target/quarkus-app/quarkus-run.jar > target/bench-gateway.log 2>&1 &
GW=$!
trap 'kill $GW 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:${PORT}/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

ticks() { awk '{print $14+$15}' "/proc/$GW/stat"; }
HZ=$(getconf CLK_TCK)
before=$(ticks)
java -cp "$CP" realtime.gateway.bench.FanoutLoad --gateway="http://127.0.0.1:${PORT}" \
  --upstream-port="$UPSTREAM_PORT" "$@"
after=$(ticks)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$GW/status")
echo "  gateway CPU during the run: $(( (after - before) / HZ )) s; peak RSS: $(( rss / 1024 )) MiB"
