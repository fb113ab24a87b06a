# lib.sh - throwaway Dovecot and Radicale servers on 127.0.0.1 for kith's live capture tests and
# benchmark (sourced, not run). Everything lives under $LIVE (a temp folder the caller made).
# shellcheck shell=bash

LIVE_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIVE_USER_UID=$(id -u)
LIVE_USER_GID=$(id -g)
# Dovecot refuses mail access as root: when the tests run as root (CI), the mail users are nobody.
if [ "$LIVE_USER_UID" = 0 ]; then
  LIVE_USER_UID=$(id -u nobody)
  LIVE_USER_GID=$(getent group nogroup | cut -d: -f3)
fi

# free_port: a TCP port nobody listens on at 127.0.0.1 now.
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT SECONDS: waits until something accepts on 127.0.0.1:PORT.
wait_port() {
  local port=$1 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt "$deadline" ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

# live_cert: a self-signed certificate for 127.0.0.1 and localhost in $LIVE/tls/.
live_cert() {
  mkdir -p "$LIVE/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$LIVE/tls/key.pem" -out "$LIVE/tls/cert.pem" >/dev/null 2>&1 || return 1
  chmod 600 "$LIVE/tls/key.pem"
}

# ---- Dovecot ----------------------------------------------------------------

# dovecot_setup: writes $LIVE/dovecot/dovecot.conf (IMAP on DOVECOT_PORT with STARTTLS,
# IMAPS on DOVECOT_TLS_PORT) and an empty passwd file; add users with dovecot_user.
dovecot_setup() {
  DOVECOT_DIR="$LIVE/dovecot"
  DOVECOT_PORT=$(free_port)
  DOVECOT_TLS_PORT=$(free_port)
  mkdir -p "$DOVECOT_DIR/run" "$DOVECOT_DIR/state" "$DOVECOT_DIR/home"
  : >"$DOVECOT_DIR/passwd"
  chmod 755 "$LIVE" "$DOVECOT_DIR" "$DOVECOT_DIR/home"
  [ -f "$LIVE/tls/cert.pem" ] || live_cert || return 1
  local login_user=dovenull internal_user=dovecot
  if [ "$(id -u)" != 0 ]; then login_user=$(id -un) internal_user=$(id -un); fi
  cat >"$DOVECOT_DIR/dovecot.conf" <<CONF
# a throwaway Dovecot for kith's tests: loopback only, everything under $DOVECOT_DIR
protocols = imap
listen = 127.0.0.1
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_DIR/dovecot.log
info_log_path = $DOVECOT_DIR/dovecot.log
default_login_user = $login_user
default_internal_user = $internal_user
first_valid_uid = 1
ssl = yes
ssl_cert = <$LIVE/tls/cert.pem
ssl_key = <$LIVE/tls/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = ${DOVECOT_AUTH_DELAY:-1 secs}
auth_verbose = yes
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DOVECOT_DIR/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $DOVECOT_DIR/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DOVECOT_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $DOVECOT_TLS_PORT
    ssl = yes
  }
  chroot =
}
service anvil {
  chroot =
}
CONF
}

# dovecot_user NAME PASSWORD: a mail user with an empty Maildir at $DOVECOT_DIR/home/NAME/Maildir.
dovecot_user() {
  local home="$DOVECOT_DIR/home/$1"
  mkdir -p "$home/Maildir/cur" "$home/Maildir/new" "$home/Maildir/tmp"
  echo "$1:{PLAIN}$2:$LIVE_USER_UID:$LIVE_USER_GID::$home" >>"$DOVECOT_DIR/passwd"
  dovecot_fix_owner "$1"
}

# dovecot_fix_owner NAME: gives the user's files to the mail user (after the test wrote some).
dovecot_fix_owner() {
  if [ "$(id -u)" = 0 ]; then chown -R "$LIVE_USER_UID:$LIVE_USER_GID" "$DOVECOT_DIR/home/$1"; fi
}

# dovecot_deliver NAME FILE [FOLDER]: puts the message FILE into the user's Maildir (new/), as an MDA would.
dovecot_deliver() {
  local dir="$DOVECOT_DIR/home/$1/Maildir"
  [ -n "${3:-}" ] && [ "$3" != INBOX ] && dir="$dir/.$3"
  mkdir -p "$dir/cur" "$dir/new" "$dir/tmp"
  local name
  name="$(date +%s).$$_${RANDOM}${RANDOM}.kithtest"
  cp "$2" "$dir/tmp/$name" || return 1
  mv "$dir/tmp/$name" "$dir/new/$name"
}

dovecot_start() {
  dovecot -F -c "$DOVECOT_DIR/dovecot.conf" >>"$DOVECOT_DIR/stdout.log" 2>&1 &
  DOVECOT_PID=$!
  wait_port "$DOVECOT_PORT" 15 && wait_port "$DOVECOT_TLS_PORT" 5
}

dovecot_stop() {
  if [ -n "${DOVECOT_PID:-}" ]; then
    kill "$DOVECOT_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$DOVECOT_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$DOVECOT_PID" 2>/dev/null
    wait "$DOVECOT_PID" 2>/dev/null
    DOVECOT_PID=
  fi
  # leftovers: processes of this instance only (their command line names its config)
  if [ -n "${DOVECOT_DIR:-}" ]; then
    local p
    for p in $(pgrep -f -- "$DOVECOT_DIR/" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  fi
}

# ---- Radicale ---------------------------------------------------------------

# radicale_setup [tls]: storage and an empty htpasswd file (plain passwords) under $LIVE/radicale;
# with "tls", HTTPS with the certificate of live_cert.
radicale_setup() {
  RADICALE_DIR="$LIVE/radicale"
  RADICALE_PORT=$(free_port)
  mkdir -p "$RADICALE_DIR/collections"
  : >"$RADICALE_DIR/users"
  RADICALE_TLS=${1:-}
  if [ "$RADICALE_TLS" = tls ]; then
    [ -f "$LIVE/tls/cert.pem" ] || live_cert || return 1
    RADICALE_URL="https://127.0.0.1:$RADICALE_PORT"
  else
    RADICALE_URL="http://127.0.0.1:$RADICALE_PORT"
  fi
}

radicale_user() { echo "$1:$2" >>"$RADICALE_DIR/users"; }

radicale_start() {
  local tls=(--no-ssl)
  [ "$RADICALE_TLS" = tls ] && tls=(--ssl --certificate "$LIVE/tls/cert.pem" --key "$LIVE/tls/key.pem")
  /usr/bin/python3 -m radicale --server-hosts "127.0.0.1:$RADICALE_PORT" "${tls[@]}" \
    --storage-filesystem-folder "$RADICALE_DIR/collections" \
    --auth-type htpasswd --auth-htpasswd-filename "$RADICALE_DIR/users" \
    --auth-htpasswd-encryption plain --auth-delay 0 --rights-type owner_only \
    --logging-level "${RADICALE_LOG_LEVEL:-warning}" >>"$RADICALE_DIR/radicale.log" 2>&1 &
  RADICALE_PID=$!
  wait_port "$RADICALE_PORT" 20
}

radicale_stop() {
  if [ -n "${RADICALE_PID:-}" ]; then
    kill "$RADICALE_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$RADICALE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$RADICALE_PID" 2>/dev/null
    wait "$RADICALE_PID" 2>/dev/null
    RADICALE_PID=
  fi
}

# dav USER:PASS METHOD PATH [FILE] [HEADER...]: one request to Radicale; prints the HTTP status.
dav() {
  local auth=$1 method=$2 path=$3 file=${4:-}
  shift 3; [ $# -gt 0 ] && shift
  local args=(-s -o /dev/null -w '%{http_code}' -u "$auth" -X "$method" --max-time 30)
  [ "$RADICALE_TLS" = tls ] && args+=(--cacert "$LIVE/tls/cert.pem")
  [ -n "$file" ] && args+=(--data-binary "@$file")
  local h
  for h in "$@"; do args+=(-H "$h"); done
  curl "${args[@]}" "$RADICALE_URL$path"
}

# ---- a server that goes away mid-reply ---------------------------------------

# proxy_start TARGET_PORT CUT_BYTES: a relay on PROXY_PORT that goes away after CUT_BYTES
# bytes from the server (tests/live/cutproxy.py).
proxy_start() {
  PROXY_PORT=$(free_port)
  /usr/bin/python3 "$LIVE_LIB_DIR/cutproxy.py" "$PROXY_PORT" "$1" "$2" 60 >/dev/null 2>&1 &
  PROXY_PID=$!
  wait_port "$PROXY_PORT" 10
}

proxy_stop() {
  if [ -n "${PROXY_PID:-}" ]; then
    kill "$PROXY_PID" 2>/dev/null
    wait "$PROXY_PID" 2>/dev/null
    PROXY_PID=
  fi
}

# filter_start TARGET_PORT [https]: a relay on FILTER_PORT to a CalDAV server that refuses sync-collection
# REPORTs, as a server without RFC 6578 (tests/live/davfilter.py).
filter_start() {
  FILTER_PORT=$(free_port)
  /usr/bin/python3 "$LIVE_LIB_DIR/davfilter.py" "$FILTER_PORT" "$1" 60 "${2:-http}" >/dev/null 2>&1 &
  FILTER_PID=$!
  wait_port "$FILTER_PORT" 10
}

filter_stop() {
  if [ -n "${FILTER_PID:-}" ]; then
    kill "$FILTER_PID" 2>/dev/null
    wait "$FILTER_PID" 2>/dev/null
    FILTER_PID=
  fi
}
