#!/usr/bin/env bash
# Fan-out benchmark kit: the same workload against three targets in one run, one table at the end.
#   gateway   the packaged gateway (prod profile), fed by a load-generating fake Realtime upstream
#   baseline  a Node.js relay with the `ws` package (bench/baseline-node), the kind users write today
#   ceiling   a minimal Vert.x relay that only reads upstream and writes to subscribers (the network path)
# The load generator (fake upstream + subscribers) is a separate JVM; everything is on loopback, and every
# phase is bounded in time. Usage:
#   bench/run.sh [--smoke] [--targets=gateway,baseline,ceiling] [--sessions=100] [--subscribers=10]
#                [--rate=20] [--seconds=60] [--warmup=10] [--no-saturate] [--idle-steps=0,1000,5000]
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=gateway,baseline,ceiling SESSIONS=100 SUBS=10 RATE=20 SECONDS_=60 WARMUP=10 SATURATE=1 IDLE=0,1000,5000
for arg in "$@"; do
  case $arg in
    --smoke) SESSIONS=5 SUBS=2 RATE=10 SECONDS_=5 WARMUP=1 SATURATE=0 IDLE=0,50 ;;
    --targets=*) TARGETS=${arg#*=} ;;
    --sessions=*) SESSIONS=${arg#*=} ;;
    --subscribers=*) SUBS=${arg#*=} ;;
    --rate=*) RATE=${arg#*=} ;;
    --seconds=*) SECONDS_=${arg#*=} ;;
    --warmup=*) WARMUP=${arg#*=} ;;
    --no-saturate) SATURATE=0 ;;
    --idle-steps=*) IDLE=${arg#*=} ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

PORT=18090
UPSTREAM_PORT=18765
# A throwaway admin key for this run only: the gateway requires one, the baseline and ceiling ignore it.
GATEWAY_BENCH_KEY=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40 || true)
export GATEWAY_BENCH_KEY
OUT=bench/out
mkdir -p "$OUT"
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f target/test-classes/realtime/gateway/bench/CeilingRelay.class ]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
if [[ $TARGETS == *baseline* ]]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "node/npm not found: skipping the baseline target (install Node.js to compare against it)" >&2
    TARGETS=$(echo "$TARGETS" | sed -E 's/(^|,)baseline(,|$)/\1/; s/,$//; s/^,//')
  elif [ ! -d bench/baseline-node/node_modules/ws ]; then
    (cd bench/baseline-node && npm ci --no-audit --no-fund --silent)
  fi
fi

PID=
start_target() {
  local name=$1
  case $name in
    gateway)
      OPENAI_API_KEY=bench-not-a-key GATEWAY_UPSTREAM_URL="ws://127.0.0.1:${UPSTREAM_PORT}/v1/realtime" \
        QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CATEGORY__REALTIME_GATEWAY__LEVEL=WARN \
        GATEWAY_SESSIONS_MAX=10000 GATEWAY_FANOUT_MAX_PENDING=100000 \
        GATEWAY_AUTH_KEYS="name=bench,role=admin,key=${GATEWAY_BENCH_KEY},max-sessions=100000,creates-per-minute=100000" \
        java -Xmx1g -jar target/quarkus-app/quarkus-run.jar > "$OUT/$name.log" 2>&1 & ;;
    baseline)
      PORT=$PORT UPSTREAM_URL="ws://127.0.0.1:${UPSTREAM_PORT}/v1/realtime" node bench/baseline-node/relay.js \
        > "$OUT/$name.log" 2>&1 & ;;
    ceiling)
      PORT=$PORT UPSTREAM_URL="ws://127.0.0.1:${UPSTREAM_PORT}/v1/realtime" \
        java -Xmx1g -cp "$CP" realtime.gateway.bench.CeilingRelay > "$OUT/$name.log" 2>&1 & ;;
  esac
  PID=$!
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:${PORT}/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "$name did not become ready" >&2
  return 1
}
stop_target() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=
}
trap 'stop_target' EXIT

load() {
  java -Xmx2g -cp "$CP" realtime.gateway.bench.FanoutLoad --gateway="http://127.0.0.1:${PORT}" \
    --upstream-port="$UPSTREAM_PORT" --target-pid="$PID" "$@"
}

echo "workload: $SESSIONS sessions x $SUBS subscribers, $RATE events/s per session, ${SECONDS_} s after ${WARMUP} s warm-up; $(nproc) cores"
for t in ${TARGETS//,/ }; do
  echo "== $t"
  start_target "$t"
  load --sessions="$SESSIONS" --subscribers="$SUBS" --rate="$RATE" --seconds="$SECONDS_" --warmup="$WARMUP" \
    $( [ "$SATURATE" = 1 ] && echo --saturate ) | tee "$OUT/$t.load.txt"
  stop_target
  start_target "$t"
  load --mode=idle --idle-steps="$IDLE" | tee "$OUT/$t.idle.txt"
  stop_target
done

echo
echo "results ($(date -u +%Y-%m-%d), $(nproc) cores):"
printf '%-9s %13s %9s %8s %8s %8s %12s %9s %10s %13s\n' target "delivered/s" "all" "p50 ms" "p99 ms" "p99.9 ms" \
  "CPU s/100k" "RSS MiB" "idle B/sub" "saturation/s"
for t in ${TARGETS//,/ }; do
  l=$(grep '^RESULT load' "$OUT/$t.load.txt" || true)
  s=$(grep '^RESULT saturation' "$OUT/$t.load.txt" || true)
  i=$(grep '^RESULT idle' "$OUT/$t.idle.txt" || true)
  get() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
  del=$(get "$l" delivered); exp=$(get "$l" expected); cpu=$(get "$l" cpu_s)
  printf '%-9s %13s %9s %8s %8s %8s %12s %9s %10s %13s\n' "$t" "$(get "$l" per_s)" \
    "$( [ "$del" = "$exp" ] && echo yes || echo "$del/$exp")" "$(get "$l" p50)" "$(get "$l" p99)" "$(get "$l" p999)" \
    "$(awk -v c="$cpu" -v d="$del" 'BEGIN {printf "%.2f", c * 100000 / (d > 0 ? d : 1)}')" \
    "$(( $(get "$l" rss_kb) / 1024 ))" "$(get "$i" per_subscriber_bytes)" "$(get "$s" per_s)"
done | tee "$OUT/table.txt"
ratio() {
  local a b
  a=$(grep "^$1 " "$OUT/table.txt" | awk -v c="$3" '{print $c}')
  b=$(grep "^$2 " "$OUT/table.txt" | awk -v c="$3" '{print $c}')
  [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
if [[ $TARGETS == *gateway* && $TARGETS == *ceiling* ]]; then
  echo "gateway/ceiling: saturation throughput $(ratio gateway ceiling 10 || true), p99 latency $(ratio gateway ceiling 5 || true)"
fi
if [[ $TARGETS == *gateway* && $TARGETS == *baseline* ]]; then
  echo "gateway/baseline: saturation throughput $(ratio gateway baseline 10 || true), p99 latency $(ratio gateway baseline 5 || true)"
fi
