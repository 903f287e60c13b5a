# Sourced by the benchmark scripts: builds what they need and starts/stops one target at a time.
#   gateway   the packaged gateway (prod profile)
#   before    another gateway jar given with --before=<quarkus-run.jar> (e.g. main before a change), same settings
#   memory    the packaged gateway with gateway.store=memory (nothing persisted): persistence on vs off
#   baseline  the Node.js `ws` relay (bench/baseline-node)
#   ceiling   the bare Vert.x relay (realtime.gateway.bench.CeilingRelay)
# Needs PORT, UPSTREAM_PORT and OUT set; exports GATEWAY_BENCH_KEY (a throwaway admin key for this run).

GATEWAY_BENCH_KEY=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40 || true)
export GATEWAY_BENCH_KEY
BEFORE_JAR=${BEFORE_JAR:-}
mkdir -p "$OUT"
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f target/test-classes/realtime/gateway/bench/IngestLoad.class ]; then
  ./mvnw -B -q package -DskipTests
fi
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

# Drops the baseline from $TARGETS when Node.js is missing; installs its one package otherwise.
prepare_targets() {
  if [[ $TARGETS == *baseline* ]]; then
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
      echo "node/npm not found: skipping the baseline target (install Node.js to compare against it)" >&2
      TARGETS=$(echo "$TARGETS" | sed -E 's/(^|,)baseline(,|$)/\1/; s/,$//; s/^,//')
    elif [ ! -d bench/baseline-node/node_modules/ws ]; then
      (cd bench/baseline-node && npm ci --no-audit --no-fund --silent)
    fi
  fi
  if [ -n "$BEFORE_JAR" ] && [[ $TARGETS != *before* ]]; then
    TARGETS="$TARGETS,before"
  fi
  if [[ $TARGETS == *before* && ! -f $BEFORE_JAR ]]; then
    echo "--before=<quarkus-run.jar> is needed for the 'before' target" >&2
    exit 2
  fi
}

PID=
start_target() {
  local name=$1 jar=target/quarkus-app/quarkus-run.jar
  case $name in
    gateway|before|memory|nometrics)
      [ "$name" = before ] && jar=$BEFORE_JAR
      local store=${GATEWAY_STORE:-auto} metrics=true
      [ "$name" = memory ] && store=memory
      [ "$name" = nometrics ] && metrics=false
      GATEWAY_STORE=$store GATEWAY_METRICS_ENABLED=$metrics OPENAI_API_KEY=bench-not-a-key GATEWAY_UPSTREAM_URL="ws://127.0.0.1:${UPSTREAM_PORT}/v1/realtime" \
        QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_LOG_CATEGORY__REALTIME_GATEWAY__LEVEL=WARN \
        QUARKUS_MANAGEMENT_PORT=$((PORT + 100)) QUARKUS_MANAGEMENT_HOST=127.0.0.1 \
        GATEWAY_SESSIONS_MAX=10000 GATEWAY_FANOUT_MAX_PENDING=100000 GATEWAY_HTTP_MAX_STREAMS_PER_ADDRESS=0 \
        GATEWAY_AUTH_KEYS="name=bench,role=admin,key=${GATEWAY_BENCH_KEY},max-sessions=100000,creates-per-minute=100000" \
        java -Xms1g -Xmx1g ${GATEWAY_BENCH_JAVA_OPTS:-} -jar "$jar" > "$OUT/$name.log" 2>&1 & ;;
    baseline)
      PORT=$PORT UPSTREAM_URL="ws://127.0.0.1:${UPSTREAM_PORT}/v1/realtime" node bench/baseline-node/relay.js \
        > "$OUT/$name.log" 2>&1 & ;;
    ceiling)
      PORT=$PORT UPSTREAM_URL="ws://127.0.0.1:${UPSTREAM_PORT}/v1/realtime" \
        java -Xms1g -Xmx1g -cp "$CP" realtime.gateway.bench.CeilingRelay > "$OUT/$name.log" 2>&1 & ;;
    *) echo "unknown target $name" >&2; return 2 ;;
  esac
  PID=$!
  for _ in $(seq 1 150); do
    # Health is on the management port (PORT+100); the relays, and jars from before it, answer on PORT.
    curl -sf "http://127.0.0.1:$((PORT + 100))/q/health/ready" >/dev/null 2>&1 && return 0
    curl -sf "http://127.0.0.1:${PORT}/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "$name did not become ready" >&2
  return 1
}
stop_target() {
  [ -n "$PID" ] || return 0
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=
}
trap 'stop_target' EXIT
