#!/usr/bin/env bash
# Fetch and run a real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) on loopback,
# for integration tests and CI. Needs only Java 17+ and Maven (jars come from Maven Central via pom.xml).
#
#   kafka.sh fetch                                              # resolve jars into deploy/kafka/dist/libs
#   kafka.sh start [--port 9092] [--controller-port 9093] [--dir DIR] [--fresh]
#   kafka.sh stop  [--dir DIR]
#   kafka.sh status [--dir DIR] [--port 9092]
#   kafka.sh tool CLASS [ARGS...]                               # run a Kafka CLI class with the jars, e.g.
#       kafka.sh tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# Environment: DOZOR_KAFKA_PORT (9092), DOZOR_KAFKA_CONTROLLER_PORT (9093), DOZOR_KAFKA_DIR
# (${TMPDIR:-/tmp}/dozor-kafka), DOZOR_KAFKA_HEAP ("-Xmx512m -Xms256m"), DOZOR_KAFKA_LOG_LEVEL (info),
# DOZOR_KAFKA_START_TIMEOUT (90), MVN (mvn), DOZOR_KAFKA_MAVEN_ARGS (extra Maven args, e.g. -Dmaven.repo.local=...),
# JAVA_HOME.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIST="$HERE/dist"
LIBS="$DIST/libs"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MVN="${MVN:-mvn}"

PORT="${DOZOR_KAFKA_PORT:-9092}"
CPORT="${DOZOR_KAFKA_CONTROLLER_PORT:-9093}"
DIR="${DOZOR_KAFKA_DIR:-${TMPDIR:-/tmp}/dozor-kafka}"
HEAP="${DOZOR_KAFKA_HEAP:--Xmx512m -Xms256m}"
LOG_LEVEL="${DOZOR_KAFKA_LOG_LEVEL:-info}"
START_TIMEOUT="${DOZOR_KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT=30
FRESH=0

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

parse_opts() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --port) PORT="$2"; shift 2 ;;
            --port=*) PORT="${1#*=}"; shift ;;
            --controller-port) CPORT="$2"; shift 2 ;;
            --controller-port=*) CPORT="${1#*=}"; shift ;;
            --dir) DIR="$2"; shift 2 ;;
            --dir=*) DIR="${1#*=}"; shift ;;
            --fresh) FRESH=1; shift ;;
            -h|--help) usage; exit 0 ;;
            *) die "unknown option: $1" ;;
        esac
    done
    case "$PORT$CPORT" in *[!0-9]*|'') die "ports must be numbers (got --port '$PORT' --controller-port '$CPORT')" ;; esac
    [ "$PORT" != "$CPORT" ] || die "--port and --controller-port must differ"
    mkdir -p "$DIR"
    DIR="$(cd "$DIR" && pwd)"
    PIDFILE="$DIR/broker.pid"
    LOGFILE="$DIR/broker.log"
    CONF="$DIR/server.properties"
}

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# slf4j-simple configuration (the broker has no log4j in this classpath; everything goes to stderr).
slf4j_opts() {  # $1 = default level
    printf '%s ' "-Dorg.slf4j.simpleLogger.defaultLogLevel=$1" \
        -Dorg.slf4j.simpleLogger.showDateTime=true \
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS" \
        -Dorg.slf4j.simpleLogger.showShortLogName=true \
        -Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn \
        -Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config=warn \
        -Dorg.slf4j.simpleLogger.log.kafka.server.KafkaConfig=warn
}

have_libs() { ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1; }

pom_hash() { cksum < "$HERE/pom.xml" | tr -s ' \t' '-'; }

cmd_fetch() {
    local stamp="$LIBS/.pom.cksum" want
    want="$(pom_hash)"
    if have_libs && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        log "jars up to date in $LIBS ($(ls "$LIBS"/*.jar | wc -l) jars)"
        return 0
    fi
    command -v "$MVN" >/dev/null || die "Maven ('$MVN') not found"
    # Copy into a fresh directory and swap, so a version bump never leaves two kafka-clients on the classpath.
    local tmp="$DIST/libs.tmp.$$"
    rm -rf "$tmp"; mkdir -p "$DIST"
    # shellcheck disable=SC2086
    local mvn_cmd=("$MVN" -B -q -Dstyle.color=never -f "$HERE/pom.xml" ${DOZOR_KAFKA_MAVEN_ARGS:-} dependency:copy-dependencies
                   -DoutputDirectory="$tmp" -DincludeScope=runtime)
    if "${mvn_cmd[@]}" -o >/dev/null 2>&1; then
        log "resolved offline from the local Maven repository"
    else
        rm -rf "$tmp"
        log "resolving from Maven Central (first run downloads ~40 MB)..."
        # (Debian's Maven prints bare ANSI reset codes even with -B -q; strip them.)
        "${mvn_cmd[@]}" 2>&1 | { sed 's/\x1b\[[0-9;]*m//g' | grep -v '^[[:space:]]*$' || true; } >&2 \
            || { rm -rf "$tmp"; die "maven failed"; }
    fi
    ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "maven produced no kafka_2.13 jar"; }
    echo "$want" > "$tmp/.pom.cksum"
    rm -rf "$LIBS"; mv "$tmp" "$LIBS"
    log "$(ls "$LIBS"/*.jar | wc -l) jars in $LIBS: $(cd "$LIBS" && ls kafka_2.13-*.jar)"
}

# pid from the pid file if that process is alive and really is our broker (guards against pid reuse).
broker_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid; pid="$(cat "$PIDFILE" 2>/dev/null)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    local args
    if [ -r "/proc/$pid/cmdline" ]; then args="$(tr '\0' ' ' < "/proc/$pid/cmdline")"; else args="$(ps -o args= -p "$pid" 2>/dev/null)"; fi
    case "$args" in *"kafka.Kafka $CONF"*) ;; *) return 1 ;; esac
    echo "$pid"
}

# PLAINTEXT port the broker in $DIR was started with (from its server.properties), else $PORT.
conf_port() {
    local p
    p="$(sed -n 's/^advertised\.listeners=PLAINTEXT:\/\/[^:]*:\([0-9]*\).*/\1/p' "$CONF" 2>/dev/null | head -n1)"
    echo "${p:-$PORT}"
}

port_open() {  # $1 = port
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ready = the broker answers a Metadata request (v4, the oldest Kafka 4.0 accepts) and lists itself, i.e. it has
# registered with the controller and is unfenced. Falls back to TopicCommand if python3 is missing.
broker_ready() {  # $1 = port
    if command -v python3 >/dev/null; then
        python3 - "$1" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
cid = b"dozor-ready"
body = struct.pack(">hhih", 3, 4, 7, len(cid)) + cid + struct.pack(">ib", -1, 0)  # all topics, no auto-create
try:
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.settimeout(3)
        s.sendall(struct.pack(">i", len(body)) + body)
        def read(n):
            buf = b""
            while len(buf) < n:
                chunk = s.recv(n - len(buf))
                if not chunk:
                    raise EOFError
                buf += chunk
            return buf
        size, = struct.unpack(">i", read(4))
        resp = read(size)
    corr, _throttle, nbrokers = struct.unpack(">iii", resp[:12])
    sys.exit(0 if corr == 7 and nbrokers >= 1 else 1)
except Exception:
    sys.exit(1)
PY
    else
        timeout 20 "$JAVA" -Xmx128m $(slf4j_opts warn) -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
            --bootstrap-server "127.0.0.1:$1" --list >/dev/null 2>&1
    fi
}

write_config() {
    mkdir -p "$DIR/data"
    cat > "$CONF" <<EOF
# Generated by deploy/kafka/kafka.sh start: single-node KRaft broker+controller on loopback.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.voters=1@127.0.0.1:$CPORT
log.dirs=$DIR/data
num.partitions=4
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# A restarted node cannot re-register until its previous registration's session expires (default 9 s, then
# backoff: restarts on existing storage took ~18 s). Shorter session + heartbeat: restart in a few seconds.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=500
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

random_cluster_id() {  # Kafka Uuid: 16 random bytes, URL-safe base64 without padding, must not start with '-'
    local id
    while :; do
        id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
        case "$id" in -*) ;; *) echo "$id"; return ;; esac
    done
}

cmd_start() {
    parse_opts "$@"
    local pid
    if pid="$(broker_pid)"; then
        local running; running="$(conf_port)"
        [ "$running" = "$PORT" ] || die "a broker (pid $pid) from $DIR already runs on port $running, not $PORT; stop it first"
        if broker_ready "$PORT"; then log "already running (pid $pid) on 127.0.0.1:$PORT"; return 0; fi
        die "a broker (pid $pid) from $DIR is running but not ready on port $PORT; run: $0 stop --dir $DIR"
    fi
    rm -f "$PIDFILE"
    port_open "$PORT" && die "port $PORT is already in use (another Kafka?); pick --port / DOZOR_KAFKA_PORT"
    port_open "$CPORT" && die "controller port $CPORT is already in use; pick --controller-port"
    have_libs || cmd_fetch
    command -v "$JAVA" >/dev/null || die "java not found (set JAVA_HOME)"

    [ "$FRESH" = 1 ] && rm -rf "$DIR/data"
    write_config
    if [ ! -f "$DIR/data/meta.properties" ]; then
        local id; id="$(random_cluster_id)"
        # Static quorum (controller.quorum.voters), so a plain format. --standalone (Kafka 4.0's quickstart) is for
        # the dynamic quorum set up with controller.quorum.bootstrap.servers; 4.0.0 accepts it here too, but it isn't needed.
        "$JAVA" -Xmx256m $(slf4j_opts warn) -cp "$LIBS/*" kafka.tools.StorageTool format \
            -t "$id" -c "$CONF" >"$DIR/format.log" 2>&1 \
            || { cat "$DIR/format.log" >&2; die "storage format failed"; }
        log "formatted $DIR/data (cluster id $id)"
    else
        log "reusing formatted storage in $DIR/data (use --fresh to wipe it)"
    fi

    local t0=$SECONDS
    echo "==== $(date '+%Y-%m-%dT%H:%M:%S%z') kafka.sh start: port $PORT, controller port $CPORT" >>"$LOGFILE"
    # setsid: own session, so Ctrl-C / the caller's process group does not take the broker down with it.
    local detach=(nohup); command -v setsid >/dev/null && detach=(nohup setsid)
    # shellcheck disable=SC2046,SC2086
    "${detach[@]}" "$JAVA" $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
        $(slf4j_opts "$LOG_LEVEL") -cp "$LIBS/*" kafka.Kafka "$CONF" >>"$LOGFILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" > "$PIDFILE"

    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            log "broker exited during startup; last log lines ($LOGFILE):"
            tail -n 40 "$LOGFILE" >&2
            rm -f "$PIDFILE"
            exit 1
        fi
        if port_open "$PORT" && broker_ready "$PORT"; then
            log "ready on 127.0.0.1:$PORT (pid $pid, $((SECONDS - t0)) s; dir $DIR)"
            return 0
        fi
        if [ $((SECONDS - t0)) -ge "$START_TIMEOUT" ]; then
            log "broker not ready after ${START_TIMEOUT} s; last log lines ($LOGFILE):"
            tail -n 40 "$LOGFILE" >&2
            kill -KILL "$pid" 2>/dev/null || true
            rm -f "$PIDFILE"
            exit 1
        fi
        sleep 0.5
    done
}

cmd_stop() {
    parse_opts "$@"
    local pid
    if ! pid="$(broker_pid)"; then
        rm -f "$PIDFILE"
        log "not running ($DIR)"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < STOP_TIMEOUT * 4; i++)); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; log "stopped (pid $pid)"; return 0; }
        sleep 0.25
    done
    log "no exit after ${STOP_TIMEOUT} s of SIGTERM; sending SIGKILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$PIDFILE"
}

cmd_status() {
    parse_opts "$@"
    local pid
    if pid="$(broker_pid)"; then
        local port; port="$(conf_port)"
        if broker_ready "$port"; then
            echo "running: pid $pid, bootstrap 127.0.0.1:$port, dir $DIR"; return 0
        fi
        echo "starting or unhealthy: pid $pid, port $port not ready, dir $DIR (log $LOGFILE)"; return 1
    fi
    echo "not running (dir $DIR)"; return 3
}

cmd_tool() {
    [ $# -ge 1 ] || die "usage: $0 tool CLASS [ARGS...]"
    have_libs || cmd_fetch
    local cls="$1"; shift
    # shellcheck disable=SC2046
    exec "$JAVA" -Xmx256m $(slf4j_opts warn) -cp "$LIBS/*" "$cls" "$@"
}

sub="${1:-}"; [ $# -gt 0 ] && shift
case "$sub" in
    fetch) cmd_fetch ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    tool) cmd_tool "$@" ;;
    ''|-h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
esac
