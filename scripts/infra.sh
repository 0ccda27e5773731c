#!/usr/bin/env bash
# Local infrastructure for taizhang on a Debian machine, as root, without an
# init system: RabbitMQ (with the management API) and PostgreSQL, both bound to
# loopback, plus the roles and databases the services and tests use.
#
#   bash scripts/infra.sh [up]   install what is missing, configure, start, provision
#   bash scripts/infra.sh down   stop both servers (no error when already down)
#   bash scripts/infra.sh tools  install docker-compose and prometheus (promtool),
#                                which tests use to validate deploy/ files, and
#                                chromium, chromium-driver and fonts-noto-cjk for
#                                the web app's browser tests
#
# Every step checks before it acts, so a second `up` is a fast no-op.
#
# A server is configured, restarted and provisioned only when it is this script's to manage: it
# installed the package, or found it untouched (no database but PostgreSQL's own; no RabbitMQ
# configuration but Debian's), or was told to take it over (TAIZHANG_INFRA_ADOPT=1). It records
# which in /var/lib/taizhang-infra. Any other server is left as it is: used if it already serves
# what taizhang needs, otherwise the script says what it would change and stops.
# With TAIZHANG_EXTERNAL_SERVERS=1 the servers are left alone: point
# TAIZHANG_DATABASE_URL, TAIZHANG_ADMIN_DATABASE_URL and TAIZHANG_AMQP_URI at them
# (and, for `make test` and `make bench`, the make variables TEST_DATABASE_URL,
# TEST_ADMIN_DATABASE_URL and TEST_AMQP_URI).
set -euo pipefail

readonly RABBIT_PIDFILE=/var/lib/rabbitmq/taizhang.pid
readonly RABBIT_CONF=/etc/rabbitmq/rabbitmq.conf
readonly RABBIT_ENV_CONF=/etc/rabbitmq/rabbitmq-env.conf
readonly RABBIT_PLUGINS_FILE=/etc/rabbitmq/enabled_plugins
readonly MGMT_URL=http://127.0.0.1:15672/api/overview
readonly PG_PORT=5432 # the port every default URL in the project names
# taizhang_restore_test: where the backup test restores a log (a new database, as an operator would).
readonly DATABASES=(taizhang taizhang_test taizhang_restore_test)
readonly PG_MAX_CONNECTIONS=300
readonly RABBIT_VHOSTS=(taizhang_test)
readonly OWNED_DIR=/var/lib/taizhang-infra
readonly MANAGED_HEADER="# Managed by taizhang scripts/infra.sh"

export DEBIAN_FRONTEND=noninteractive

APT_UPDATED=0
RABBIT_CONF_CHANGED=0
RABBIT_LAUNCHED=0
RABBIT_READY=0
PG_VERSION=""
PG_CLUSTER=""

log() { printf 'infra: %s\n' "$*"; }
die() {
    printf 'infra: error: %s\n' "$*" >&2
    exit 1
}

require_root() {
    [[ $EUID -eq 0 ]] || die "run as root (apt, pg_ctlcluster and rabbitmqctl need it)"
}

external_servers() { [[ ${TAIZHANG_EXTERNAL_SERVERS:-0} == 1 ]]; }

# --- apt ---------------------------------------------------------------------

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Installs those of the named packages that are missing; the package lists are
# refreshed only then, since `apt-get update` alone costs seconds. Recommends
# stay out: docker-compose's would bring docker.io and prometheus's
# prometheus-node-exporter, daemons that an init system starts on install (the
# exporter on all interfaces), and neither is needed to validate deploy/.
apt_install() {
    local pkg missing=()
    for pkg in "$@"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    require_root
    log "installing ${missing[*]}"
    if ((!APT_UPDATED)); then
        apt-get update -qq
        APT_UPDATED=1
    fi
    # Nor does a package start a daemon on install where an init system runs (prometheus's own
    # would serve :9090 on every interface): this script starts the servers by their own
    # commands, and the tools are only run. policy-rc.d is Debian's switch for that; one already
    # there is left as it is.
    local policy=/usr/sbin/policy-rc.d added=0 status=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
    if ((added)); then rm -f "$policy"; fi
    ((status == 0)) || return "$status"
    for pkg in "${missing[@]}"; do
        case $pkg in rabbitmq-server | postgresql) own "$pkg" "installed by infra.sh" ;; esac
    done
}

# --- whose server it is ------------------------------------------------------

own() {
    mkdir -p "$OWNED_DIR"
    [[ -f $OWNED_DIR/$1 ]] || printf '%s on %s\n' "$2" "$(date -u +%FT%TZ)" >"$OWNED_DIR/$1"
}

owned() { [[ -f $OWNED_DIR/$1 ]]; }

# A file of ours, absent, or nothing but comments (what Debian's package ships).
untouched_file() {
    [[ ! -f $1 ]] || head -n1 "$1" | grep -qF "$MANAGED_HEADER" || ! grep -qv '^[[:space:]]*\(#\|$\)' "$1"
}

rabbitmq_untouched() {
    untouched_file "$RABBIT_CONF" && untouched_file "$RABBIT_ENV_CONF" && untouched_file "$RABBIT_PLUGINS_FILE"
}

# The data directory of the cluster on our port holds PostgreSQL's own three databases only
# (template0, template1, postgres), as pg_createcluster leaves it; read from disk, so a stopped
# cluster is judged without starting it. No cluster at all is ours to create.
postgres_untouched() {
    find_pg_cluster || return 0
    local data
    data=$(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port { print $6; exit }')
    (($(find "$data/base" -mindepth 1 -maxdepth 1 -type d | wc -l) <= 3))
}

# may_manage PACKAGE UNTOUCHED_CHECK: whether this script may change that server, recording why
# the first time.
may_manage() {
    if owned "$1"; then return 0; fi
    if [[ ${TAIZHANG_INFRA_ADOPT:-0} == 1 ]]; then
        own "$1" "adopted (TAIZHANG_INFRA_ADOPT=1)"
    elif "$2"; then
        own "$1" "found untouched"
    else
        return 1
    fi
    log "$1: managed by infra.sh from now on ($(<"$OWNED_DIR/$1"))"
}

# leave_alone NAME CHANGE...: stops with what this script would have changed, when anything.
leave_alone() {
    local name=$1
    shift
    (($#)) || {
        log "$name: not managed by infra.sh, and serves taizhang as it is"
        return 0
    }
    printf 'infra: %s was not installed by infra.sh and is in use, so it is left alone. To serve taizhang it would:\n' "$name" >&2
    printf '  - %s\n' "$@" >&2
    die "let infra.sh do that with TAIZHANG_INFRA_ADOPT=1 (e.g. make test TAIZHANG_INFRA_ADOPT=1), or make those changes yourself, or use your own servers with TAIZHANG_EXTERNAL_SERVERS=1 (README: Configuration)"
}

# --- files -------------------------------------------------------------------

# write_if_changed PATH CONTENT: rewrites PATH only when its content differs, so
# an unchanged config neither touches mtimes nor triggers a restart.
write_if_changed() {
    local path=$1 content=$2
    if [[ -f $path ]] && [[ "$(<"$path")" == "$content" ]]; then
        return 1
    fi
    printf '%s\n' "$content" >"$path.tmp"
    chmod 0644 "$path.tmp"
    mv -f "$path.tmp" "$path"
    log "wrote $path"
}

# --- RabbitMQ ----------------------------------------------------------------

configure_rabbitmq() {
    # guest stays usable only from loopback (RabbitMQ's default); that is why
    # there is no loopback_users line, and why everything listens on 127.0.0.1.
    local conf env_conf
    conf="$MANAGED_HEADER: loopback only.
listeners.tcp.default = 127.0.0.1:5672
management.tcp.ip = 127.0.0.1
management.tcp.port = 15672"
    # Sourced by the rabbitmq-* scripts. Besides AMQP, epmd (4369, which any
    # of them may start) and Erlang distribution (25672 for the node, a
    # short-lived port per CLI call) would otherwise listen on all interfaces.
    env_conf="$MANAGED_HEADER: loopback only.
NODE_IP_ADDRESS=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\"
CTL_ERL_ARGS=\"-kernel inet_dist_use_interface {127,0,0,1}\""
    mkdir -p /etc/rabbitmq
    if write_if_changed "$RABBIT_CONF" "$conf"; then RABBIT_CONF_CHANGED=1; fi
    if write_if_changed "$RABBIT_ENV_CONF" "$env_conf"; then RABBIT_CONF_CHANGED=1; fi
    # `rabbitmq-plugins` boots an Erlang VM (~1 s): skip it when already enabled.
    if ! grep -qw rabbitmq_management "$RABBIT_PLUGINS_FILE" 2>/dev/null; then
        rabbitmq-plugins enable --offline rabbitmq_management >/dev/null
        log "enabled rabbitmq_management"
        RABBIT_CONF_CHANGED=1
    fi
}

rabbit_answers() { rabbitmqctl -q ping >/dev/null 2>&1; }

# The management API is checked rather than only the node: a test fixture
# talks to it, and a curl costs milliseconds where rabbitmqctl costs a second.
mgmt_answers() {
    curl -fsS -o /dev/null -m 2 -u guest:guest "$MGMT_URL" 2>/dev/null
}

wait_for_mgmt() {
    local deadline=$((SECONDS + 60))
    until mgmt_answers; do
        ((SECONDS < deadline)) || die "RabbitMQ management API not answering on $MGMT_URL"
        sleep 0.5
    done
}

stop_rabbitmq() {
    if ! rabbit_answers; then
        log "rabbitmq: already stopped"
        return 0
    fi
    log "rabbitmq: stopping"
    # With the pidfile, `stop` also waits for the OS process to exit.
    if [[ -f $RABBIT_PIDFILE ]]; then
        rabbitmqctl -q stop "$RABBIT_PIDFILE" >/dev/null
    else
        rabbitmqctl -q stop >/dev/null
    fi
    rm -f "$RABBIT_PIDFILE"
}

# Launches the node without waiting for it, so that PostgreSQL is dealt with
# while RabbitMQ boots (the slower of the two); await_rabbitmq then waits.
launch_rabbitmq() {
    if ((RABBIT_CONF_CHANGED)) && rabbit_answers; then
        log "rabbitmq: configuration changed, restarting"
        stop_rabbitmq
    elif mgmt_answers; then
        log "rabbitmq: running"
        RABBIT_READY=1
        return 0
    fi
    if ! rabbit_answers; then
        log "rabbitmq: starting"
        rm -f "$RABBIT_PIDFILE"
        RABBITMQ_PID_FILE=$RABBIT_PIDFILE rabbitmq-server -detached
        RABBIT_LAUNCHED=1
    fi
}

await_rabbitmq() {
    ((!RABBIT_READY)) || return 0
    if ((RABBIT_LAUNCHED)); then
        # Not `await_startup`: straight after -detached the node has not
        # registered with epmd yet and that command fails at once; `wait`
        # first waits for the pidfile, then for the boot to finish.
        rabbitmqctl -q wait --timeout 120 "$RABBIT_PIDFILE" >/dev/null ||
            die "rabbitmq did not start; see /var/log/rabbitmq/"
    fi
    wait_for_mgmt
    log "rabbitmq: up (amqp 127.0.0.1:5672, management http://127.0.0.1:15672)"
}

# Tests and benchmarks get a vhost of their own: durable queues outlive a session, and must
# not feed a test's events to the running system (or the other way round).
provision_rabbitmq() {
    local vhost
    for vhost in "${RABBIT_VHOSTS[@]}"; do
        # The management API answers in milliseconds; rabbitmqctl takes a second per call.
        if ! curl -fsS -o /dev/null -u guest:guest "http://127.0.0.1:15672/api/vhosts/$vhost" 2>/dev/null; then
            rabbitmqctl -q add_vhost "$vhost" >/dev/null
            rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
        fi
    done
}

# --- PostgreSQL --------------------------------------------------------------

# Sets PG_VERSION and PG_CLUSTER from the cluster on $PG_PORT; fails if none.
find_pg_cluster() {
    local line
    line=$(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port { print $1, $2; exit }')
    [[ -n $line ]] || return 1
    read -r PG_VERSION PG_CLUSTER <<<"$line"
}

# Debian's postgresql package creates a cluster on install; this covers one
# dropped since (pg_dropcluster), using the newest installed server.
ensure_pg_cluster() {
    find_pg_cluster && return 0
    local version
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n1)
    [[ -n $version ]] || die "no PostgreSQL server under /usr/lib/postgresql"
    log "postgresql: creating cluster $version/main on port $PG_PORT"
    pg_createcluster -p "$PG_PORT" "$version" main >/dev/null
    find_pg_cluster
}

pg_answers() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }

start_postgres() {
    ensure_pg_cluster
    if pg_answers; then
        log "postgresql: running ($PG_VERSION/$PG_CLUSTER)"
        return 0
    fi
    log "postgresql: starting $PG_VERSION/$PG_CLUSTER"
    # pg_ctlcluster errors when the cluster is already online but, say, still
    # in recovery; pg_isready below is the real check.
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start || true
    local deadline=$((SECONDS + 60))
    until pg_answers; do
        ((SECONDS < deadline)) || die "PostgreSQL not accepting connections on 127.0.0.1:$PG_PORT"
        sleep 0.3
    done
    log "postgresql: up (127.0.0.1:$PG_PORT)"
}

pg_setting() {
    (cd / && runuser -u postgres -- psql -X -At -p "$PG_PORT" -c "$1")
}

# Every service instance keeps a small pool, the tests start several service
# containers at once, and Debian's default of 100 connections is soon reached.
# Debian's 128 MB of shared buffers is sized for a small machine: the log's
# indexes outgrow it soon, and every append then waits on evictions. A quarter
# of the memory (up to 2 GB here) is where PostgreSQL's documentation says to start.
tune_postgres() {
    local connections buffers_mb want_mb changed=0
    connections=$(pg_setting 'SHOW max_connections')
    buffers_mb=$(pg_setting "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'")
    want_mb=$(awk '/^MemTotal:/ { mb = int($2 / 1024 / 4); print (mb > 2048 ? 2048 : mb) }' /proc/meminfo)
    if ((connections < PG_MAX_CONNECTIONS)); then
        log "postgresql: max_connections $connections -> $PG_MAX_CONNECTIONS"
        pg_setting "ALTER SYSTEM SET max_connections = $PG_MAX_CONNECTIONS" >/dev/null
        changed=1
    fi
    if ((buffers_mb < want_mb)); then
        log "postgresql: shared_buffers ${buffers_mb}MB -> ${want_mb}MB"
        pg_setting "ALTER SYSTEM SET shared_buffers = '${want_mb}MB'" >/dev/null
        changed=1
    fi
    ((changed)) || return 0
    log "postgresql: restart for the new settings"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart
    local deadline=$((SECONDS + 60))
    until pg_answers; do
        ((SECONDS < deadline)) || die "PostgreSQL did not come back after the restart"
        sleep 0.3
    done
}

stop_postgres() {
    if ! find_pg_cluster; then
        log "postgresql: no cluster on port $PG_PORT"
        return 0
    fi
    if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" \
        '$1 == v && $2 == c && $4 ~ /online/ { found = 1 } END { exit !found }'; then
        log "postgresql: already stopped"
        return 0
    fi
    log "postgresql: stopping $PG_VERSION/$PG_CLUSTER"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop
}

# Converges roles, databases and grants in one psql session (as the postgres
# superuser over the local socket). Passwords are re-set every time so that a
# role created by hand without one still ends up usable over TCP.
provision_postgres() {
    local db sql
    sql="SELECT set_config('client_min_messages', 'warning', false);
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'taizhang_admin') THEN
        CREATE ROLE taizhang_admin;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'taizhang') THEN
        CREATE ROLE taizhang;
    END IF;
END
\$\$;
ALTER ROLE taizhang_admin LOGIN PASSWORD 'taizhang_admin';
ALTER ROLE taizhang LOGIN PASSWORD 'taizhang';"
    for db in "${DATABASES[@]}"; do
        # CREATE DATABASE cannot run inside DO; \gexec runs it only when missing.
        sql+="
SELECT 'CREATE DATABASE $db OWNER taizhang_admin'
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \\gexec
ALTER DATABASE $db OWNER TO taizhang_admin;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE $db TO taizhang;"
    done
    (cd / && runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 \
        -p "$PG_PORT" -d postgres >/dev/null) <<<"$sql"
    # Check what the services will actually do: password login over TCP.
    for db in "${DATABASES[@]}"; do
        PGPASSWORD=taizhang psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U taizhang -d "$db" \
            -c 'select 1' >/dev/null || die "role taizhang cannot log in to $db over TCP"
        PGPASSWORD=taizhang_admin psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U taizhang_admin \
            -d "$db" -c 'select 1' >/dev/null || die "role taizhang_admin cannot log in to $db over TCP"
    done
    log "postgresql: roles taizhang, taizhang_admin; databases ${DATABASES[*]}"
}

# --- commands ----------------------------------------------------------------

# What a RabbitMQ that is not ours lacks to serve taizhang, one line each.
rabbitmq_lacks() {
    local vhost
    if ! rabbit_answers; then
        echo "start the node (rabbitmq-server -detached)"
    elif ! mgmt_answers; then
        echo "enable rabbitmq_management: tests and readiness checks use its API at $MGMT_URL as guest"
    else
        for vhost in "${RABBIT_VHOSTS[@]}"; do
            curl -fsS -o /dev/null -u guest:guest "http://127.0.0.1:15672/api/vhosts/$vhost" 2>/dev/null ||
                echo "add the vhost $vhost, with all permissions for guest"
        done
    fi
}

# What a PostgreSQL that is not ours lacks to serve taizhang, one line each.
postgres_lacks() {
    local db role
    if ! pg_answers; then
        echo "start the cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT"
        return 0
    fi
    if (($(pg_setting 'SHOW max_connections') < PG_MAX_CONNECTIONS)); then
        echo "raise max_connections to $PG_MAX_CONNECTIONS and restart the cluster"
    fi
    for db in "${DATABASES[@]}"; do
        for role in taizhang taizhang_admin; do
            PGPASSWORD=$role psql -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U "$role" -d "$db" \
                -c 'select 1' >/dev/null 2>&1 ||
                echo "let the role $role (password $role) log in to the database $db, owned by taizhang_admin"
        done
    done
}

up_rabbitmq() {
    if may_manage rabbitmq-server rabbitmq_untouched; then
        configure_rabbitmq
        launch_rabbitmq
    else
        local lacks
        mapfile -t lacks < <(rabbitmq_lacks)
        leave_alone "RabbitMQ" "${lacks[@]}"
        RABBIT_READY=1
    fi
}

up_postgres() {
    if may_manage postgresql postgres_untouched; then
        start_postgres
        tune_postgres
        provision_postgres
    else
        local lacks
        mapfile -t lacks < <(postgres_lacks)
        leave_alone "PostgreSQL $PG_VERSION/$PG_CLUSTER" "${lacks[@]}"
    fi
}

cmd_up() {
    if external_servers; then
        log "TAIZHANG_EXTERNAL_SERVERS=1: leaving servers alone (the services use TAIZHANG_DATABASE_URL, TAIZHANG_ADMIN_DATABASE_URL, TAIZHANG_AMQP_URI; make test and make bench the TEST_* make variables)"
        return 0
    fi
    require_root
    # curl is how readiness of the management API is checked.
    apt_install rabbitmq-server postgresql curl
    up_rabbitmq
    up_postgres
    await_rabbitmq
    if owned rabbitmq-server; then provision_rabbitmq; fi
}

cmd_down() {
    if external_servers; then
        log "TAIZHANG_EXTERNAL_SERVERS=1: leaving servers alone"
        return 0
    fi
    require_root
    if owned rabbitmq-server; then stop_rabbitmq; else log "rabbitmq: not managed by infra.sh, left alone"; fi
    if owned postgresql; then stop_postgres; else log "postgresql: not managed by infra.sh, left alone"; fi
}

cmd_tools() {
    apt_install docker-compose prometheus
    # The web app's browser tests: headless Chromium, its WebDriver, and a font for Chinese.
    apt_install chromium chromium-driver fonts-noto-cjk
}

main() {
    local cmd=${1:-up}
    case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    tools) cmd_tools ;;
    -h | --help | help) sed -n '2,21s/^# \{0,1\}//p' "$0" ;;
    *) die "unknown command '$cmd' (expected up, down or tools)" ;;
    esac
}

main "$@"
