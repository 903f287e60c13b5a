#!/usr/bin/env bash
# Fan-out benchmark kit: the same workload against three targets in one run, one table at the end.
#   gateway   the packaged gateway (prod profile), fed by a load-generating fake Realtime upstream
#   baseline  a Node.js relay with the `ws` package (bench/baseline-node), the kind users write today
#   ceiling   a minimal Vert.x relay that only reads upstream and writes to subscribers (the network path)
#   before    optional: another gateway jar (--before=<path/to/quarkus-run.jar>), for before/after figures
#   memory    optional: the gateway with gateway.store=memory, for persistence on vs off (--targets=gateway,memory)
#   nometrics optional: the gateway with gateway.metrics.enabled=false, for its meters' cost (--targets=gateway,nometrics)
# The load generator (fake upstream + subscribers) is a separate JVM; everything is on loopback, and every
# phase is bounded in time. Usage:
#   bench/run.sh [--smoke] [--targets=gateway,baseline,ceiling] [--sessions=100] [--subscribers=10]
#                [--rate=20] [--seconds=60] [--warmup=10] [--no-saturate] [--idle-steps=0,1000,5000]
#                [--before=<quarkus-run.jar>]
set -euo pipefail
cd "$(dirname "$0")/.."
# Gateways started here keep their records in an embedded database of their own under target/, never ./data.
export GATEWAY_STORE_PATH=${GATEWAY_STORE_PATH:-./target/bench-data/\${quarkus.uuid\}}

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
    --before=*) BEFORE_JAR=${arg#*=} ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

PORT=18090
UPSTREAM_PORT=18765
OUT=bench/out
source bench/targets.sh
prepare_targets

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
if [[ $TARGETS == *gateway* && $TARGETS == *before* ]]; then
  echo "gateway/before: saturation throughput $(ratio gateway before 10 || true), p99 latency $(ratio gateway before 5 || true), CPU per 100k $(ratio gateway before 7 || true)"
fi
if [[ $TARGETS == *gateway* && $TARGETS == *memory* ]]; then
  echo "store on/off (gateway/memory): saturation throughput $(ratio gateway memory 10 || true), p99 latency $(ratio gateway memory 5 || true), CPU per 100k $(ratio gateway memory 7 || true)"
fi
if [[ $TARGETS == *gateway* && $TARGETS == *baseline* ]]; then
  echo "gateway/baseline: saturation throughput $(ratio gateway baseline 10 || true), p99 latency $(ratio gateway baseline 5 || true)"
fi
