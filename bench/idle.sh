#!/usr/bin/env bash
# Connection exhaustion (issue 12): the packaged jar with its defaults (quarkus.http.limits.max-connections=10000)
# and a short idle timeout, flooded with idle TCP connections that never send a byte while health is probed on the
# management port every 50 ms (realtime.gateway.bench.IdleFlood). Prints what the gateway held, its descriptors and
# RSS at the peak, how long until it had closed every held connection, and the probes' p50/p99/max.
# Usage: bench/idle.sh [--smoke] [--connections=25000] [--idle-timeout=10s] [--before=<quarkus-run.jar>]
# --before also floods another jar the same way, after this one, with its own idle timeout (a build from before the
# limits answers health on its API port, so that is where it is probed; it is watched for 30 s).
# This machine's hard descriptor limit is 20000 per process and cannot be raised here: the gateway holds at most its
# max-connections, and the flood closes on its side what the gateway closes, so 25000 attempts fit.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=25000 IDLE=10s BEFORE=
for arg in "$@"; do
  case $arg in
    --before=*) BEFORE=${arg#*=} ;;
    --smoke) CONNECTIONS=2000 IDLE=3s ;;
    --connections=*) CONNECTIONS=${arg#*=} ;;
    --idle-timeout=*) IDLE=${arg#*=} ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f target/test-classes/realtime/gateway/bench/IdleFlood.class ]; then
  ./mvnw -B -q package -DskipTests
fi
PORT=18096 MPORT=18196
mkdir -p bench/out
: > bench/out/idle.txt
flood() { # label jar health-port idle-timeout max-wait-seconds
  local label=$1 jar=$2 health=$3 idle=$4 wait=$5
  GATEWAY_STORE=memory QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT=$MPORT \
    QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_HTTP_IDLE_TIMEOUT=$idle \
    java -Xmx512m -jar "$jar" > "bench/out/idle-$label.log" 2>&1 &
  GW=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:${health}/q/health/live" >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "== $label" | tee -a bench/out/idle.txt
  local rc=0
  java -cp target/test-classes realtime.gateway.bench.IdleFlood --port=$PORT --health-port="$health" --pid=$GW \
    --connections="$CONNECTIONS" --max-wait="$wait" | tee -a bench/out/idle.txt || rc=$?
  kill $GW 2>/dev/null || true
  wait $GW 2>/dev/null || true
  return $rc
}
trap 'kill $GW 2>/dev/null || true' EXIT
GW=
flood gateway target/quarkus-app/quarkus-run.jar $MPORT "$IDLE" 120
if [ -n "$BEFORE" ]; then
  # With its own defaults (idle timeout 30 min), watched for 30 s.
  flood before "$BEFORE" $PORT 30m 30 || echo "(the before jar failed the flood's checks)"
fi
