# shellcheck shell=bash
# Apache Kafka, KRaft mode, one combined broker+controller node, run from the broker's own jars
# (resolved from Maven Central by mvn through scripts/infra/kafka/pom.xml) with the machine's Java.

KAFKA_POM=$INFRA_SCRIPTS_DIR/kafka/pom.xml
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")
KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION # lib/*.jar, tools-log4j2.properties
KAFKA_LIB=$KAFKA_HOME/lib
KAFKA_DEFAULT_PORT=9092
KAFKA_DEFAULT_CONTROLLER_PORT=9093
KAFKA_DIR=$INFRA_DIR/kafka
KAFKA_DATA=$KAFKA_DIR/data
KAFKA_PROPS=$KAFKA_DIR/server.properties
KAFKA_LOG4J=$KAFKA_DIR/log4j2.properties
KAFKA_PIDFILE=$INFRA_RUN/kafka.pid
KAFKA_LOG=$INFRA_LOGS/kafka.log
KAFKA_RESOLVE_LOG=$INFRA_LOGS/kafka-resolve.log
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}

java_major() { java -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p'; }

kafka_pid() { read_pid "$KAFKA_PIDFILE" "kafka.Kafka $KAFKA_PROPS"; }

kafka_install() {
  local want
  if ! command -v java >/dev/null 2>&1 || (($(java_major || echo 0) < 17)); then
    log "kafka: installing openjdk-17-jre-headless (Kafka 4 brokers need Java 17+)…"
    apt_ensure openjdk-17-jre-headless
  fi
  want=$(sha256sum "$KAFKA_POM" | cut -c1-64)
  if [[ $(cat "$KAFKA_HOME/.pom.sha256" 2>/dev/null) == "$want" && -f $KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar ]]; then
    return 0
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    log "kafka: installing maven…"
    apt_ensure maven
  fi
  log "kafka: resolving Apache Kafka $KAFKA_VERSION jars from Maven Central (mvn)…"
  mkdir -p "$KAFKA_HOME" "$INFRA_LOGS"
  local tmp=$KAFKA_HOME/lib.tmp.$$
  rm -rf "$tmp"
  mvn -B -q -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KAFKA_RESOLVE_LOG" 2>&1 </dev/null ||
    die "kafka: mvn could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION" "$KAFKA_RESOLVE_LOG"
  [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]] || die "kafka: kafka_2.13-$KAFKA_VERSION.jar missing after mvn" "$KAFKA_RESOLVE_LOG"
  rm -rf "$KAFKA_LIB"
  mv "$tmp" "$KAFKA_LIB"
  cat >"$KAFKA_HOME/tools-log4j2.properties" <<'EOF'
# command-line tools (TopicCommand, console producer/consumer...): warnings only, on stderr
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
  echo "$want" >"$KAFKA_HOME/.pom.sha256"
  log "kafka: $(find "$KAFKA_LIB" -name "*.jar" | wc -l) jars cached in $KAFKA_LIB"
}

# kafka_tool MAIN_CLASS ARGS...: run a Kafka command-line class on the cached classpath.
kafka_tool() {
  java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_HOME/tools-log4j2.properties" \
    -cp "$KAFKA_LIB/*" "$@"
}

# The broker really answers: a metadata round trip (topic list), bounded.
kafka_probe() {
  timeout 40 java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$KAFKA_HOME/tools-log4j2.properties" -cp "$KAFKA_LIB/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$1" --list </dev/null
}

kafka_write_config() {
  local port=$1 cport=$2
  cat >"$KAFKA_PROPS" <<EOF
# written by scripts/infra/kafka.sh on each start: one KRaft node, broker + controller
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
num.network.threads=3
num.io.threads=4
num.recovery.threads.per.data.dir=1
# fast, single-node tests
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  cat >"$KAFKA_LOG4J" <<'EOF'
# written by scripts/infra/kafka.sh: broker log to stdout (captured in .infra/logs/kafka.log)
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
EOF
}

kafka_start() {
  local pid port cport cid t0=$SECONDS
  pid=$(kafka_pid)
  if [[ -n $pid ]]; then
    log "kafka: already running on 127.0.0.1:$(saved_port kafka) (pid $pid)"
    return 0
  fi
  kafka_install
  mkdir -p "$KAFKA_DATA"
  port=$(choose_port kafka "$KAFKA_DEFAULT_PORT")
  cport=$(choose_port kafka-controller "$KAFKA_DEFAULT_CONTROLLER_PORT" "$port")
  save_port kafka "$port"
  save_port kafka-controller "$cport"
  kafka_write_config "$port" "$cport"
  [[ -f $KAFKA_LOG ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
  : >"$KAFKA_LOG"

  if [[ ! -f $KAFKA_DATA/meta.properties ]]; then
    cid=$(cat "$KAFKA_DIR/cluster.id" 2>/dev/null || true)
    if [[ -z $cid ]]; then
      cid=$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG") ||
        die "kafka: StorageTool random-uuid failed" "$KAFKA_LOG"
      echo "$cid" >"$KAFKA_DIR/cluster.id"
    fi
    log "kafka: formatting KRaft storage (cluster id $cid)…"
    kafka_tool kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_PROPS" >>"$KAFKA_LOG" 2>&1 ||
      die "kafka: StorageTool format failed" "$KAFKA_LOG"
  fi

  log "kafka: starting Kafka $KAFKA_VERSION (KRaft broker+controller) on 127.0.0.1:$port (controller $cport)…"
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM options
  spawn "$KAFKA_PIDFILE" "$KAFKA_LOG" java $KAFKA_HEAP_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -Dkafka.logs.dir="$INFRA_LOGS" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_PROPS"
  pid=$(cat "$KAFKA_PIDFILE")
  if ! wait_until 90 "$pid" port_open "$port"; then
    pid_alive "$pid" && stop_pid "$pid" kafka 10
    die "kafka: broker did not open 127.0.0.1:$port (exited or timed out)" "$KAFKA_LOG"
  fi
  if ! wait_until 90 "$pid" kafka_probe "$port"; then
    pid_alive "$pid" || die "kafka: broker exited during startup" "$KAFKA_LOG"
    die "kafka: broker on 127.0.0.1:$port does not answer a metadata request (TopicCommand --list)" "$KAFKA_LOG"
  fi
  log "kafka: started Kafka $KAFKA_VERSION on 127.0.0.1:$port (pid $pid, $((SECONDS - t0))s)"
}

kafka_stop() {
  local pid
  pid=$(kafka_pid)
  if [[ -z $pid ]]; then
    log "kafka: not running"
    return 0
  fi
  stop_pid "$pid" kafka 60 # SIGTERM = controlled shutdown; SIGKILL after 60 s
  rm -f "$KAFKA_PIDFILE"
  log "kafka: stopped"
}

kafka_status() {
  local port
  port=$(saved_port kafka)
  [[ -n $(kafka_pid) && -n $port ]] && port_open "$port"
}

kafka_wipe() { rm -rf "$KAFKA_DIR" "$KAFKA_LOG" "$KAFKA_LOG.1" "$KAFKA_PIDFILE"; }
