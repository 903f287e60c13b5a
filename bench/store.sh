#!/usr/bin/env bash
# What persistence costs and how fast a restart is, on the gateway's own writer and SQL (realtime.gateway.store.StoreBench):
#   write   completed turns handed to the store writer at a fixed rate (each with its session's snapshot), against
#           the embedded H2 file database and a real PostgreSQL (embedded-postgres, from Maven) side by side:
#           writer CPU per turn, commit p50/p99, hand-over-to-commit delay p50/p99/max (what a kill -9 can lose)
#   restart the packaged jar's start to ready on an empty database and on one with N stored sessions plus N left
#           open by a dead node, on both databases
# Usage: bench/store.sh [--smoke] [--turns=20000] [--rate=2000] [--sessions=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
TURNS=20000 RATE=2000 SESSIONS=10000
for arg in "$@"; do
  case $arg in
    --smoke) TURNS=500 RATE=500 SESSIONS=200 ;;
    --turns=*) TURNS=${arg#*=} ;;
    --rate=*) RATE=${arg#*=} ;;
    --sessions=*) SESSIONS=${arg#*=} ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f target/test-classes/realtime/gateway/store/StoreBench.class ]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
mkdir -p bench/out
# Their logs (Flyway, the embedded PostgreSQL, the gateways' start) go to bench/out/store.log.
java -cp "$CP" realtime.gateway.store.StoreBench --turns="$TURNS" --rate="$RATE" 2>bench/out/store.log \
  | tee bench/out/store-write.txt
java -cp "$CP" realtime.gateway.store.StoreBench --restart="$SESSIONS" 2>>bench/out/store.log \
  | tee bench/out/store-restart.txt
