#!/usr/bin/env bash
# `make run`: every service against the local servers, the demo institution loaded, and where to
# point a client. Processes, pids, logs and the local secrets live in ./run/ (git ignores it). The
# log's schema must exist: `make run` migrates first.
#
#   bash scripts/run.sh          start (services already running are left alone) and load the demo
#   bash scripts/run.sh stop     stop the services
#   bash scripts/run.sh secrets  make the local secrets, once, and say where they are
#   bash scripts/run.sh demo     load the demo (once), or with TAIZHANG_DEMO=0 say how to start
#
# TAIZHANG_DEMO=0 (`make run DEMO=0`) starts empty: no demo, the first administrator made with
# `taizhang admin create` (README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PYTHON=${PYTHON:-python3}
readonly RUN_DIR=${TAIZHANG_RUN_DIR:-run}
# The secrets the services refuse to start without; none has a default.
readonly SECRETS=(TAIZHANG_JWT_KEY TAIZHANG_APPRAISAL_KEY)
readonly NEW_SECRET='import secrets; print(secrets.token_urlsafe(32))'
readonly GATEWAY=${TAIZHANG_HTTP_ADDRESS:-127.0.0.1:8000}
readonly DEMO=${TAIZHANG_DEMO:-1}
# service module : nameko class : metrics port
readonly SERVICES=(
    ledger:LedgerService:9101
    appraisal:AppraisalService:9102
    notify:NotifyService:9103
    gateway:GatewayService:9104
)

log() { printf 'run: %s\n' "$*"; }

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Each secret missing from run/secrets.env is made and added (readable by its owner only); one
# already there is kept, so tokens and pseudonyms stay valid from one run to the next.
make_secrets() {
    local file="$RUN_DIR/secrets.env" name
    mkdir -p "$RUN_DIR"
    (umask 077 && touch "$file")
    chmod 600 "$file"
    for name in "${SECRETS[@]}"; do
        grep -q "^$name=" "$file" && continue
        printf '%s=%s\n' "$name" "$("$PYTHON" -c "$NEW_SECRET")" >>"$file"
        log "secret $name: made, in $file"
    done
}

# The secrets for what this script starts: the environment's own if set, else run/secrets.env's.
export_secrets() {
    local name value
    make_secrets
    for name in "${SECRETS[@]}"; do
        [[ -n ${!name:-} ]] && continue
        value=$(sed -n "s/^$name=//p" "$RUN_DIR/secrets.env")
        export "$name=$value"
    done
}

start_service() {
    local name=$1 class=$2 port=$3 pidfile="$RUN_DIR/$1.pid"
    if alive "$pidfile"; then
        log "$name: running (pid $(cat "$pidfile"))"
        return 0
    fi
    TAIZHANG_METRICS_PORT=$port nohup "$PYTHON" -m nameko run --config deploy/nameko.yml \
        "services.$name.service:$class" >"$RUN_DIR/$name.log" 2>&1 &
    echo $! >"$pidfile"
    log "$name: started (pid $!, log $RUN_DIR/$name.log, metrics 127.0.0.1:$port)"
}

# The gateway's /readyz answers 200 once RabbitMQ, PostgreSQL and every service answer.
wait_until_ready() {
    local deadline=$((SECONDS + 90))
    until curl -fsS "http://$GATEWAY/readyz" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "not ready after 90 s; see $RUN_DIR/*.log"
            curl -sS "http://$GATEWAY/readyz" || true
            exit 1
        fi
        sleep 1
    done
}

# A local mail sink for notify's emails (TAIZHANG_SMTP_PORT, 8025): mails land in run/mail.log.
start_mail_sink() {
    local pidfile="$RUN_DIR/mail.pid" port=${TAIZHANG_SMTP_PORT:-8025}
    alive "$pidfile" && return 0
    nohup "$PYTHON" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Debugging stdout \
        >"$RUN_DIR/mail.log" 2>&1 &
    echo $! >"$pidfile"
    log "mail sink: 127.0.0.1:$port (mails in $RUN_DIR/mail.log)"
}

cmd_start() {
    export_secrets
    start_mail_sink
    local entry name class port
    for entry in "${SERVICES[@]}"; do
        IFS=: read -r name class port <<<"$entry"
        start_service "$name" "$class" "$port"
    done
    wait_until_ready
    load_demo
    cat <<EOT

taizhang is running.
  Web app:   http://$GATEWAY/app/   (sign in as b1m103 / member-demo-2026, a member; b1m101 /
             officer-demo-2026, the secretary of b1; jw01 / committee-demo-2026, the committee)
  API:       http://$GATEWAY/api/v1/   (get a token: POST /api/v1/auth/token)
  OpenAPI:   http://$GATEWAY/openapi.json
  Health:    http://$GATEWAY/readyz
  Metrics:   http://127.0.0.1:9101-9104/metrics (ledger, appraisal, notify, gateway)
  Mails:     $RUN_DIR/mail.log (notify's reminders; webhooks need TAIZHANG_WEBHOOK_KEY)
  Log tail:  $PYTHON -m eventlog.cli tail --follow
  Stop:      make stop
EOT
}

load_demo() {
    if [[ $DEMO == 0 ]]; then
        log "no demo (TAIZHANG_DEMO=0): the first administrator, with a one-time password, by"
        log "  $PYTHON -m eventlog.cli admin create --institution ID --institution-name NAME \\"
        log "      --username LOGIN --name 姓名"
        log "then the people: $PYTHON -m eventlog.cli roster template roster.xlsx (README.md)"
        return 0
    fi
    log "loading the demo institution (once; later runs find it loaded)"
    "$PYTHON" -m services.ledger.demo
    "$PYTHON" -m services.appraisal.demo
    "$PYTHON" -m services.gateway.demo
}

cmd_stop() {
    local entry name pidfile
    for entry in "${SERVICES[@]}" mail; do
        name=${entry%%:*}
        pidfile="$RUN_DIR/$name.pid"
        if alive "$pidfile"; then
            kill "$(cat "$pidfile")"
            log "$name: stopping"
        fi
    done
    for entry in "${SERVICES[@]}" mail; do
        pidfile="$RUN_DIR/${entry%%:*}.pid"
        local deadline=$((SECONDS + 20))
        while alive "$pidfile" && ((SECONDS < deadline)); do sleep 0.2; done
        if alive "$pidfile"; then kill -9 "$(cat "$pidfile")"; fi
        rm -f "$pidfile"
    done
}

case ${1:-start} in
start) cmd_start ;;
stop) cmd_stop ;;
secrets) make_secrets && log "secrets: $RUN_DIR/secrets.env" ;;
demo) load_demo ;;
*)
    echo "usage: bash scripts/run.sh [start|stop|secrets|demo]" >&2
    exit 2
    ;;
esac
