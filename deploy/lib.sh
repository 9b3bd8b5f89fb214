# shellcheck shell=bash
# Shared helpers for the deploy scripts: settings, --dry-run, ssh/scp wrappers, doctl
# wrappers and the state file. Sourced, never run. Every script that talks to the
# outside world goes through `run`, `do_read`, `do_write`, `remote`, `scp_up` or
# `scp_down`, so that --dry-run prints each remote command instead of running it.

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$DEPLOY_DIR")"
ENV_FILE="${PARLEY_DEPLOY_ENV:-$DEPLOY_DIR/.env.deploy}"
STATE_FILE="${PARLEY_DEPLOY_STATE:-$DEPLOY_DIR/.state}"
# Host keys of the server, kept beside the state: a reserved IP outlives droplets.
KNOWN_HOSTS_FILE="${STATE_FILE}.known_hosts"

DRY_RUN=0
# shellcheck disable=SC2034 # read by the scripts that accept --yes
ASSUME_YES=0
POSITIONAL=()

# Dry-run lines go to fd 3 (the script's stdout) so that `$(do_read ...)` does not
# swallow them.
exec 3>&1

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}
dry() { [[ $DRY_RUN == 1 ]]; }

# parse_args "$@": handles --help, --dry-run and (when ALLOW_YES=1) --yes; the
# remaining arguments land in POSITIONAL. Each script defines usage().
parse_args() {
  while (($#)); do
    case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    -n | --dry-run) DRY_RUN=1 ;;
    -y | --yes)
      [[ ${ALLOW_YES:-0} == 1 ]] || die "unknown option: $1 (see --help)"
      # shellcheck disable=SC2034
      ASSUME_YES=1
      ;;
    --)
      shift
      POSITIONAL+=("$@")
      break
      ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *) POSITIONAL+=("$1") ;;
    esac
    shift
  done
}

# Paths in the env file may be absolute, start with ~, or be relative to the repo root.
# shellcheck disable=SC2088 # the patterns match a literal "~" written in the file
resolve_path() {
  local p=$1
  case $p in
  "~") p=$HOME ;;
  "~/"*) p="$HOME/${p#"~/"}" ;;
  /*) ;;
  *) p="$REPO_ROOT/$p" ;;
  esac
  printf '%s\n' "$p"
}

# Names a settings file may not set: they change how bash or every program it starts
# behaves (PS4 is expanded under -x, BASH_ENV and LD_PRELOAD run code).
UNSAFE_SETTING='^(PATH|IFS|ENV|BASH_ENV|BASHOPTS|SHELLOPTS|PS4|PROMPT_COMMAND|LD_[A-Z_]*|BASH_[A-Z_]*)$'

# read_settings FILE: exports each NAME=value line of FILE, as text. The file is parsed,
# never run: a value such as `x; rm -rf ~`, `$(...)` or a backquote stays a string, so a
# copied or tampered settings file cannot run commands on the operator's machine.
# Accepted: blank lines, # comments, optional `export `, NAME=value with no spaces in an
# unquoted value, "..." or '...' around a value with spaces (taken literally, nothing
# expanded), and a # comment after a value.
read_settings() {
  local file=$1 line name value number=0
  local unquoted='^([^[:space:]"'"'"']*)[[:space:]]*(#.*)?$'
  local double_quoted='^"([^"]*)"[[:space:]]*(#.*)?$'
  local single_quoted="^'([^']*)'[[:space:]]*(#.*)?\$"
  while IFS= read -r line || [[ -n $line ]]; do
    number=$((number + 1))
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] ||
      die "$file line $number: expected NAME=value"
    name=${BASH_REMATCH[2]}
    value=${BASH_REMATCH[3]}
    [[ $name =~ $UNSAFE_SETTING ]] && die "$file line $number: $name cannot be set in a settings file"
    if [[ $value =~ $double_quoted || $value =~ $single_quoted || $value =~ $unquoted ]]; then
      value=${BASH_REMATCH[1]}
    else
      die "$file line $number: quote the value of $name (\"...\" or '...'): it has spaces or quotes"
    fi
    printf -v "$name" '%s' "$value"
    export "${name?}"
  done <"$file"
}

load_env() {
  [[ -f $ENV_FILE ]] || die "no settings file at $ENV_FILE: copy deploy/.env.deploy.example to deploy/.env.deploy and fill it in (or point PARLEY_DEPLOY_ENV at one)"
  read_settings "$ENV_FILE"

  : "${DO_REGION:=fra1}"
  : "${DO_SIZE:=s-1vcpu-2gb}"
  : "${DO_IMAGE:=ubuntu-24-04-x64}"
  : "${DROPLET_NAME:=parley}"
  : "${DO_TAG:=parley}"
  : "${FIREWALL_NAME:=parley-web}"
  : "${SSH_KEY_PATH:=~/.ssh/id_ed25519}"
  : "${SSH_KEY_NAME:=parley-deploy}"
  : "${SSH_ALLOWED_FROM:=0.0.0.0/0,::/0}"
  : "${DEPLOY_USER:=parley}"
  : "${BRANCH:=main}"
  : "${APP_DIR:=/home/$DEPLOY_USER/parley}"
  : "${DNS_TTL:=300}"
  : "${CERTBOT_STAGING:=0}"
  : "${SWAP_SIZE:=2G}"
  : "${BACKUP_KEEP_REMOTE:=14}"
  : "${KEEP_RELEASES:=5}"
  : "${MONITORING:=0}"
  : "${BACKUP_KEEP_DAILY:=7}"
  : "${BACKUP_KEEP_WEEKLY:=4}"
  : "${DO_BACKUPS:=0}"
  : "${FAIL2BAN:=1}"
  : "${AUTO_REBOOT:=1}"
  : "${AUTO_REBOOT_TIME:=04:30}"
  : "${JOURNAL_MAX_USE:=500M}"
  : "${REDIS_IMAGE:=}"
  : "${NGINX_IMAGE:=}"
  : "${CERTBOT_IMAGE:=}"
  : "${POSTGRES_IMAGE:=}"
  # Where the data lives (docs/SCALING.md): the database and the Redis the app uses.
  : "${DATABASE:=sqlite}"
  : "${REDIS:=local}"
  : "${PG_CLUSTER_NAME:=$DROPLET_NAME-pg}"
  : "${PG_VERSION:=17}"
  : "${PG_SIZE:=db-s-1vcpu-2gb}"
  : "${PG_NODES:=1}"
  : "${PG_DB_NAME:=parley}"
  : "${REDIS_CLUSTER_NAME:=$DROPLET_NAME-redis}"
  : "${REDIS_ENGINE:=valkey}"
  : "${REDIS_VERSION:=8}"
  : "${REDIS_SIZE:=db-s-1vcpu-1gb}"
  : "${REDIS_NODES:=1}"
  # Across hosts: APP_DROPLETS droplets behind a DigitalOcean load balancer (1: none).
  : "${APP_DROPLETS:=1}"
  : "${LB_NAME:=$DROPLET_NAME-lb}"
  : "${LB_SIZE_UNIT:=1}"
  : "${CERT_NAME:=$DROPLET_NAME-cert}"
  : "${ENV_PRODUCTION_FILE:=deploy/.env.production}"
  : "${LOCAL_BACKUP_DIR:=deploy/backups}"
  : "${DO_POLL_SECONDS:=5}"
  : "${DOCTL_CONTEXT:=}"
  : "${DOMAIN:=}"
  : "${DNS_ZONE:=$DOMAIN}"

  SSH_KEY_PATH="$(resolve_path "$SSH_KEY_PATH")"
  ENV_PRODUCTION_FILE="$(resolve_path "$ENV_PRODUCTION_FILE")"
  LOCAL_BACKUP_DIR="$(resolve_path "$LOCAL_BACKUP_DIR")"
}

require_vars() {
  local name missing=()
  for name in "$@"; do
    [[ -n ${!name:-} ]] || missing+=("$name")
  done
  ((${#missing[@]} == 0)) || die "set ${missing[*]} in $ENV_FILE"
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (needed by $(basename "$0"))"
  done
}

# The production settings both deploy scripts upload: checked before anything runs.
# env_value NAME FILE: the last NAME=value of an env file, without quotes.
env_value() {
  sed -n "s/^$1=//p" "$2" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}

# The data layout of the settings: DATABASE and REDIS, checked before anything runs.
check_layout() {
  case $DATABASE in
  sqlite | postgres | managed | external) ;;
  *) die "DATABASE must be sqlite, postgres, managed or external (not $DATABASE)" ;;
  esac
  case $REDIS in
  local | managed | external) ;;
  *) die "REDIS must be local, managed or external (not $REDIS)" ;;
  esac
  [[ $REDIS_ENGINE == valkey || $REDIS_ENGINE == redis ]] || die "REDIS_ENGINE must be valkey or redis"
  [[ $PG_NODES =~ ^[1-3]$ && $REDIS_NODES =~ ^[1-3]$ ]] || die "PG_NODES and REDIS_NODES must be 1, 2 or 3"
  [[ $APP_DROPLETS =~ ^[1-9][0-9]?$ ]] || die "APP_DROPLETS must be a number from 1 to 99"
  # Several droplets share nothing on disk: the database and Redis must be servers
  # they all reach.
  if ((APP_DROPLETS > 1)); then
    [[ $DATABASE == managed || $DATABASE == external ]] ||
      die "APP_DROPLETS=$APP_DROPLETS needs a shared database: DATABASE=managed or external (not $DATABASE)"
    [[ $REDIS == managed || $REDIS == external ]] ||
      die "APP_DROPLETS=$APP_DROPLETS needs a shared Redis: REDIS=managed or external (not $REDIS)"
  fi
  return 0
}

# require_sqlite_layout: deploy/backup, restore and 04-offsite-backups copy the SQLite
# file; with a database server they would copy a file the app no longer writes.
require_sqlite_layout() {
  case $DATABASE in
  sqlite) return 0 ;;
  managed) die "$(basename "$0") copies the SQLite file; with DATABASE=managed the database is DigitalOcean's, backed up by it daily (docs/SCALING.md)" ;;
  external) die "$(basename "$0") copies the SQLite file; with DATABASE=external the database's backups are its own" ;;
  *) die "$(basename "$0") copies the SQLite file; with DATABASE=postgres the PostgreSQL backup (bun run backup with pg_dump) is being built (issue 18); until then, on the server: cd parley && docker compose exec -T postgres pg_dump -U parley parley >parley.sql" ;;
  esac
}

# cluster_ips: the app droplets' addresses (01-build-cluster), one a line.
cluster_ips() {
  local ips i
  ips="$(state_get APP_DROPLET_IPS)"
  if [[ -z $ips ]]; then
    dry || die "no app droplets in $STATE_FILE: run deploy/01-build-cluster first"
    for ((i = 1; i <= APP_DROPLETS; i++)); do printf '<droplet-%d-ip>\n' "$i"; done
    return 0
  fi
  tr ',' '\n' <<<"$ips"
}

check_env_production() {
  local file=$ENV_PRODUCTION_FILE secret origins
  [[ -f $file ]] || die "no $file: copy deploy/.env.production.example to it and fill it in"
  secret="$(env_value JWT_SECRET "$file")"
  origins="$(env_value ALLOWED_ORIGINS "$file")"
  ((${#secret} >= 32)) || die "JWT_SECRET in $file must be at least 32 characters (openssl rand -hex 32)"
  [[ -n "$(env_value METRICS_TOKEN "$file")" ]] || die "set METRICS_TOKEN in $file (openssl rand -hex 24)"
  [[ ,$origins, == *",https://$DOMAIN,"* ]] || die "ALLOWED_ORIGINS in $file must include https://$DOMAIN"
  check_layout
  # external: the operator's own servers, written in the file. Otherwise the scripts
  # set these, and a stray line would point the app elsewhere than the layout says.
  if [[ $DATABASE == external ]]; then
    [[ "$(env_value DATABASE_URL "$file")" == postgres*://* ]] || die "DATABASE=external: set DATABASE_URL=postgres://... in $file"
  elif [[ -n "$(env_value DATABASE_URL "$file")" ]]; then
    die "DATABASE_URL is set in $file but DATABASE=$DATABASE: remove the line, or set DATABASE=external"
  fi
  # Droplets share no disk: uploaded files must live in a bucket they all reach.
  if ((APP_DROPLETS > 1)) && [[ -z "$(env_value S3_BUCKET "$file")" ]]; then
    die "APP_DROPLETS=$APP_DROPLETS: set S3_BUCKET (and S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) in $file: uploaded files must be in a bucket every droplet reaches"
  fi
  if [[ $REDIS == external ]]; then
    [[ "$(env_value REDIS_URL "$file")" == redis*://* ]] || die "REDIS=external: set REDIS_URL=redis://... (or rediss://) in $file"
  elif [[ -n "$(env_value REDIS_URL "$file")" ]]; then
    die "REDIS_URL is set in $file but REDIS=$REDIS: remove the line, or set REDIS=external"
  fi
}

# --- printing and running commands -----------------------------------------

# Quote a word only when it needs it, so that printed commands stay readable.
quote_word() {
  if [[ $1 =~ ^[A-Za-z0-9_./:@,=+%-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

join_quoted() {
  local word out=""
  for word in "$@"; do
    out+="${out:+ }$(quote_word "$word")"
  done
  printf '%s' "$out"
}

print_cmd() {
  printf '+ %s\n' "$(join_quoted "$@")" >&3
}

# run CMD...: run it, or print it under --dry-run.
run() {
  if dry; then
    print_cmd "$@"
  else
    "$@"
  fi
}

# --- doctl ---------------------------------------------------------------------

doctl_cmd() {
  if [[ -n $DOCTL_CONTEXT ]]; then
    doctl --context "$DOCTL_CONTEXT" "$@"
  else
    doctl "$@"
  fi
}

# do_read ARGS...: a doctl query. Under --dry-run it is printed and answers nothing,
# so the scripts go down their "create it" paths and print those too.
do_read() {
  if dry; then
    print_cmd doctl "$@"
    return 0
  fi
  doctl_cmd "$@"
}

# do_write PLACEHOLDER ARGS...: a doctl change. Under --dry-run it is printed and
# PLACEHOLDER stands in for its output (an id, an address).
do_write() {
  local placeholder=$1
  shift
  if dry; then
    print_cmd doctl "$@"
    [[ -z $placeholder ]] || printf '%s\n' "$placeholder"
    return 0
  fi
  doctl_cmd "$@"
}

# --- state file (KEY=VALUE lines, written by 01-build-server) -----------------

state_get() {
  [[ -f $STATE_FILE ]] || return 0
  awk -v key="$1" 'index($0, key "=") == 1 { value = substr($0, length(key) + 2) } END { print value }' "$STATE_FILE"
}

state_set() {
  local key=$1 value=$2 tmp
  if dry; then
    log "(dry run) state: $key=$value"
    return 0
  fi
  mkdir -p "$(dirname "$STATE_FILE")"
  tmp="$(mktemp "$STATE_FILE.XXXXXX")"
  if [[ -f $STATE_FILE ]]; then
    awk -v key="$key" 'index($0, key "=") != 1' "$STATE_FILE" >"$tmp"
  fi
  printf '%s=%s\n' "$key" "$value" >>"$tmp"
  mv "$tmp" "$STATE_FILE"
}

# The address the other scripts connect to: the reserved IP, or the app droplet that
# deploy/each-droplet is working on (PARLEY_SERVER_IP).
server_ip() {
  local ip=${PARLEY_SERVER_IP:-}
  [[ -n $ip ]] || ip="$(state_get SERVER_IP)"
  if [[ -z $ip ]]; then
    dry || die "no server address in $STATE_FILE: run deploy/01-build-server first"
    ip="<server-ip>"
  fi
  printf '%s\n' "$ip"
}

# --- ssh / scp -------------------------------------------------------------------

ssh_options() {
  SSH_OPTS=(
    -i "$SSH_KEY_PATH"
    -o IdentitiesOnly=yes
    -o StrictHostKeyChecking=accept-new
    -o "UserKnownHostsFile=$KNOWN_HOSTS_FILE"
    -o ConnectTimeout=10
    -o ServerAliveInterval=30
  )
}

# login_of ROLE: root, or the deploy user for "user" and "sudo".
login_of() {
  case $1 in
  root) printf 'root\n' ;;
  user | sudo) printf '%s\n' "$DEPLOY_USER" ;;
  *) die "unknown remote role: $1" ;;
  esac
}

# remote ROLE [NAME=VALUE...] < script
# Runs the bash script read from stdin on the server: as root (ROLE=root), as the
# deploy user (user) or as the deploy user through sudo (sudo). Each NAME=VALUE is
# defined at the top of the script. The script travels base64-encoded in the ssh
# command line rather than on stdin, so that commands inside it that read stdin
# (docker, apt) cannot swallow the rest of it.
remote() {
  local role=$1 login host body kv encoded command
  shift
  login="$(login_of "$role")"
  host="$(server_ip)"
  body="set -euo pipefail"$'\n'
  for kv in "$@"; do
    body+="$(printf '%s=%q' "${kv%%=*}" "${kv#*=}")"$'\n'
  done
  body+="$(cat)"
  ssh_options
  if dry; then
    local shown
    shown="$(join_quoted ssh "${SSH_OPTS[@]}" "$login@$host")"
    [[ $role == sudo ]] && shown+=" sudo"
    printf "+ %s bash <<'REMOTE'\n%s\nREMOTE\n" "$shown" "$body" >&3
    return 0
  fi
  encoded="$(printf '%s' "$body" | base64 | tr -d '\n')"
  command="bash -c \"\$(printf %s '$encoded' | base64 -d)\" parley-deploy"
  [[ $role == sudo ]] && command="sudo -n $command"
  # shellcheck disable=SC2029 # $command is meant to be built here
  ssh "${SSH_OPTS[@]}" "$login@$host" "$command" </dev/null
}

# ssh_shell ROLE [COMMAND...]: an interactive session (or one command) on the server.
ssh_shell() {
  local role=$1 login host
  shift
  login="$(login_of "$role")"
  host="$(server_ip)"
  ssh_options
  run ssh -t "${SSH_OPTS[@]}" "$login@$host" "$@"
}

# scp_up LOCAL REMOTE_PATH / scp_down REMOTE_PATH LOCAL, as the deploy user.
scp_up() {
  local host
  host="$(server_ip)"
  ssh_options
  run scp -q "${SSH_OPTS[@]}" "$1" "$DEPLOY_USER@$host:$2"
}

scp_down() {
  local host
  host="$(server_ip)"
  ssh_options
  run scp -q "${SSH_OPTS[@]}" "$DEPLOY_USER@$host:$1" "$2"
}

# scp_up_dir / scp_down_dir: the same for a folder (a backup's FILE.files/).
scp_up_dir() {
  local host
  host="$(server_ip)"
  ssh_options
  run scp -q -r "${SSH_OPTS[@]}" "$1" "$DEPLOY_USER@$host:$2"
}

scp_down_dir() {
  local host
  host="$(server_ip)"
  ssh_options
  run scp -q -r "${SSH_OPTS[@]}" "$DEPLOY_USER@$host:$1" "$2"
}

# Bash functions shared by the remote scripts (prepended to them by the callers).
# They run on the server, in $APP_DIR, with DOMAIN and CERTBOT_STAGING defined.
remote_helpers() {
  cat <<'EOF'
# wait_healthy SERVICE: until the container's Docker health check says healthy.
wait_healthy() {
  local svc=$1 id status=missing
  for _ in $(seq 1 90); do
    id="$(docker compose ps -q "$svc")"
    if [ -n "$id" ]; then
      status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")"
    fi
    case $status in
      healthy) echo "$svc is healthy"; return 0 ;;
      unhealthy | exited | dead) break ;;
    esac
    sleep 2
  done
  echo "$svc did not become healthy (last status: $status)" >&2
  docker compose logs --tail 50 "$svc" >&2 || true
  return 1
}

# env_set NAME VALUE: set NAME in .env (the settings docker compose reads itself).
env_set() {
  if grep -q "^$1=" .env 2>/dev/null; then
    sed -i "s|^$1=.*|$1=$2|" .env
  else
    echo "$1=$2" >>.env
  fi
}

# reload_nginx: when nginx runs, make it re-read its config and re-resolve app1/app2
# (a recreated container gets a new address on the compose network).
reload_nginx() {
  if [ -n "$(docker compose ps -q --status running nginx 2>/dev/null)" ]; then
    docker compose exec -T nginx nginx -s reload
  fi
}

# check_health: GET /api/health through nginx, as a browser would reach it.
check_health() {
  local mode body insecure=""
  mode="$(sed -n 's/^NGINX_MODE=//p' .env 2>/dev/null | tail -n 1)"
  [ "${CERTBOT_STAGING:-0}" = 1 ] && insecure="-k"
  for _ in $(seq 1 60); do
    if [ "$mode" = after-certs ]; then
      body="$(curl -fsS $insecure --max-time 5 --resolve "$DOMAIN:443:127.0.0.1" "https://$DOMAIN/api/health" 2>/dev/null)" || body=""
    else
      body="$(curl -fsS --max-time 5 -H "Host: $DOMAIN" "http://127.0.0.1/api/health" 2>/dev/null)" || body=""
    fi
    case $body in
      *'"ok":true'*) echo "health through nginx: $body"; return 0 ;;
    esac
    sleep 2
  done
  echo "GET /api/health through nginx did not answer ok" >&2
  docker compose ps >&2 || true
  docker compose logs --tail 30 nginx app1 app2 >&2 || true
  return 1
}
EOF
}
