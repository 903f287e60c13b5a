#!/usr/bin/env bash
# Start-up: time from process start to /q/health/ready answering 200, and RSS at that moment, median of
# RUNS runs (default 7), for the gateway and for a minimal Quarkus app with the same extensions (the floor),
# each as a fast-jar on Java 17 and on Java 25 with the JDK AOT cache trained by the integration tests.
#   bench/startup.sh [runs]     (JDK25_HOME overrides where the Java 25 JDK is looked for)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
OUT=bench/out/startup
mkdir -p "$OUT"
JAVA17=$(command -v java)
JDK25=${JDK25_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
PORT=18093

build() { # dir variant
  local src=$1 dst=$2 aot=$3
  rm -rf "$dst" && mkdir -p "$dst"
  (cd "$src" && tar --exclude=./target --exclude=./bench/out --exclude=./node_modules -cf - .) | (cd "$dst" && tar -xf -)
  if [ "$aot" = aot ]; then
    (cd "$dst" && JAVA_HOME=$JDK25 "$OLDPWD/mvnw" -B -q -f pom.xml verify -Dquarkus.package.jar.aot.enabled=true \
      -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false > build.log 2>&1)
  else
    (cd "$dst" && "$OLDPWD/mvnw" -B -q -f pom.xml package -DskipTests > build.log 2>&1)
  fi
}

measure() { # label java dir extra-args...
  local label=$1 java=$2 dir=$3
  shift 3
  local times=() rsss=()
  for _ in $(seq 1 "$RUNS"); do
    local t0 pid
    t0=$(date +%s%N)
    (cd "$dir/target/quarkus-app" && OPENAI_API_KEY=startup-not-a-key QUARKUS_HTTP_PORT=$PORT \
      QUARKUS_MANAGEMENT_PORT=$((PORT + 100)) \
      exec "$java" "$@" -jar quarkus-run.jar > /dev/null 2>&1) &
    pid=$!
    # Health is on the management port; a build from before it answers on the API port.
    until curl -sf -o /dev/null "http://127.0.0.1:$((PORT + 100))/q/health/ready" \
      || curl -sf -o /dev/null "http://127.0.0.1:${PORT}/q/health/ready"; do sleep 0.005; done
    local t1 rss child
    t1=$(date +%s%N)
    child=$(pgrep -P "$pid" java || echo "$pid")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$child/status" 2>/dev/null || awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    times+=($(( (t1 - t0) / 1000000 )))
    rsss+=($(( rss / 1024 )))
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  done
  local mt mr
  mt=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rsss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-34s %8s ms %8s MiB   (runs: %s ms)\n' "$label" "$mt" "$mr" "${times[*]}" | tee -a "$OUT/table.txt"
}

: > "$OUT/table.txt"
echo "building (fast-jar on Java 17; AOT on Java 25 at $JDK25, trained by the integration tests)…"
build . "$OUT/gateway-17" plain
build bench/minimal-app "$OUT/minimal-17" plain
if [ -x "$JDK25/bin/java" ]; then
  build . "$OUT/gateway-25-aot" aot
  build bench/minimal-app "$OUT/minimal-25-aot" aot
fi
echo "start-up to ready, median of $RUNS ($(nproc) cores, $(date -u +%Y-%m-%d)):"
measure "gateway, Java 17 fast-jar" "$JAVA17" "$OUT/gateway-17"
measure "minimal Quarkus, Java 17 fast-jar" "$JAVA17" "$OUT/minimal-17"
if [ -x "$JDK25/bin/java" ]; then
  measure "gateway, Java 25 + AOT cache" "$JDK25/bin/java" "$OUT/gateway-25-aot" -XX:AOTCache=app.aot
  measure "minimal Quarkus, Java 25 + AOT cache" "$JDK25/bin/java" "$OUT/minimal-25-aot" -XX:AOTCache=app.aot
fi
