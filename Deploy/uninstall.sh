#!/usr/bin/env bash
# Removes what Deploy/install.sh and configure installed: services, units, binaries, shared files and the nginx
# site (Debian's stock default site is linked again when configure had disabled it). Keeps the data and the
# settings and secrets (/var/lib/holdfast, /etc/holdfast), the operator's /etc/nginx/holdfast/site.d/ and the
# holdfast user, unless PURGE=1: without /etc/holdfast/encryption-key the stored exchange credentials can never
# be decrypted again.
# Usage: sudo make uninstall      (PURGE=1 sudo make uninstall to delete everything)
# Settings (environment): PREFIX (default /usr/local), DESTDIR and UNIT_DIR, as for install.sh; PURGE=1.
set -euo pipefail
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
UNIT_DIR=${UNIT_DIR:-/etc/systemd/system}
PURGE=${PURGE:-0}
user=holdfast
units=(holdfast-fcgi.socket holdfast-fcgi.service holdfast-sync.service holdfast-sync.timer)
nginx=$DESTDIR/etc/nginx

log() { printf 'uninstall: %s\n' "$*" >&2; }
live() { [ -z "$DESTDIR" ]; }

[[ $PREFIX == /* ]] || { log "PREFIX must be an absolute path"; exit 1; }
if live && [ "$(id -u)" -ne 0 ]; then log "run as root (sudo make uninstall), or set DESTDIR"; exit 1; fi

if live && [ -d /run/systemd/system ]; then
    systemctl disable --now holdfast-sync.timer holdfast-fcgi.socket 2>/dev/null || true
    systemctl stop holdfast-sync.service holdfast-fcgi.service 2>/dev/null || true
fi
for unit in "${units[@]}"; do rm -f "$DESTDIR$UNIT_DIR/$unit"; done
if live && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

rm -f "$DESTDIR$PREFIX/bin/holdfast-fcgi" "$DESTDIR$PREFIX/bin/holdfast-sync" "$DESTDIR$PREFIX/bin/holdfast"
rm -rf "$DESTDIR$PREFIX/libexec/holdfast" "$DESTDIR$PREFIX/share/holdfast" "$DESTDIR$PREFIX/share/doc/holdfast"

rm -f "$nginx/sites-enabled/holdfast" "$nginx/sites-available/holdfast" "$nginx/sites-available/holdfast.new"
if [ -e "$nginx/holdfast/default-site-disabled" ] && [ -f "$nginx/sites-available/default" ] &&
   [ ! -e "$nginx/sites-enabled/default" ] && [ ! -L "$nginx/sites-enabled/default" ]; then
    ln -s /etc/nginx/sites-available/default "$nginx/sites-enabled/default"
    log "linked Debian's default site again (configure had disabled it)"
fi
if [ -d "$nginx/holdfast" ]; then
    # Everything there is configure's except site.d/, the operator's own directives (kept while not empty).
    find "$nginx/holdfast" -mindepth 1 -maxdepth 1 ! -name site.d -exec rm -rf {} +
    rmdir "$nginx/holdfast/site.d" 2>/dev/null || true
    rmdir "$nginx/holdfast" 2>/dev/null || log "kept your $nginx/holdfast/site.d/"
fi
if live && command -v nginx >/dev/null && nginx -t 2>/dev/null && [ -d /run/systemd/system ]; then
    systemctl reload nginx 2>/dev/null || true
fi

if [ "$PURGE" = 1 ]; then
    rm -rf "$DESTDIR/var/lib/holdfast" "$DESTDIR/etc/holdfast"
    if live && getent passwd $user >/dev/null; then userdel $user; fi
    log "purged the database, the settings, the secrets and the $user user"
else
    log "kept /var/lib/holdfast (database) and /etc/holdfast (settings and keys); PURGE=1 removes them"
fi
