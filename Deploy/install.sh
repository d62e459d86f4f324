#!/usr/bin/env bash
# Installs Holdfast on a Debian host with systemd and nginx: binaries, migrations, systemd units, the nginx
# site, a `holdfast` system user, generated secrets; then migrates the database and starts the services.
# Usage: make build && sudo make install      (or: sudo PREFIX=/opt/holdfast Deploy/install.sh)
#
# Settings (environment):
#   PREFIX       where binaries and shared files go (default /usr/local); rendered into the units (@PREFIX@).
#   DESTDIR      stage everything under this folder instead of /, for packaging and tests. With DESTDIR set
#                the real system is left alone: no user is created, nothing is chowned, no systemctl, no
#                nginx reload, no migration.
#   BIN_DIR      the release build to install (default .build/release).
#   SERVER_NAME, TLS_CERT, TLS_KEY, HOLDFAST_CORS_ORIGIN
#                used only when the nginx site is first written (default: any name, Debian's snakeoil
#                certificate, http://localhost:5173); edit /etc/nginx/sites-available/holdfast afterwards.
#   NGINX_MAIN_CONF
#                nginx's main configuration, checked for enough worker_connections (default
#                /etc/nginx/nginx.conf; with DESTDIR, checked only when set).
#
# Running it again is safe: binaries, migrations, units and the nginx snippets are refreshed; the secrets,
# /etc/holdfast/holdfast.env, the nginx site file and the database are never overwritten.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
bin=${BIN_DIR:-$root/.build/release}
user=holdfast
state_dir=/var/lib/holdfast
conf_dir=/etc/holdfast
unit_dir=/etc/systemd/system
nginx_dir=/etc/nginx
units=(holdfast-fcgi.socket holdfast-fcgi.service holdfast-sync.service holdfast-sync.timer)
binaries=(holdfast-fcgi holdfast-sync)

log() { printf 'install: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }
live() { [ -z "$DESTDIR" ]; }
systemd_running() { live && [ -d /run/systemd/system ]; }

[[ $PREFIX == /* ]] || fail "PREFIX must be an absolute path (got '$PREFIX')"
[[ -z $DESTDIR || $DESTDIR == /* ]] || fail "DESTDIR must be an absolute path (got '$DESTDIR')"
for b in "${binaries[@]}" holdfast; do
    [ -x "$bin/$b" ] || fail "no release build of $b in $bin; run: make build"
done
if live; then
    [ "$(id -u)" -eq 0 ] || fail "run as root (sudo make install), or set DESTDIR to stage the files"
    getent group www-data >/dev/null || fail "group www-data (nginx's, on Debian) does not exist; install nginx first"
fi

changed=0  # set when a binary or unit changed, so a running responder is restarted onto it

# put SOURCE DEST MODE: installs SOURCE as $DESTDIR/DEST unless identical already; atomic for running binaries.
put() {
    local source=$1 dest=$DESTDIR$2 mode=$3
    if [ -f "$dest" ] && cmp -s "$source" "$dest"; then
        chmod "$mode" "$dest"
        return 0
    fi
    mkdir -p "$(dirname "$dest")"
    install -m "$mode" "$source" "$dest.new"
    mv -f "$dest.new" "$dest"
    changed=1
}

# check_worker_connections: warns when nginx's main configuration allows fewer connections than the README
# recommends. Every open client connection, a slow one too, takes one of worker_connections (Debian ships 768),
# and a site file cannot raise it: only the events block of the main file can.
recommended_connections=8192
check_worker_connections() {
    local main=${NGINX_MAIN_CONF:-/etc/nginx/nginx.conf} connections nofile
    [ -r "$main" ] || return 0
    # The last setting wins; comments are not settings. nginx's own defaults: 512 connections, no file limit.
    connections=$(sed 's/#.*//' "$main" | grep -o 'worker_connections[[:space:]]\+[0-9]\+' | tail -1 | grep -o '[0-9]\+$' || true)
    nofile=$(sed 's/#.*//' "$main" | grep -o 'worker_rlimit_nofile[[:space:]]\+[0-9]\+' | tail -1 | grep -o '[0-9]\+$' || true)
    connections=${connections:-512}
    if [ "$connections" -lt $recommended_connections ] || [ "${nofile:-0}" -lt $((2 * connections)) ]; then
        log "warning: $main has worker_connections $connections and worker_rlimit_nofile ${nofile:-unset}: a few" \
            "hundred slow clients can hold every connection. Set 'worker_rlimit_nofile $((2 * recommended_connections));'" \
            "and 'events { worker_connections $recommended_connections; }' there (README, Security notes)."
    fi
}

# render TEMPLATE > stdout: fills in @PREFIX@.
render() { sed -e "s|@PREFIX@|$PREFIX|g" "$1"; }

# directory PATH MODE OWNER:GROUP
directory() {
    mkdir -p "$DESTDIR$1"
    chmod "$2" "$DESTDIR$1"
    if live; then chown "$3" "$1"; fi
}

# secret NAME: a new random value, only if the file does not exist yet. Never overwrite: a new
# encryption-key would leave every stored exchange credential unreadable (rotate with `holdfast keys rotate`
# instead), and a new jwt-secret signs everyone out.
secret() {
    local file=$DESTDIR$conf_dir/$1
    if [ ! -e "$file" ]; then
        (umask 077; openssl rand -hex 32 > "$file.new")
        mv "$file.new" "$file"
        log "generated $conf_dir/$1"
    fi
    chmod 0640 "$file"
    if live; then chown root:$user "$file"; fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The service user: no login shell, its home is the state directory.
if live && ! getent passwd $user >/dev/null; then
    useradd --system --user-group --home-dir $state_dir --no-create-home --shell /usr/sbin/nologin \
        --comment "Holdfast service" $user
    log "created system user $user"
fi

# 2. Directories, settings and secrets.
directory $state_dir 0750 $user:$user
directory $conf_dir 0750 root:$user
secret jwt-secret
secret encryption-key
# Older encryption keys during a rotation, one per line; empty otherwise (optional for the units too).
if [ ! -e "$DESTDIR$conf_dir/encryption-keys-previous" ]; then : > "$DESTDIR$conf_dir/encryption-keys-previous"; fi
chmod 0640 "$DESTDIR$conf_dir/encryption-keys-previous"
if [ ! -e "$DESTDIR$conf_dir/holdfast.env" ]; then
    render "$root/Deploy/holdfast.env.example" > "$work/holdfast.env"
    install -m 0640 "$work/holdfast.env" "$DESTDIR$conf_dir/holdfast.env"
    log "wrote $conf_dir/holdfast.env (edit it, then: systemctl restart holdfast-fcgi.service)"
fi
chmod 0640 "$DESTDIR$conf_dir/holdfast.env"
if live; then chown root:$user "$conf_dir/encryption-keys-previous" "$conf_dir/holdfast.env"; fi

# 3. Binaries, the CLI behind a wrapper that loads the service's settings, migrations, the README.
for b in "${binaries[@]}"; do put "$bin/$b" "$PREFIX/bin/$b" 0755; done
put "$bin/holdfast" "$PREFIX/libexec/holdfast/holdfast" 0755
render "$root/Deploy/holdfast-cli.sh" > "$work/holdfast-cli"
put "$work/holdfast-cli" "$PREFIX/bin/holdfast" 0755
mkdir -p "$DESTDIR$PREFIX/share/holdfast/migrations"
for sql in "$root"/Migrations/*.sql; do put "$sql" "$PREFIX/share/holdfast/migrations/$(basename "$sql")" 0644; done
put "$root/README.md" "$PREFIX/share/doc/holdfast/README.md" 0644
# The web UI: static files nginx serves from the API's own origin.
(cd "$root/web" && find . -type f) | while read -r file; do
    mkdir -p "$(dirname "$DESTDIR$PREFIX/share/holdfast/web/$file")"
    put "$root/web/$file" "$PREFIX/share/holdfast/web/$file" 0644
done

# 4. systemd units, with the prefix filled in.
socket_changed=0
for unit in "${units[@]}"; do
    render "$root/Deploy/$unit" > "$work/$unit"
    before=$changed changed=0
    put "$work/$unit" "$unit_dir/$unit" 0644
    if [ $unit = holdfast-fcgi.socket ]; then socket_changed=$changed; fi
    changed=$((before | changed))
done

# 5. nginx: the shared snippets always follow this version; the site file is the operator's once written
# (server name, certificate paths), so a changed rendering goes beside it as holdfast.new.
SOCKET=/run/holdfast/fcgi.sock CONF_DIR=$nginx_dir/holdfast SERVER_NAME=${SERVER_NAME:-_} \
    TLS_CERT=${TLS_CERT:-/etc/ssl/certs/ssl-cert-snakeoil.pem} TLS_KEY=${TLS_KEY:-/etc/ssl/private/ssl-cert-snakeoil.key} \
    CORS_ORIGIN=${HOLDFAST_CORS_ORIGIN:-http://localhost:5173} RATE_LIMIT_DRY_RUN=off WEB_ROOT=$PREFIX/share/holdfast/web \
    "$root/Deploy/render-nginx.sh" "$root/nginx" "$work/nginx" >/dev/null
for file in holdfast-http.conf holdfast-client.conf snippets/holdfast-headers.conf snippets/holdfast-fastcgi.conf \
            snippets/holdfast-locations.conf snippets/holdfast-server.conf \
            snippets/holdfast-errors.conf snippets/holdfast-tls.conf; do
    put "$work/nginx/$file" "$nginx_dir/holdfast/$file" 0644
done
site=$DESTDIR$nginx_dir/sites-available/holdfast
if [ ! -e "$site" ]; then
    put "$work/nginx/sites/holdfast.conf" "$nginx_dir/sites-available/holdfast" 0644
elif ! cmp -s "$work/nginx/sites/holdfast.conf" "$site"; then
    # sites-available/ is not read by nginx, so the fresh rendering waits there for the operator to compare.
    install -m 0644 "$work/nginx/sites/holdfast.conf" "$site.new"
    log "kept your $nginx_dir/sites-available/holdfast; this version's rendering is beside it as holdfast.new"
fi
mkdir -p "$DESTDIR$nginx_dir/sites-enabled"
ln -sfn "$nginx_dir/sites-available/holdfast" "$DESTDIR$nginx_dir/sites-enabled/holdfast"
if live || [ -n "${NGINX_MAIN_CONF:-}" ]; then check_worker_connections; fi

if ! live; then
    log "staged into $DESTDIR (no user, ownership, migration or service changes)"
    exit 0
fi

# 6. Migrate as the service user (the wrapper reads /etc/holdfast), before a responder starts on the new binary.
runuser -u $user -- "$PREFIX/bin/holdfast" migrate

# 7. Start (or restart onto new binaries), then let nginx pick up the site.
if systemd_running; then
    systemctl daemon-reload
    systemctl enable --now holdfast-fcgi.socket holdfast-sync.timer
    # A new socket unit takes effect only on a fresh socket (stopping it stops the responder; the next
    # connection starts it again); a new binary or service unit only needs the responder restarted.
    if [ $socket_changed -eq 1 ]; then systemctl restart holdfast-fcgi.socket
    elif [ $changed -eq 1 ]; then systemctl try-restart holdfast-fcgi.service; fi
else
    log "systemd is not running here: units installed but not enabled"
fi
if command -v nginx >/dev/null; then
    if [ ! -e "${TLS_CERT:-/etc/ssl/certs/ssl-cert-snakeoil.pem}" ]; then
        log "the site's TLS certificate is missing: install ssl-cert (make-ssl-cert generate-default-snakeoil) or set your own in $nginx_dir/sites-available/holdfast"
    fi
    if nginx -t 2>"$work/nginx-t.log"; then
        if systemd_running; then systemctl reload-or-restart nginx; fi
    else
        cat "$work/nginx-t.log" >&2
        log "nginx -t failed: fix $nginx_dir/sites-available/holdfast, then: systemctl reload nginx"
    fi
fi
log "installed; add a user: printf '%s\n' 'passphrase' | sudo -u $user $PREFIX/bin/holdfast user add you@example.com"
