#!/usr/bin/env bash
# Ingest benchmark: S sessions, each with a producer streaming PCM16 24 kHz in real time over the audio
# socket (/v1/sessions/{id}/audio, 100 ms binary frames); the load generator is also the fake upstream and
# counts the audio that arrives as input_audio_buffer.append. Prints the target's CPU per second of audio
# forwarded, side by side for every target in one run. Loopback only; bounded in time. Usage:
#   bench/ingest.sh [--smoke] [--targets=gateway,baseline] [--sessions=100] [--seconds=30] [--warmup=5]
#                   [--rounds=2] [--before=<quarkus-run.jar>]
set -euo pipefail
cd "$(dirname "$0")/.."
# Gateways started here keep their records in an embedded database of their own under target/, never ./data.
export GATEWAY_STORE_PATH=${GATEWAY_STORE_PATH:-./target/bench-data/\${quarkus.uuid\}}

TARGETS=gateway,baseline SESSIONS=100 SECONDS_=30 WARMUP=5 ROUNDS=2 BEFORE_JAR=
for arg in "$@"; do
  case $arg in
    --smoke) SESSIONS=5 SECONDS_=3 WARMUP=1 ROUNDS=1 ;;
    --targets=*) TARGETS=${arg#*=} ;;
    --sessions=*) SESSIONS=${arg#*=} ;;
    --seconds=*) SECONDS_=${arg#*=} ;;
    --warmup=*) WARMUP=${arg#*=} ;;
    --rounds=*) ROUNDS=${arg#*=} ;;
    --before=*) BEFORE_JAR=${arg#*=} ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

PORT=18090
UPSTREAM_PORT=18765
OUT=bench/out/ingest
source bench/targets.sh
prepare_targets

echo "workload: $SESSIONS sessions streaming real-time PCM16 24 kHz, ${SECONDS_} s after ${WARMUP} s warm-up, $ROUNDS rounds of every target in turn; $(nproc) cores"
: > "$OUT/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  for t in ${TARGETS//,/ }; do
    echo "== $t (round $round)"
    start_target "$t"
    java -Xmx1g -cp "$CP" realtime.gateway.bench.IngestLoad --gateway="http://127.0.0.1:${PORT}" \
      --upstream-port="$UPSTREAM_PORT" --target-pid="$PID" --sessions="$SESSIONS" --seconds="$SECONDS_" \
      --warmup="$WARMUP" | tee "$OUT/$t.$round.txt"
    stop_target
    echo "$t $(grep '^RESULT ingest' "$OUT/$t.$round.txt")" >> "$OUT/results.txt"
  done
done

echo
echo "results ($(date -u +%Y-%m-%d), $(nproc) cores), CPU ms per second of audio forwarded (lower is better):"
for t in ${TARGETS//,/ }; do
  grep "^$t " "$OUT/results.txt" | sed -E 's/.*cpu_ms_per_audio_s=([0-9.]+) all=([a-z]+).*/\1 \2/' \
    | awk -v t="$t" '{ v = v sprintf(" %8s", $1); s += $1; n++; if ($2 != "true") lost = 1 }
        END { printf "%-9s rounds:%s   mean %8.3f   all audio arrived: %s\n", t, v, s / n, lost ? "NO" : "yes" }'
done | tee "$OUT/table.txt"
