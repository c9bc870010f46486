#!/usr/bin/env bash
# Local backing services for Surprisal: PostgreSQL 15, Apache Kafka 3.9 (KRaft), S3 (MinIO).
#
#   infra/local/services.sh up      [svc...]   start (idempotent), wait until ready, write .env.services
#   infra/local/services.sh down    [--clean] [svc...]   stop (idempotent); --clean also deletes .services/
#   infra/local/services.sh restart <svc...>   stop + start the named services (postgres|kafka|s3)
#   infra/local/services.sh status  [svc...]   show what runs (exit 1 if something is down)
#   infra/local/services.sh env                print the .env.services contents
#
# svc is one of: postgres (pg), kafka, s3 (minio). Without names: all three.
# Everything listens on 127.0.0.1 only. Data and logs: <repo>/.services/<svc>/.
# Downloads/builds are cached outside the repo in ${SURPRISAL_CACHE_DIR:-~/.cache/surprisal}.
#
# Environment knobs (all optional):
#   SURPRISAL_SERVICES_DIR  data/log root            (default <repo>/.services)
#   SURPRISAL_CACHE_DIR     download/build cache     (default ${XDG_CACHE_HOME:-~/.cache}/surprisal)
#   SURPRISAL_S3_SERVER     minio | s3rver           (default minio; falls back to s3rver if minio
#                                                     cannot be built)
#   SURPRISAL_SERVICES_CLEAN=1                       same as `down --clean`
#   SURPRISAL_READY_TIMEOUT seconds per service readiness wait (default 90)
#   SURPRISAL_PG_PORT, SURPRISAL_KAFKA_PORT, SURPRISAL_KAFKA_CONTROLLER_PORT, SURPRISAL_S3_PORT,
#   SURPRISAL_S3_CONSOLE_PORT   ports (default 5432, 9092, 9093, 9000, 9001): a second set of
#                               services (another clone, with its own SURPRISAL_SERVICES_DIR) can run beside the first
set -Eeuo pipefail

# ----------------------------------------------------------------------------- settings
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
SERVICES_DIR="${SURPRISAL_SERVICES_DIR:-$REPO/.services}"
CACHE_DIR="${SURPRISAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/surprisal}"
ENV_FILE="$REPO/.env.services"
READY_TIMEOUT="${SURPRISAL_READY_TIMEOUT:-90}"
HOST=127.0.0.1

PG_MAJOR=15
PG_PORT="${SURPRISAL_PG_PORT:-5432}"
PG_USER=surprisal
PG_PASSWORD=surprisal
PG_DB=surprisal
PG_ROOT="$SERVICES_DIR/pg"
PG_DATA="$PG_ROOT/data"
PG_LOG="$PG_ROOT/server.log"

KAFKA_PORT="${SURPRISAL_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${SURPRISAL_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP="${SURPRISAL_KAFKA_HEAP:--Xmx512m -Xms256m}"
KAFKA_ROOT="$SERVICES_DIR/kafka"
KAFKA_DATA="$KAFKA_ROOT/data"
KAFKA_LOG="$KAFKA_ROOT/server.log"
KAFKA_PID="$KAFKA_ROOT/kafka.pid"
KAFKA_POM="$SCRIPT_DIR/kafka/pom.xml"
KAFKA_TMPL="$SCRIPT_DIR/kafka/server.properties.tmpl"

S3_PORT="${SURPRISAL_S3_PORT:-9000}"
S3_CONSOLE_PORT="${SURPRISAL_S3_CONSOLE_PORT:-9001}"
S3_BUCKET=surprisal
S3_REGION=us-east-1
MINIO_ACCESS_KEY=surprisal
MINIO_SECRET_KEY=surprisal-secret
S3_ACCESS_KEY="$MINIO_ACCESS_KEY"
S3_SECRET_KEY="$MINIO_SECRET_KEY"
S3_ROOT="$SERVICES_DIR/s3"
S3_DATA="$S3_ROOT/data"
S3_LOG="$S3_ROOT/server.log"
S3_PID="$S3_ROOT/server.pid"
S3_KIND_FILE="$S3_ROOT/server.kind"
# MinIO has no semver tags on the Go proxy (its RELEASE.* tags are not Go versions); this is
# the last commit of github.com/minio/minio (repository archived in Feb 2026), from
# `go list -m github.com/minio/minio@latest`.
MINIO_VERSION="${SURPRISAL_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
MINIO_BUILD_TIMEOUT="${SURPRISAL_MINIO_BUILD_TIMEOUT:-900}"
S3RVER_VERSION=3.7.1

# ----------------------------------------------------------------------------- helpers
log()  { printf '[services] %s\n' "$*" >&2; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die()  { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
now()  { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1fs", b-a}'; }

# print the last lines of a log file to stderr (for failure messages)
tail_log() {
  local f="$1"
  if [[ -f "$f" ]]; then
    printf '[services] ---- last lines of %s ----\n' "$f" >&2
    tail -n 25 "$f" >&2 || true
    printf '[services] ----\n' >&2
  fi
}

# fail_service <name> <log> <message>
fail_service() {
  tail_log "$2"
  die "$1: $3 (log: $2)"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# pids listening on a TCP port (needs ss from iproute2; empty if unknown)
port_pids() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true
}

# refuse to start when someone else holds the port
ensure_port_free() {
  local svc="$1" port="$2" hint="${3:-}"
  if port_open "$port"; then
    local who; who="$(port_pids "$port" | paste -sd, -)"
    die "$svc: port $HOST:$port is already in use by another process${who:+ (pid $who)}; stop it first${hint:+ ($hint)}"
  fi
}

wait_port_closed() {
  local port="$1" secs="${2:-30}" i
  for ((i = 0; i < secs * 10; i++)); do
    port_open "$port" || return 0
    sleep 0.1
  done
  return 1
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }

# stop_pid <name> <pidfile> <port...>: TERM, wait up to 30s, then KILL; wait for ports to free
stop_pid() {
  local name="$1" pidfile="$2"; shift 2
  local pid; pid="$(read_pid "$pidfile")"
  if pid_alive "$pid"; then
    log "$name: stopping (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 300; i++)); do pid_alive "$pid" || break; sleep 0.1; done
    if pid_alive "$pid"; then
      warn "$name: pid $pid did not exit after 30s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  else
    log "$name: not running"
  fi
  rm -f "$pidfile"
  local port
  for port in "$@"; do
    wait_port_closed "$port" 30 || warn "$name: port $port still open after stop (pid $(port_pids "$port" | tr '\n' ' '))"
  done
}

is_root() { [[ "$(id -u)" == 0 ]]; }

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then die "need to install $* but apt-get is not available"; fi
  local sudo=()
  is_root || { command -v sudo >/dev/null 2>&1 && sudo=(sudo) || die "need root (or sudo) to apt-get install $*"; }
  log "apt-get install -y $*"
  if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -n 1)" ]]; then
    "${sudo[@]}" apt-get update -qq
  fi
  if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2; then
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
  fi
}

sha_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

# A cache (~/.cache/surprisal) may be copied between machines, and a copy can arrive truncated: a
# truncated MinIO binary dies at once with no log. So a cached artifact is sealed with the sha256 of
# its files and reused only when they still match; otherwise it is rebuilt.
# cache_seal <seal file> <files...> / cache_sealed <seal file>
cache_seal() { local seal="$1"; shift; sha256sum "$@" >"$seal.tmp" && mv "$seal.tmp" "$seal"; }
cache_sealed() { [[ -s "$1" ]] && (cd "$(dirname "$1")" && sha256sum --check --quiet --status "$1"); }

# ============================================================================ PostgreSQL
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_OS_USER=""   # OS user that owns and runs the cluster (postgres when we are root)

# socket directory: inside .services when the path is short enough for a unix socket
pg_socket_dir() {
  local d="$PG_ROOT/run"
  if ((${#d} > 80)); then d="/tmp/surprisal-pg-$(printf '%s' "$PG_ROOT" | sha256sum | cut -c1-12)"; fi
  printf '%s' "$d"
}

pg_as() {
  if [[ -n "$PG_OS_USER" && "$PG_OS_USER" != "$(id -un)" ]]; then
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

pg_setup_user() {
  if is_root; then
    PG_OS_USER=postgres
    id postgres >/dev/null 2>&1 || die "postgres: OS user 'postgres' missing (should come with the postgresql package)"
  else
    PG_OS_USER="$(id -un)"
  fi
}

pg_ensure_installed() {
  if [[ ! -x "$PG_BIN/postgres" || ! -f "/usr/share/postgresql/$PG_MAJOR/extension/cube.control" ]]; then
    # do not let the Debian package create and start its own 'main' cluster on our port
    if is_root; then
      mkdir -p /etc/postgresql-common/createcluster.d
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/surprisal-no-main.conf
    fi
    apt_install postgresql postgresql-contrib
    [[ -x "$PG_BIN/postgres" ]] || die "postgres: $PG_BIN/postgres still missing after apt-get install postgresql (Debian 12 ships PostgreSQL $PG_MAJOR)"
  fi
}

pg_ctl_() { pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" "$@"; }

pg_running() {
  [[ -f "$PG_DATA/PG_VERSION" ]] || return 1
  pg_ctl_ status >/dev/null 2>&1
}

pg_psql_admin() {
  pg_as "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(pg_socket_dir)" -p "$PG_PORT" -U postgres "$@"
}

pg_init() {
  mkdir -p "$PG_ROOT"
  local sock; sock="$(pg_socket_dir)"
  mkdir -p "$sock"
  if is_root; then
    chown "$PG_OS_USER": "$PG_ROOT" "$sock"
    # the postgres user must be able to reach the data folder
    if ! runuser -u "$PG_OS_USER" -- test -w "$PG_ROOT"; then
      die "postgres: OS user '$PG_OS_USER' cannot write $PG_ROOT (a parent folder is not traversable, e.g. under /root); set SURPRISAL_SERVICES_DIR to a folder it can reach"
    fi
  fi
  chmod 700 "$sock" 2>/dev/null || true
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "postgres: initdb into $PG_DATA"
    rm -rf "$PG_DATA"
    pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_ROOT/initdb.log" 2>&1 ||
      fail_service postgres "$PG_ROOT/initdb.log" "initdb failed"
    # local socket: trust (admin tasks of this script); TCP: passwords (scram) only
    echo "include_if_exists = 'surprisal.conf'" >>"$PG_DATA/postgresql.conf"
  fi
  # settings live in their own file so that changes here apply to existing clusters too
  pg_as tee "$PG_DATA/surprisal.conf" >/dev/null <<EOF
# written by infra/local/services.sh on every start; do not edit
listen_addresses = '$HOST'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 128MB
# local throwaway data: skip fsync (safe against process crashes/kills, not OS crashes)
fsync = off
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

pg_bootstrap_sql() {
  pg_psql_admin -d postgres <<EOF
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER;
  END IF;
END \$\$;
ALTER ROLE $PG_USER WITH LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
EOF
  local n
  n="$(pg_psql_admin -d "$PG_DB" -At -c "SELECT count(*) FROM pg_available_extensions WHERE name IN ('cube','uuid-ossp')")"
  [[ "$n" == 2 ]] || die "postgres: extensions cube and uuid-ossp are not both available (apt-get install postgresql-contrib)"
  # the real client path: TCP + password, as the application will connect
  PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -X -q -At -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" \
    -c 'SELECT 1' >/dev/null || die "postgres: cannot log in as $PG_USER over TCP $HOST:$PG_PORT (log: $PG_LOG)"
}

pg_up() {
  pg_ensure_installed
  pg_setup_user
  if pg_running; then
    log "postgres: already running"
    pg_bootstrap_sql
    return 0
  fi
  ensure_port_free postgres "$PG_PORT" "if it is Debian's own cluster: pg_ctlcluster $PG_MAJOR main stop"
  pg_init
  log "postgres: starting on $HOST:$PG_PORT"
  pg_as touch "$PG_LOG" 2>/dev/null || true
  # 9>&-: the server must not inherit the lock file descriptor
  pg_ctl_ start -w -t "$READY_TIMEOUT" -l "$PG_LOG" >/dev/null 9>&- ||
    fail_service postgres "$PG_LOG" "did not become ready within ${READY_TIMEOUT}s"
  pg_bootstrap_sql
}

pg_down() {
  pg_setup_user
  if [[ -x "$PG_BIN/pg_ctl" ]] && pg_running; then
    log "postgres: stopping (pg_ctl stop -m fast)"
    pg_ctl_ stop -m fast -w -t 60 >/dev/null || fail_service postgres "$PG_LOG" "pg_ctl stop failed"
  else
    log "postgres: not running"
  fi
  wait_port_closed "$PG_PORT" 30 || warn "postgres: port $PG_PORT still open after stop"
}

pg_status() {
  pg_setup_user
  if [[ -x "$PG_BIN/pg_ctl" ]] && pg_running; then
    local pid; pid="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
    if "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT"; then
      echo "postgres  running  pid ${pid:-?}  $HOST:$PG_PORT  data $PG_DATA  log $PG_LOG"
      return 0
    fi
    echo "postgres  STARTED BUT NOT READY  pid ${pid:-?}  log $PG_LOG"
    return 1
  fi
  echo "postgres  stopped"
  return 1
}

# ============================================================================ Kafka
KAFKA_HOME=""   # set by kafka_ensure_libs: $CACHE_DIR/kafka-<hash of pom>

kafka_ensure_java() {
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null 2>&1 || apt_install maven
}

kafka_ensure_libs() {
  local hash; hash="$(sha_of "$KAFKA_POM")"
  KAFKA_HOME="$CACHE_DIR/kafka-$hash"
  cache_sealed "$KAFKA_HOME/.complete" && return 0
  [[ -e "$KAFKA_HOME/.complete" ]] && warn "kafka: cached jars in $KAFKA_HOME fail their checksums; resolving again"
  kafka_ensure_java
  log "kafka: resolving broker jars from Maven Central into $KAFKA_HOME/libs (first run only)"
  local t0; t0="$(now)"
  mkdir -p "$CACHE_DIR"
  local work; work="$(mktemp -d "$CACHE_DIR/.kafka-resolve.XXXXXX")"
  cp "$KAFKA_POM" "$work/pom.xml"
  # A private local repository: jars come from Maven Central (checksum-verified on download), never
  # from a ~/.m2 that may have been copied in part; it is thrown away once the jars are sealed.
  if ! (cd "$work" && mvn -q -B -f pom.xml dependency:copy-dependencies -Dmaven.repo.local="$work/m2" \
        -DincludeScope=runtime -DoutputDirectory="$work/libs" >"$work/mvn.log" 2>&1); then
    tail_log "$work/mvn.log"
    die "kafka: mvn dependency:copy-dependencies failed (log above; pom: $KAFKA_POM)"
  fi
  ls "$work/libs"/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka: resolved jars lack kafka_2.13 ($work/libs)"
  mkdir -p "$KAFKA_HOME"
  rm -rf "$KAFKA_HOME/libs"
  mv "$work/libs" "$KAFKA_HOME/libs"
  cp "$KAFKA_POM" "$KAFKA_HOME/pom.xml"
  rm -rf "$work"
  (cd "$KAFKA_HOME" && cache_seal .complete libs/*.jar)
  log "kafka: jars resolved in $(since "$t0")"
}

kafka_java() {
  java -cp "$KAFKA_HOME/libs/*" "$@"
}

kafka_write_config() {
  mkdir -p "$KAFKA_DATA"
  sed -e "s#@DATA_DIR@#$KAFKA_DATA#g" -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
    "$KAFKA_TMPL" >"$KAFKA_ROOT/server.properties"
  cat >"$KAFKA_ROOT/log4j.properties" <<EOF
# written by infra/local/services.sh
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$KAFKA_LOG
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
EOF
  cat >"$KAFKA_ROOT/tools-log4j.properties" <<EOF
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.appender.stderr.Target=System.err
EOF
}

kafka_format() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  # a Kafka Uuid: 16 random bytes, base64url without padding
  local cid; cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"
  log "kafka: formatting KRaft storage in $KAFKA_DATA (cluster id $cid)"
  kafka_java -Dlog4j.configuration="file:$KAFKA_ROOT/tools-log4j.properties" \
    kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_ROOT/server.properties" \
    >"$KAFKA_ROOT/format.log" 2>&1 || fail_service kafka "$KAFKA_ROOT/format.log" "StorageTool format failed"
}

# The pid file's process is a broker (not a reused pid). No pipe: under pipefail, `tr | grep -q` can fail
# on SIGPIPE when grep exits first.
kafka_pid_ok() {
  local pid; pid="$(read_pid "$KAFKA_PID")"
  pid_alive "$pid" && grep -qa 'kafka\.Kafka' "/proc/$pid/cmdline" 2>/dev/null
}

# run a Kafka CLI tool (org.apache.kafka.tools.*) from the cached jars, quiet logging
kafka_tool() {
  timeout 30 java -Xmx128m -XX:TieredStopAtLevel=1 -cp "$KAFKA_HOME/libs/*" \
    -Dlog4j.configuration="file:$KAFKA_ROOT/tools-log4j.properties" "$@"
}

# real metadata round trip through the broker's PLAINTEXT listener
kafka_metadata_ok() {
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" --list \
    >"$KAFKA_ROOT/ready-check.log" 2>&1
}

# On a freshly formatted broker the internal topics __consumer_offsets and __transaction_state
# are only created on the first FindCoordinator request, and clients then see "coordinator
# not available / loading" for a few seconds. Trigger both now so that tests start clean.
kafka_warm_coordinators() {
  local deadline=$((SECONDS + READY_TIMEOUT)) out need_group=1 need_tx=1
  grep -qx '__consumer_offsets' "$KAFKA_ROOT/ready-check.log" && need_group=0
  grep -qx '__transaction_state' "$KAFKA_ROOT/ready-check.log" && need_tx=0
  ((need_group || need_tx)) || return 0
  log "kafka: first start, creating the group/transaction coordinator topics"
  while ((SECONDS < deadline)); do
    if ((need_group)); then
      out="$(kafka_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
        --bootstrap-server "$HOST:$KAFKA_PORT" --describe --group surprisal-warmup 2>&1 || true)"
      grep -q 'does not exist' <<<"$out" && need_group=0
    fi
    if ((need_tx)); then
      out="$(kafka_tool org.apache.kafka.tools.TransactionsCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
        describe --transactional-id surprisal-warmup 2>&1 || true)"
      grep -q 'could not be found' <<<"$out" && need_tx=0
    fi
    ((need_group || need_tx)) || return 0
    sleep 0.5
  done
  printf '%s\n' "$out" >"$KAFKA_ROOT/ready-check.log"
  tail_log "$KAFKA_ROOT/ready-check.log"
  fail_service kafka "$KAFKA_LOG" "group/transaction coordinators not available within ${READY_TIMEOUT}s"
}

kafka_wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  while ((SECONDS < deadline)); do
    # Alive is enough for the process just started: until its exec it still shows this shell's command line.
    pid_alive "$(read_pid "$KAFKA_PID")" || fail_service kafka "$KAFKA_LOG" "broker process exited during startup"
    if port_open "$KAFKA_PORT" && kafka_metadata_ok; then
      kafka_warm_coordinators
      return 0
    fi
    sleep 0.5
  done
  tail_log "$KAFKA_ROOT/ready-check.log"
  fail_service kafka "$KAFKA_LOG" "not ready on $HOST:$KAFKA_PORT within ${READY_TIMEOUT}s"
}

# After every broker start the first InitProducerId (any idempotent producer, the default in
# kafkajs/Java clients) answers COORDINATOR_LOAD_IN_PROGRESS until the broker has fetched a block
# of producer ids from the controller. An idempotent producer that connects and sends nothing
# triggers that fetch (no topic is created). Best effort.
kafka_warm_producer_ids() {
  kafka_tool kafka.tools.ConsoleProducer --bootstrap-server "$HOST:$KAFKA_PORT" \
    --topic __surprisal_warmup --producer-property enable.idempotence=true \
    </dev/null >/dev/null 2>&1 || true
}

kafka_up() {
  [[ -f "$KAFKA_POM" && -f "$KAFKA_TMPL" ]] || die "kafka: $KAFKA_POM or $KAFKA_TMPL missing"
  kafka_ensure_libs
  mkdir -p "$KAFKA_ROOT"
  if kafka_pid_ok; then
    log "kafka: already running (pid $(read_pid "$KAFKA_PID"))"
    kafka_wait_ready
    return 0
  fi
  rm -f "$KAFKA_PID"
  ensure_port_free kafka "$KAFKA_PORT"
  ensure_port_free kafka-controller "$KAFKA_CONTROLLER_PORT"
  command -v java >/dev/null 2>&1 || kafka_ensure_java
  kafka_write_config
  kafka_format
  log "kafka: starting broker+controller on $HOST:$KAFKA_PORT (controller $HOST:$KAFKA_CONTROLLER_PORT)"
  # setsid: own session, survives the calling shell; exec keeps the JVM's pid = $!
  # shellcheck disable=SC2086
  setsid java $KAFKA_HEAP -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_ROOT/log4j.properties" -Dkafka.logs.dir="$KAFKA_ROOT" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_ROOT/server.properties" \
    >"$KAFKA_ROOT/stdout.log" 2>&1 </dev/null 9>&- &
  echo $! >"$KAFKA_PID"
  kafka_wait_ready
  kafka_warm_producer_ids
}

kafka_down() { stop_pid kafka "$KAFKA_PID" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; }

kafka_status() {
  if kafka_pid_ok; then
    if port_open "$KAFKA_PORT"; then
      echo "kafka     running  pid $(read_pid "$KAFKA_PID")  $HOST:$KAFKA_PORT  data $KAFKA_DATA  log $KAFKA_LOG"
      return 0
    fi
    echo "kafka     STARTED BUT PORT CLOSED  pid $(read_pid "$KAFKA_PID")  log $KAFKA_LOG"
    return 1
  fi
  echo "kafka     stopped"
  return 1
}

# ============================================================================ S3
# credentials per server kind: s3rver only knows its fixed account S3RVER/S3RVER
s3_set_creds() {
  if [[ "${1:-$(cat "$S3_KIND_FILE" 2>/dev/null || true)}" == s3rver ]]; then
    S3_ACCESS_KEY=S3RVER S3_SECRET_KEY=S3RVER
  else
    S3_ACCESS_KEY="$MINIO_ACCESS_KEY" S3_SECRET_KEY="$MINIO_SECRET_KEY"
  fi
}
s3_set_creds

MINIO_BIN="$CACHE_DIR/minio-$MINIO_VERSION/bin/minio"
S3RVER_HOME="$CACHE_DIR/s3rver-$S3RVER_VERSION"
S3RVER_JS="$S3RVER_HOME/node_modules/s3rver/bin/s3rver.js"

minio_ensure() {
  if [[ -x "$MINIO_BIN" ]]; then
    cache_sealed "$MINIO_BIN.sha256" && return 0
    if [[ -e "$MINIO_BIN.sha256" ]]; then warn "s3: cached MinIO $MINIO_BIN fails its checksum (a truncated copy?); building it again"
    else log "s3: cached MinIO $MINIO_BIN has no checksum seal (an older cache); building it again"; fi
    rm -f "$MINIO_BIN" "$MINIO_BIN.sha256"
  fi
  command -v go >/dev/null 2>&1 || { warn "s3: go not found, cannot build MinIO"; return 1; }
  log "s3: building MinIO $MINIO_VERSION with go install (first run only; several minutes)"
  local t0 tmp
  t0="$(now)"; tmp="$(mktemp -d)"
  mkdir -p "$CACHE_DIR"
  if ! (cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
        timeout "$MINIO_BUILD_TIMEOUT" go install "github.com/minio/minio@$MINIO_VERSION" \
        >"$tmp/build.log" 2>&1); then
    tail_log "$tmp/build.log"
    warn "s3: MinIO build failed or exceeded ${MINIO_BUILD_TIMEOUT}s"
    rm -rf "$tmp"
    return 1
  fi
  if ! "$tmp/bin/minio" --version >/dev/null 2>&1; then
    warn "s3: the MinIO just built does not run ($tmp/bin/minio --version failed)"
    rm -rf "$tmp"
    return 1
  fi
  mkdir -p "$(dirname "$MINIO_BIN")"
  mv "$tmp/bin/minio" "$MINIO_BIN.tmp" && mv "$MINIO_BIN.tmp" "$MINIO_BIN"
  (cd "$(dirname "$MINIO_BIN")" && cache_seal minio.sha256 minio)
  rm -rf "$tmp"
  log "s3: MinIO built in $(since "$t0")"
}

s3rver_ensure() {
  [[ -f "$S3RVER_JS" ]] && return 0
  command -v npm >/dev/null 2>&1 || die "s3: npm not found, cannot install s3rver"
  log "s3: installing s3rver@$S3RVER_VERSION into $S3RVER_HOME"
  mkdir -p "$S3RVER_HOME"
  npm install --prefix "$S3RVER_HOME" --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION" >&2 ||
    die "s3: npm install s3rver@$S3RVER_VERSION failed"
}

s3_pid_ok() {
  local pid; pid="$(read_pid "$S3_PID")"
  pid_alive "$pid" && grep -qaE 'minio|s3rver' "/proc/$pid/cmdline" 2>/dev/null
}

# signed S3 request (empty body) with curl's built-in SigV4; curl 7.88 does not add
# x-amz-content-sha256 itself, s3rver requires it: pass the hash of the empty payload
s3_curl() {
  curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
    -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" "$@"
}

s3_ready() {
  # s3rver has no health endpoint: an open port is its readiness; only MinIO is asked over HTTP
  [[ "$(cat "$S3_KIND_FILE" 2>/dev/null)" == s3rver ]] && { port_open "$S3_PORT"; return; }
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$HOST:$S3_PORT/minio/health/ready" || true)"
  [[ "$code" == 200 ]]
}

# s3_wait_ready [--soft]: --soft returns 1 (after showing the log) instead of stopping the script
s3_wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT)) why=""
  while ((SECONDS < deadline)); do
    pid_alive "$(read_pid "$S3_PID")" || { why="server process exited during startup"; break; } # as for Kafka: alive is enough here
    s3_ready && return 0
    sleep 0.3
  done
  why="${why:-not ready on $HOST:$S3_PORT within ${READY_TIMEOUT}s}"
  [[ "${1:-}" == --soft ]] || fail_service s3 "$S3_LOG" "$why"
  tail_log "$S3_LOG"
  warn "s3: $why (log: $S3_LOG)"
  return 1
}

s3_ensure_bucket() {
  local code
  code="$(s3_curl -I "http://$HOST:$S3_PORT/$S3_BUCKET" || true)"
  [[ "$code" == 200 ]] && return 0
  log "s3: creating bucket $S3_BUCKET"
  code="$(s3_curl -X PUT "http://$HOST:$S3_PORT/$S3_BUCKET" || true)"
  [[ "$code" == 200 || "$code" == 409 ]] || fail_service s3 "$S3_LOG" "PUT bucket $S3_BUCKET returned HTTP $code"
  code="$(s3_curl -I "http://$HOST:$S3_PORT/$S3_BUCKET" || true)"
  [[ "$code" == 200 ]] || fail_service s3 "$S3_LOG" "HEAD bucket $S3_BUCKET returned HTTP $code (wrong credentials?)"
}

# s3_start <minio|s3rver>: start the server in the background, recording its pid and kind
s3_start() {
  local kind="$1"
  ensure_port_free s3 "$S3_PORT"
  # the two servers have different on-disk formats: keep their data apart
  S3_DATA="$S3_ROOT/data"
  [[ "$kind" == s3rver ]] && S3_DATA="$S3_ROOT/data-s3rver"
  s3_set_creds "$kind"
  mkdir -p "$S3_DATA"
  case "$kind" in
    minio)
      ensure_port_free s3-console "$S3_CONSOLE_PORT"
      log "s3: starting MinIO on $HOST:$S3_PORT (console $HOST:$S3_CONSOLE_PORT)"
      MINIO_ROOT_USER="$S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET_KEY" MINIO_SITE_REGION="$S3_REGION" \
      MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_BROWSER_REDIRECT=off MINIO_SCANNER_SPEED=slowest \
        setsid "$MINIO_BIN" server --anonymous --address "$HOST:$S3_PORT" \
        --console-address "$HOST:$S3_CONSOLE_PORT" "$S3_DATA" >"$S3_LOG" 2>&1 </dev/null 9>&- &
      echo $! >"$S3_PID"
      ;;
    s3rver)
      s3rver_ensure
      log "s3: starting s3rver on $HOST:$S3_PORT"
      # --openssl-legacy-provider: ListObjectsV2 continuation tokens need it on Node >= 17
      setsid node --openssl-legacy-provider "$S3RVER_JS" --address "$HOST" --port "$S3_PORT" \
        --directory "$S3_DATA" --configure-bucket "$S3_BUCKET" --silent \
        >"$S3_LOG" 2>&1 </dev/null 9>&- &
      echo $! >"$S3_PID"
      ;;
    *) die "s3: unknown SURPRISAL_S3_SERVER=$kind (minio|s3rver)" ;;
  esac
  echo "$kind" >"$S3_KIND_FILE"
}

s3_up() {
  mkdir -p "$S3_ROOT"
  if s3_pid_ok; then
    log "s3: already running ($(cat "$S3_KIND_FILE" 2>/dev/null), pid $(read_pid "$S3_PID"))"
    s3_wait_ready
    s3_ensure_bucket
    return 0
  fi
  rm -f "$S3_PID"
  local kind="${SURPRISAL_S3_SERVER:-minio}"
  if [[ "$kind" == minio ]] && ! minio_ensure; then
    warn "s3: falling back to s3rver@$S3RVER_VERSION (set SURPRISAL_S3_SERVER=s3rver to skip the MinIO attempt)"
    kind=s3rver
  fi
  s3_start "$kind"
  if [[ "$kind" == minio ]] && ! s3_wait_ready --soft; then
    # a MinIO that cannot start must not stop the suite: s3rver is a real S3 server too
    s3_down
    warn "s3: MinIO did not start; falling back to s3rver@$S3RVER_VERSION"
    s3_start s3rver
  fi
  s3_wait_ready
  s3_ensure_bucket
}

s3_down() { stop_pid s3 "$S3_PID" "$S3_PORT"; }

s3_status() {
  if s3_pid_ok; then
    if s3_ready; then
      echo "s3        running  $(cat "$S3_KIND_FILE" 2>/dev/null)  pid $(read_pid "$S3_PID")  http://$HOST:$S3_PORT  bucket $S3_BUCKET  data $S3_DATA  log $S3_LOG"
      return 0
    fi
    echo "s3        STARTED BUT NOT READY  pid $(read_pid "$S3_PID")  log $S3_LOG"
    return 1
  fi
  echo "s3        stopped"
  return 1
}

# ============================================================================ env file
env_contents() {
  cat <<EOF
# written by infra/local/services.sh up -- local throwaway credentials; S3 server: $(cat "$S3_KIND_FILE" 2>/dev/null || echo unknown)
DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@$HOST:$PG_PORT/$PG_DB
KAFKA_BROKERS=$HOST:$KAFKA_PORT
S3_ENDPOINT=http://$HOST:$S3_PORT
S3_BUCKET=$S3_BUCKET
S3_REGION=$S3_REGION
S3_ACCESS_KEY_ID=$S3_ACCESS_KEY
S3_SECRET_ACCESS_KEY=$S3_SECRET_KEY
S3_FORCE_PATH_STYLE=true
EOF
}

write_env() {
  env_contents >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# ============================================================================ commands
canon() {
  case "$1" in
    pg | postgres | postgresql) echo postgres ;;
    kafka) echo kafka ;;
    s3 | minio | s3rver) echo s3 ;;
    *) die "unknown service '$1' (postgres|kafka|s3)" ;;
  esac
}

svc_fn() { case "$1" in postgres) echo pg ;; *) echo "$1" ;; esac; }

with_lock() {
  mkdir -p "$SERVICES_DIR"
  exec 9>"$SERVICES_DIR/.lock"
  flock -w 600 9 || die "another services.sh is running (lock $SERVICES_DIR/.lock)"
}

cmd_up() {
  local svcs=("$@") s t0 total0 summary=()
  ((${#svcs[@]})) || svcs=(postgres kafka s3)
  with_lock
  total0="$(now)"
  for s in "${svcs[@]}"; do
    s="$(canon "$s")"; t0="$(now)"
    "$(svc_fn "$s")_up"
    summary+=("$(printf '  %-9s ready in %s' "$s" "$(since "$t0")")")
  done
  write_env
  log "all requested services up in $(since "$total0"):"
  printf '%s\n' "${summary[@]}" >&2
  log "wrote $ENV_FILE (load with: set -a; . ./.env.services; set +a)"
}

cmd_down() {
  local svcs=() a clean="${SURPRISAL_SERVICES_CLEAN:-0}"
  for a in "$@"; do
    case "$a" in
      --clean) clean=1 ;;
      *) svcs+=("$(canon "$a")") ;;
    esac
  done
  local all=0
  ((${#svcs[@]})) || { svcs=(s3 kafka postgres); all=1; }
  if [[ -d "$SERVICES_DIR" ]]; then with_lock; fi
  for a in "${svcs[@]}"; do "$(svc_fn "$a")_down"; done
  if [[ "$clean" == 1 ]]; then
    rm -rf "/tmp/surprisal-pg-$(printf '%s' "$PG_ROOT" | sha256sum | cut -c1-12)"
    if ((all)); then
      log "removing $SERVICES_DIR and $ENV_FILE"
      rm -rf "$SERVICES_DIR" "$ENV_FILE"
    else
      for a in "${svcs[@]}"; do
        case "$a" in postgres) a="$PG_ROOT" ;; kafka) a="$KAFKA_ROOT" ;; s3) a="$S3_ROOT" ;; esac
        log "removing $a"
        rm -rf "$a"
      done
    fi
  fi
}

cmd_restart() {
  (($#)) || die "usage: services.sh restart <postgres|kafka|s3>..."
  local s t0
  with_lock
  for s in "$@"; do
    s="$(canon "$s")"; t0="$(now)"
    "$(svc_fn "$s")_down"
    "$(svc_fn "$s")_up"
    log "$s restarted in $(since "$t0")"
  done
  write_env
}

cmd_status() {
  local svcs=("$@") s rc=0
  ((${#svcs[@]})) || svcs=(postgres kafka s3)
  for s in "${svcs[@]}"; do
    s="$(canon "$s")"
    "$(svc_fn "$s")_status" || rc=1
  done
  [[ -f "$ENV_FILE" ]] && echo "env file  $ENV_FILE"
  return $rc
}

main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in
    up | start) cmd_up "$@" ;;
    down | stop) cmd_down "$@" ;;
    restart) cmd_restart "$@" ;;
    status) cmd_status "$@" ;;
    env) env_contents ;;
    *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; [[ -z "$cmd" || "$cmd" == -h || "$cmd" == --help ]] ;;
  esac
}

main "$@"
