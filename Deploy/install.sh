#!/usr/bin/env bash
# Stages Holdfast's files: binaries, wrappers, migrations, the web UI, nginx templates, systemd units and the
# configure script. Nothing else: no user, no secret, no settings file, no nginx site, no service is touched, so
# the same staging serves `make install` (then configure runs on this machine) and the Debian package (its
# postinst runs configure on the target). Installing = this script, then PREFIX/libexec/holdfast/configure.
# Usage: make build && sudo make install      (make install = this script, then configure)
#        make install DESTDIR=/tmp/stage      (this script only)
#
# Settings (environment):
#   PREFIX     where the files go (default /usr/local; the package: /usr); rendered (@PREFIX@) into the units,
#              the wrappers, configure and holdfast.env.example.
#   DESTDIR    stage under this folder instead of / (default empty: the live system).
#   UNIT_DIR   where the systemd units go (default /etc/systemd/system; the package: /lib/systemd/system).
#   BIN_DIR    the release build to install (default .build/release).
#
# Installed layout:
#   PREFIX/libexec/holdfast/{holdfast,holdfast-fcgi,holdfast-sync}  the binaries (the units start these)
#   PREFIX/libexec/holdfast/{configure,render-nginx}                configure and its nginx renderer
#   PREFIX/bin/{holdfast,holdfast-fcgi,holdfast-sync}               wrappers that load /etc/holdfast (by hand)
#   PREFIX/share/holdfast/{migrations,web,nginx,holdfast.env.example}
#   PREFIX/share/doc/holdfast/README.md, UNIT_DIR/holdfast-*.{service,socket,timer}
# Running it again replaces only what changed; each file is replaced atomically, so a running binary is safe.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
UNIT_DIR=${UNIT_DIR:-/etc/systemd/system}
bin=${BIN_DIR:-$root/.build/release}
units=(holdfast-fcgi.socket holdfast-fcgi.service holdfast-sync.service holdfast-sync.timer)
binaries=(holdfast holdfast-fcgi holdfast-sync)
# The nginx templates configure renders on the target; local/ is the development stack's own nginx.conf.
nginx_templates=(holdfast-http.conf holdfast-client.conf sites/holdfast.conf snippets/holdfast-headers.conf
                 snippets/holdfast-fastcgi.conf snippets/holdfast-locations.conf snippets/holdfast-server.conf
                 snippets/holdfast-errors.conf snippets/holdfast-tls.conf)

log() { printf 'install: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

[[ $PREFIX == /* ]] || fail "PREFIX must be an absolute path (got '$PREFIX')"
[[ $UNIT_DIR == /* ]] || fail "UNIT_DIR must be an absolute path (got '$UNIT_DIR')"
[[ -z $DESTDIR || $DESTDIR == /* ]] || fail "DESTDIR must be an absolute path (got '$DESTDIR')"
for b in "${binaries[@]}"; do
    [ -x "$bin/$b" ] || fail "no release build of $b in $bin; run: make build"
done
if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
    fail "run as root (sudo make install), or set DESTDIR to stage the files"
fi

# put SOURCE DEST MODE: installs SOURCE as $DESTDIR/DEST unless identical already; a rename, so a running
# binary keeps its old inode and the next start gets the new one.
put() {
    local source=$1 dest=$DESTDIR$2 mode=$3
    if [ -f "$dest" ] && [ ! -L "$dest" ] && cmp -s "$source" "$dest"; then
        chmod "$mode" "$dest"
        return 0
    fi
    mkdir -p "$(dirname "$dest")"
    install -m "$mode" "$source" "$dest.new"
    mv -f "$dest.new" "$dest"
}

# render TEMPLATE > stdout: fills in @PREFIX@.
render() { sed -e "s|@PREFIX@|$PREFIX|g" "$1"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Binaries in libexec; in bin one wrapper script under each name (it runs the libexec binary of its name).
for b in "${binaries[@]}"; do put "$bin/$b" "$PREFIX/libexec/holdfast/$b" 0755; done
render "$root/Deploy/wrapper.sh" > "$work/wrapper"
for b in "${binaries[@]}"; do put "$work/wrapper" "$PREFIX/bin/$b" 0755; done

# 2. configure and what it reads on the target: the settings template, the nginx templates and their renderer.
render "$root/Deploy/configure.sh" > "$work/configure"
put "$work/configure" "$PREFIX/libexec/holdfast/configure" 0755
put "$root/Deploy/render-nginx.sh" "$PREFIX/libexec/holdfast/render-nginx" 0755
render "$root/Deploy/holdfast.env.example" > "$work/holdfast.env.example"
put "$work/holdfast.env.example" "$PREFIX/share/holdfast/holdfast.env.example" 0644
for file in "${nginx_templates[@]}"; do put "$root/nginx/$file" "$PREFIX/share/holdfast/nginx/$file" 0644; done

# 3. Migrations, the web UI (static files nginx serves from the API's own origin), the README.
for sql in "$root"/Migrations/*.sql; do put "$sql" "$PREFIX/share/holdfast/migrations/$(basename "$sql")" 0644; done
# PostgreSQL's files beside them (`holdfast migrate` takes these when HOLDFAST_DATABASE is a postgresql:// URL).
for sql in "$root"/Migrations/postgresql/*.sql; do
  put "$sql" "$PREFIX/share/holdfast/migrations/postgresql/$(basename "$sql")" 0644
done
(cd "$root/web" && find . -type f) | while read -r file; do
    put "$root/web/$file" "$PREFIX/share/holdfast/web/${file#./}" 0644
done
put "$root/README.md" "$PREFIX/share/doc/holdfast/README.md" 0644

# 4. systemd units, with the prefix filled in.
for unit in "${units[@]}"; do
    render "$root/Deploy/$unit" > "$work/$unit"
    put "$work/$unit" "$UNIT_DIR/$unit" 0644
done

if [ -n "$DESTDIR" ]; then
    log "staged into $DESTDIR (files only: secrets, settings, the nginx site and services are made on the" \
        "target by $PREFIX/libexec/holdfast/configure)"
else
    log "installed the files under $PREFIX and $UNIT_DIR"
fi
