#!/usr/bin/env bash
# Configures an installed Holdfast on this machine: installed as @PREFIX@/libexec/holdfast/configure by
# Deploy/install.sh; run as root by `make install` (after install.sh) and by the Debian package's postinst.
# Idempotent: run it again after editing /etc/holdfast/holdfast.env, after an upgrade, or to repair.
#   1. the `holdfast` system user (no login shell, home /var/lib/holdfast);
#   2. /var/lib/holdfast (holdfast 0750) and /etc/holdfast (root:holdfast 0750);
#   3. secrets jwt-secret and encryption-key (openssl rand -hex 32) and an empty encryption-keys-previous,
#      only when missing: a new encryption key would leave every stored credential unreadable;
#   4. /etc/holdfast/holdfast.env from @PREFIX@/share/holdfast/holdfast.env.example, only when missing (the
#      site values below go into it then); a later differing value is not applied, with a warning;
#   5. `holdfast backup --if-exists`, then `holdfast migrate`, as the service user;
#   6. systemd: daemon-reload, enable holdfast-fcgi.socket and holdfast-sync.timer, restart the responder;
#   7. nginx: renders the site from the settings file, disables Debian's stock `default` site, checks with
#      `nginx -t` and puts the previous files back when that fails, then reloads nginx; checks
#      worker_connections and HOLDFAST_WORKERS against nginx.conf.
# Any failure exits non-zero with what to fix; nginx then keeps running on its previous configuration.
#
# Environment (all optional):
#   SERVER_NAME, TLS_CERT, TLS_KEY, CORS_ORIGIN (or HOLDFAST_CORS_ORIGIN), HTTP_PORT, HTTPS_PORT
#       the site settings written into a new /etc/holdfast/holdfast.env (as HOLDFAST_SERVER_NAME, ...).
#       Defaults: any name (_), Debian's snakeoil pair, http://localhost:5173, ports 80 and 443.
#   HOLDFAST_CONFIGURE_SYSTEMD=0
#       leave the units alone (a package enabling them with its own helpers); default 1: manage them when
#       systemd runs.
#   NGINX_MAIN_CONF   nginx's main file, for the worker checks (default /etc/nginx/nginx.conf).
# Flags: --help.
#
# Why the site is rendered on every run rather than written once and left to the operator: a site file that
# installs never touch drifts from the snippets each release ships, and settings given to one install were lost
# by the next (issue 18, input 5). So the settings live in one operator-owned file and the site follows it;
# a hand edit of the site file is not kept in place but saved beside it with a warning, and directives of the
# operator's own belong in /etc/nginx/holdfast/site.d/*.conf, which the site includes and configure never
# writes.
#
# Why Debian's `default` site is disabled: its `listen 80 default_server` takes every plain-HTTP request whose
# name is not Holdfast's (a visit by IP address, `server_name _`), so they got the welcome page instead of the
# redirect to HTTPS. Only the stock link (sites-enabled/default -> sites-available/default) to an unmodified
# stock file is removed, and the file itself stays; a default site the operator changed is left alone with a
# warning. Making Holdfast's port-80 server the default_server instead would fail nginx -t beside the stock
# site ("a duplicate default server") and take over the default of hosts that serve other sites.
set -euo pipefail
PREFIX=@PREFIX@
libexec=$PREFIX/libexec/holdfast
share=$PREFIX/share/holdfast
user=holdfast
state_dir=/var/lib/holdfast
conf_dir=/etc/holdfast
settings=$conf_dir/holdfast.env
nginx_dir=/etc/nginx
nginx_main=${NGINX_MAIN_CONF:-$nginx_dir/nginx.conf}
site=$nginx_dir/sites-available/holdfast
site_link=$nginx_dir/sites-enabled/holdfast
default_link=$nginx_dir/sites-enabled/default
snakeoil_cert=/etc/ssl/certs/ssl-cert-snakeoil.pem
snakeoil_key=/etc/ssl/private/ssl-cert-snakeoil.key
# The nginx files configure owns (relative to /etc/nginx/holdfast); site.d/ and anything else there is the operator's.
nginx_files=(holdfast-http.conf holdfast-client.conf snippets/holdfast-headers.conf snippets/holdfast-fastcgi.conf
             snippets/holdfast-locations.conf snippets/holdfast-server.conf snippets/holdfast-errors.conf
             snippets/holdfast-tls.conf)
# The site settings: the name in holdfast.env, the variable a first configure takes it from, the default.
site_keys=(HOLDFAST_SERVER_NAME HOLDFAST_TLS_CERT HOLDFAST_TLS_KEY HOLDFAST_CORS_ORIGIN HOLDFAST_HTTP_PORT
           HOLDFAST_HTTPS_PORT)
declare -A given_name=([HOLDFAST_SERVER_NAME]=SERVER_NAME [HOLDFAST_TLS_CERT]=TLS_CERT [HOLDFAST_TLS_KEY]=TLS_KEY
                       [HOLDFAST_CORS_ORIGIN]=CORS_ORIGIN [HOLDFAST_HTTP_PORT]=HTTP_PORT [HOLDFAST_HTTPS_PORT]=HTTPS_PORT)
declare -A default_value=([HOLDFAST_SERVER_NAME]=_ [HOLDFAST_TLS_CERT]=$snakeoil_cert [HOLDFAST_TLS_KEY]=$snakeoil_key
                          [HOLDFAST_CORS_ORIGIN]=http://localhost:5173 [HOLDFAST_HTTP_PORT]=80 [HOLDFAST_HTTPS_PORT]=443)
# The README's advice for nginx's main file (Security notes): connections a worker may hold.
recommended_connections=8192

log() { printf 'configure: %s\n' "$*" >&2; }
warn() { log "warning: $*"; }
fail() { log "error: $*"; exit 1; }

case ${1:-} in
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) fail "unknown argument '$1' (settings come from the environment; see --help)" ;;
esac
[ -z "${DESTDIR:-}" ] || fail "configure sets up the machine it runs on; DESTDIR is for staging (install.sh) only"
[ "$(id -u)" -eq 0 ] || fail "run as root: sudo $libexec/configure"
[ -x "$libexec/holdfast" ] || fail "$libexec/holdfast is missing: install the files first (make install)"
command -v nginx >/dev/null || fail "nginx is not installed: apt-get install nginx, then run $libexec/configure again"
# The binaries carry Swift inside them but load Debian's libssl, libsqlite3, libfcgi and libcurl: name what is
# missing before anything below misreads a loader error as something else.
for binary in holdfast holdfast-fcgi holdfast-sync; do
    missing=$(ldd "$libexec/$binary" 2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
    [ -z "$missing" ] || fail "$libexec/$binary cannot load: ${missing% }. Install the runtime libraries:" \
        "apt-get install libssl3 libsqlite3-0 libfcgi0ldbl libcurl4 libpq5, then run $libexec/configure again"
done
getent group www-data >/dev/null || fail "group www-data (nginx's, on Debian) does not exist: install Debian's nginx"

# The given site values: CORS_ORIGIN has HOLDFAST_CORS_ORIGIN as an older spelling (make install takes both).
CORS_ORIGIN=${CORS_ORIGIN:-${HOLDFAST_CORS_ORIGIN:-}}
given() { local name=${given_name[$1]}; printf '%s' "${!name:-}"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One configure at a time: two would interleave nginx files and their rollback.
mkdir -p /run/lock
exec 9>/run/lock/holdfast-configure.lock
flock -n 9 || fail "another configure is running (lock /run/lock/holdfast-configure.lock)"

# setting NAME [FILE]: the value of NAME in a KEY=value file (the last line wins, as in systemd and sh), with
# one pair of surrounding double or single quotes removed; empty when absent.
setting() {
    local file=${2:-$settings} line
    line=$(grep -E "^[[:space:]]*$1=" "$file" 2>/dev/null | tail -1) || true
    line=${line#*=}
    if [[ $line == \"*\" || $line == \'*\' ]]; then line=${line:1:${#line}-2}; fi
    printf '%s' "$line"
}
has_setting() { grep -qE "^[[:space:]]*$1=" "$settings"; }
setting_line() { grep -nE "^[[:space:]]*$1=" "$settings" | tail -1 | cut -d: -f1; }
# quoted VALUE: VALUE as a KEY=value right-hand side (double quotes when it has a space).
quoted() { if [[ $1 == *[[:space:]]* ]]; then printf '"%s"' "$1"; else printf '%s' "$1"; fi; }

# 1. The service user: no login shell, its home is the state directory.
if ! getent passwd $user >/dev/null; then
    useradd --system --user-group --home-dir $state_dir --no-create-home --shell /usr/sbin/nologin \
        --comment "Holdfast service" $user
    log "created system user $user"
fi

# 2. Directories.
install -d -m 0750 -o $user -g $user $state_dir
install -d -m 0750 -o root -g $user $conf_dir

# 3. Secrets, only when missing (a new jwt-secret signs everyone out; rotate keys as the README says).
secret() {
    local file=$conf_dir/$1
    if [ ! -e "$file" ]; then
        (umask 077; openssl rand -hex 32 > "$file.new")
        mv "$file.new" "$file"
        log "generated $file"
    fi
    chown root:$user "$file"
    chmod 0640 "$file"
}
command -v openssl >/dev/null || fail "openssl is needed to generate the secrets: apt-get install openssl"
secret jwt-secret
secret encryption-key
[ -e $conf_dir/encryption-keys-previous ] || : > $conf_dir/encryption-keys-previous
chown root:$user $conf_dir/encryption-keys-previous
chmod 0640 $conf_dir/encryption-keys-previous

# 4. The settings file. Written once; afterwards it is the operator's and only gains site lines it lacks.
# old_site_value KEY: a site setting as an install before the settings file held it wrote it into the site,
# so an upgrade keeps the name and certificate the operator had put there.
old_site_value() {
    [ -f "$site" ] && ! grep -q '^# Rendered by configure' "$site" || return 0
    case $1 in
        HOLDFAST_SERVER_NAME) sed -n 's/^[[:space:]]*server_name[[:space:]]\+\([^;]*\);.*/\1/p' "$site" | head -1 ;;
        HOLDFAST_TLS_CERT) sed -n 's/^[[:space:]]*ssl_certificate[[:space:]]\+\([^;]*\);.*/\1/p' "$site" | head -1 ;;
        HOLDFAST_TLS_KEY) sed -n 's/^[[:space:]]*ssl_certificate_key[[:space:]]\+\([^;]*\);.*/\1/p' "$site" | head -1 ;;
        HOLDFAST_CORS_ORIGIN)
            [ -f "$nginx_dir/holdfast/holdfast-http.conf" ] &&
                sed -n 's/^[[:space:]]*"\(https\{0,1\}:[^"]*\)"[[:space:]].*/\1/p' "$nginx_dir/holdfast/holdfast-http.conf" | head -1 ;;
    esac
    return 0
}
if [ ! -e "$settings" ]; then
    cp "$share/holdfast.env.example" "$work/holdfast.env"
    for name in "${site_keys[@]}"; do
        value=$(given "$name")
        [ -n "$value" ] || value=$(old_site_value "$name")
        [ -n "$value" ] || continue
        # awk takes the value from its environment, so no character in it is special.
        KEY=$name VALUE=$(quoted "$value") awk -v OFS= '
            $0 ~ "^" ENVIRON["KEY"] "=" { print ENVIRON["KEY"], "=", ENVIRON["VALUE"]; done = 1; next }
            { print }
            END { if (!done) print ENVIRON["KEY"], "=", ENVIRON["VALUE"] }' "$work/holdfast.env" > "$work/holdfast.env.next"
        mv "$work/holdfast.env.next" "$work/holdfast.env"
    done
    install -m 0640 -o root -g $user "$work/holdfast.env" "$settings"
    log "wrote $settings (yours from now on: edit it, then run $libexec/configure again)"
else
    for name in "${site_keys[@]}"; do
        value=$(given "$name")
        if ! has_setting "$name"; then
            [ -n "$value" ] || value=$(old_site_value "$name")
            [ -n "$value" ] || value=${default_value[$name]}
            printf '%s=%s\n' "$name" "$(quoted "$value")" >> "$settings"
            log "added $name=$(quoted "$value") to $settings"
        elif [ -n "$value" ] && [ "$value" != "$(setting "$name")" ]; then
            warn "${given_name[$name]}=$value was not applied: $settings keeps $name=$(setting "$name")" \
                 "(line $(setting_line "$name")); to change it, edit that line, then run $libexec/configure again"
        fi
    done
    chown root:$user "$settings"
    chmod 0640 "$settings"
fi

# The settings this run uses, checked before any of them reaches nginx's configuration.
declare -A site_setting
for name in "${site_keys[@]}"; do
    site_setting[$name]=$(setting "$name")
    [ -n "${site_setting[$name]}" ] || site_setting[$name]=${default_value[$name]}
done
server_name=${site_setting[HOLDFAST_SERVER_NAME]} cert=${site_setting[HOLDFAST_TLS_CERT]}
tls_key=${site_setting[HOLDFAST_TLS_KEY]} cors=${site_setting[HOLDFAST_CORS_ORIGIN]}
http_port=${site_setting[HOLDFAST_HTTP_PORT]} https_port=${site_setting[HOLDFAST_HTTPS_PORT]}
invalid() { fail "$settings: $1 (line $(setting_line "$2")); fix that line, then run $libexec/configure again"; }
[[ $server_name =~ ^[A-Za-z0-9._*~^$:[:space:]-]+$ ]] || invalid "HOLDFAST_SERVER_NAME='$server_name' is not a list of host names" HOLDFAST_SERVER_NAME
[[ $cert =~ ^/[A-Za-z0-9._/@+-]+$ ]] || invalid "HOLDFAST_TLS_CERT='$cert' is not an absolute file path" HOLDFAST_TLS_CERT
[[ $tls_key =~ ^/[A-Za-z0-9._/@+-]+$ ]] || invalid "HOLDFAST_TLS_KEY='$tls_key' is not an absolute file path" HOLDFAST_TLS_KEY
[[ $cors =~ ^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$ ]] || invalid "HOLDFAST_CORS_ORIGIN='$cors' is not an origin such as https://app.example.org" HOLDFAST_CORS_ORIGIN
for port in http_port https_port; do
    [[ ${!port} =~ ^[0-9]{1,5}$ ]] && [ "${!port}" -ge 1 ] && [ "${!port}" -le 65535 ] ||
        invalid "HOLDFAST_${port^^}='${!port}' is not a port (1 to 65535)" "HOLDFAST_${port^^}"
done
[ "$http_port" != "$https_port" ] || invalid "HOLDFAST_HTTP_PORT and HOLDFAST_HTTPS_PORT are both $http_port" HOLDFAST_HTTPS_PORT
log "settings from $settings:"
for name in "${site_keys[@]}"; do log "  $name=${site_setting[$name]}"; done

# 5. The database: a backup of what is there, then the migrations of this version, as the service user with
# only the settings file (never the caller's environment, which may name another database).
as_service() { runuser -u $user -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# A holdfast without the backup command answers its help with the general one, hence the look for the flag.
backup_help=$(as_service "$PREFIX/bin/holdfast" backup --help 2>&1 || true)
if [[ $backup_help == *--if-exists* ]]; then
    if ! backup=$(as_service "$PREFIX/bin/holdfast" backup --if-exists); then
        fail "the backup before migrating failed (above); nothing was migrated. Free disk space or fix" \
             "$state_dir, then run $libexec/configure again"
    fi
    [ -z "$backup" ] || log "backed up the database to $backup"
else
    warn "this holdfast has no backup command: migrating without a backup"
fi
if ! as_service "$PREFIX/bin/holdfast" migrate; then
    fail "holdfast migrate failed (above); the services were not restarted. See: sudo -u $user holdfast migrate --status"
fi

# 6. systemd: units on, the responder restarted onto this version's binary.
if [ "${HOLDFAST_CONFIGURE_SYSTEMD:-1}" = 0 ]; then
    log "units left to the caller (HOLDFAST_CONFIGURE_SYSTEMD=0)"
elif [ -d /run/systemd/system ]; then
    # A changed socket unit takes effect only on a new socket, so note it before daemon-reload forgets.
    socket_stale=$(systemctl show -p NeedDaemonReload --value holdfast-fcgi.socket 2>/dev/null || true)
    systemctl daemon-reload
    systemctl enable --now holdfast-fcgi.socket holdfast-sync.timer
    if [ "$socket_stale" = yes ]; then
        # Stopping the socket stops the responder too; the next connection starts it on the new socket.
        systemctl restart holdfast-fcgi.socket
    fi
    systemctl try-restart holdfast-fcgi.service
    log "holdfast-fcgi.socket and holdfast-sync.timer enabled; the responder starts on the first request"
else
    log "systemd is not running here: units installed, not enabled (later: systemctl enable --now" \
        "holdfast-fcgi.socket holdfast-sync.timer)"
fi

# 7. nginx.
# Debian's snakeoil pair is the placeholder certificate; ssl-cert makes it at its installation, but an image
# may ship the package without the pair (nginx -t would then fail for the whole host).
if [ "$cert" = $snakeoil_cert ] && [ "$tls_key" = $snakeoil_key ] && { [ ! -e $snakeoil_cert ] || [ ! -e $snakeoil_key ]; }; then
    if command -v make-ssl-cert >/dev/null; then
        # It asks nothing for the default pair; noninteractive keeps debconf from looking for a terminal.
        DEBIAN_FRONTEND=noninteractive make-ssl-cert generate-default-snakeoil --force-overwrite
        log "generated Debian's snakeoil certificate (self-signed: set HOLDFAST_TLS_CERT/HOLDFAST_TLS_KEY to a real one)"
    else
        warn "the snakeoil certificate is missing and ssl-cert is not installed: apt-get install ssl-cert," \
             "or set HOLDFAST_TLS_CERT and HOLDFAST_TLS_KEY in $settings"
    fi
fi

# nginx_check LABEL: nginx -t with everything it says shown (warnings too), its status returned.
nginx_check() {
    local status=0
    nginx -t >"$work/nginx-t.log" 2>&1 || status=$?
    sed "s/^/configure: $1: /" "$work/nginx-t.log" >&2
    return $status
}
nginx_check "nginx -t before any change" ||
    fail "nginx's configuration fails nginx -t before Holdfast changed anything (above): fix that first, then run $libexec/configure again"

SOCKET=/run/holdfast/fcgi.sock CONF_DIR=$nginx_dir/holdfast SERVER_NAME=$server_name TLS_CERT=$cert TLS_KEY=$tls_key \
    CORS_ORIGIN=$cors SITE_HTTP_PORT=$http_port SITE_HTTPS_PORT=$https_port RATE_LIMIT_DRY_RUN=off \
    WEB_ROOT=$share/web "$libexec/render-nginx" "$share/nginx" "$work/nginx"
{
    printf '# Rendered by configure from %s: edit that file, then run %s/configure.\n' "$settings" "$libexec"
    printf '# Changes made here are replaced on its next run; your own directives go in %s/holdfast/site.d/.\n' "$nginx_dir"
    cat "$work/nginx/sites/holdfast.conf"
} > "$work/site"

# Everything this step may change, saved so a failed nginx -t puts back exactly what was there.
default_marker=$nginx_dir/holdfast/default-site-disabled  # uninstall puts the stock link back when it is there
managed=("$site" "$site_link" "$default_link" "$default_marker")
for file in "${nginx_files[@]}"; do managed+=("$nginx_dir/holdfast/$file"); done
mkdir -p "$work/before"
for path in "${managed[@]}"; do
    # (Not cp --parents: it looks the parents up relative to the working directory.)
    if [ -e "$path" ] || [ -L "$path" ]; then
        mkdir -p "$work/before$(dirname "$path")"
        cp -a "$path" "$work/before$path"
    fi
done
restore_nginx() {
    for path in "${managed[@]}"; do
        rm -f "$path"
        if [ -e "$work/before$path" ] || [ -L "$work/before$path" ]; then cp -a "$work/before$path" "$path"; fi
    done
}

# A site file that is not configure's last rendering was edited by hand (or written by an older install).
checksum_file=$nginx_dir/holdfast/site.sha256
if [ -f "$site" ] && ! cmp -s "$site" "$work/site"; then
    if [ ! -f "$checksum_file" ] || [ "$(sha256sum < "$site")" != "$(cat "$checksum_file")" ]; then
        cp -a "$site" "$nginx_dir/holdfast/site.previous"
        warn "$site had changes configure did not make; they are replaced by the rendering of $settings," \
             "and the old file is kept as $nginx_dir/holdfast/site.previous (move settings to $settings," \
             "directives to $nginx_dir/holdfast/site.d/)"
    fi
fi
install -d -m 0755 "$nginx_dir/holdfast" "$nginx_dir/holdfast/snippets" "$nginx_dir/holdfast/site.d" \
    "$nginx_dir/sites-available" "$nginx_dir/sites-enabled"
for file in "${nginx_files[@]}"; do install -m 0644 "$work/nginx/$file" "$nginx_dir/holdfast/$file"; done
install -m 0644 "$work/site" "$site"
ln -sfn "$site" "$site_link"

# Debian's stock default site: only the stock link to the unmodified stock file is removed (see the top).
stock_default() {
    local target packaged
    [ -L "$default_link" ] || return 1
    target=$(readlink "$default_link")
    [ "$target" = "$nginx_dir/sites-available/default" ] || [ "$target" = ../sites-available/default ] || return 1
    command -v dpkg-query >/dev/null || return 1
    packaged=$(dpkg-query -W -f='${Conffiles}\n' nginx-common 2>/dev/null |
               awk -v f="$nginx_dir/sites-available/default" '$1 == f { print $2 }')
    [ -n "$packaged" ] && [ "$(md5sum < "$nginx_dir/sites-available/default" | cut -d' ' -f1)" = "$packaged" ]
}
if stock_default; then
    rm -f "$default_link"
    : > "$default_marker"
    log "disabled Debian's stock default site (its port-80 default_server took plain HTTP from Holdfast);" \
        "put it back with: ln -s ../sites-available/default $default_link"
elif [ -e "$default_link" ] || [ -L "$default_link" ]; then
    warn "kept $default_link (not Debian's unmodified stock site): if it listens on port $http_port as" \
         "default_server, plain HTTP for names other than '$server_name' reaches it instead of Holdfast's redirect"
fi

if ! nginx_check "nginx -t"; then
    restore_nginx
    if nginx_check "nginx -t on the previous files"; then
        log "put the previous nginx files back; nginx keeps running on its previous configuration"
    else
        log "put the previous nginx files back, but they do not pass nginx -t either"
    fi
    if grep -qi 'cannot load certificate\|BIO_new_file\|no such file' "$work/nginx-t.log" 2>/dev/null ||
       ! [ -r "$cert" ] || ! [ -r "$tls_key" ]; then
        fail "nginx cannot load the certificate $cert or its key $tls_key: set HOLDFAST_TLS_CERT and HOLDFAST_TLS_KEY" \
             "in $settings to a pair that exists (or apt-get install ssl-cert for the snakeoil placeholder)," \
             "then run $libexec/configure again"
    fi
    fail "nginx -t failed with Holdfast's site (above): fix the setting it names in $settings (or the file in" \
         "$nginx_dir it names), then run $libexec/configure again"
fi
sha256sum < "$site" > "$checksum_file"

if [ -d /run/systemd/system ] && systemctl is-active --quiet nginx; then
    systemctl reload nginx
    log "reloaded nginx"
elif [ -s /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
    nginx -s reload
    log "reloaded nginx"
elif [ -d /run/systemd/system ]; then
    systemctl enable --now nginx
    log "started nginx"
else
    log "nginx is not running: start it to serve the site"
fi

# Capacity: nginx's main file sets how many connections a worker may hold and how many workers there are; a
# site file can change neither, so these are warnings with the line to change.
main_value() { sed 's/#.*//' "$nginx_main" | grep -o "$1[[:space:]]\+[0-9a-z]\+" | tail -1 | awk '{print $2}' || true; }
if [ -r "$nginx_main" ]; then
    connections=$(main_value worker_connections) nofile=$(main_value worker_rlimit_nofile)
    connections=${connections:-512}  # nginx's own default
    if [ "$connections" -lt $recommended_connections ] || [ "${nofile:-0}" -lt $((2 * connections)) ]; then
        warn "$nginx_main has worker_connections $connections and worker_rlimit_nofile ${nofile:-unset}: a few" \
             "hundred slow clients can hold every connection. Set 'worker_rlimit_nofile $((2 * recommended_connections));'" \
             "and 'events { worker_connections $recommended_connections; }' there (README, Security notes)."
    fi
    # The README's rule: HOLDFAST_WORKERS must exceed the upstream connections nginx keeps (keepalive per
    # worker process, each pinning a responder worker) plus the requests that may wait on exchanges at once.
    processes=$(main_value worker_processes)
    case $processes in
        auto) processes=$(nproc) ;;
        "") processes=1 ;;
    esac
    keepalive=$(sed 's/#.*//' "$nginx_dir/holdfast/holdfast-http.conf" | grep -o 'keepalive[[:space:]]\+[0-9]\+' |
                tail -1 | awk '{print $2}' || true)
    workers=$(setting HOLDFAST_WORKERS) exchanges=$(setting HOLDFAST_EXCHANGE_CONCURRENCY)
    workers=${workers:-96} exchanges=${exchanges:-32}
    if [[ $processes =~ ^[0-9]+$ && $keepalive =~ ^[0-9]+$ && $workers =~ ^[0-9]+$ && $exchanges =~ ^[0-9]+$ ]]; then
        needed=$((keepalive * processes + exchanges))
        if [ "$workers" -le "$needed" ]; then
            fits=$(( (workers - 1 - exchanges) / keepalive ))
            warn "HOLDFAST_WORKERS=$workers is too few for nginx: $processes worker processes ($nginx_main:" \
                 "worker_processes) keep up to $keepalive upstream connections each, and $exchanges requests" \
                 "may wait on exchanges (HOLDFAST_EXCHANGE_CONCURRENCY): more than $needed workers are needed." \
                 "Set HOLDFAST_WORKERS=$((needed + keepalive)) in $settings (then systemctl restart" \
                 "holdfast-fcgi.service), or 'worker_processes $(( fits > 0 ? fits : 1 ));' in $nginx_main."
        fi
    fi
fi

log "done; add a user: printf '%s\n' 'a long passphrase' | sudo -u $user holdfast user add you@example.com"
