#!/usr/bin/env bash
# Removes what Deploy/install.sh installed: services, units, binaries, shared files and the nginx site.
# Keeps the data and the secrets (/var/lib/holdfast, /etc/holdfast) and the holdfast user, unless PURGE=1:
# without /etc/holdfast/encryption-key the stored exchange credentials can never be decrypted again.
# Usage: sudo make uninstall      (PURGE=1 sudo make uninstall to delete everything)
# Settings (environment): PREFIX (default /usr/local) and DESTDIR, as for install.sh; PURGE=1.
set -euo pipefail
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
PURGE=${PURGE:-0}
user=holdfast
units=(holdfast-fcgi.socket holdfast-fcgi.service holdfast-sync.service holdfast-sync.timer)

log() { printf 'uninstall: %s\n' "$*" >&2; }
live() { [ -z "$DESTDIR" ]; }

[[ $PREFIX == /* ]] || { log "PREFIX must be an absolute path"; exit 1; }
if live && [ "$(id -u)" -ne 0 ]; then log "run as root (sudo make uninstall), or set DESTDIR"; exit 1; fi

if live && [ -d /run/systemd/system ]; then
    systemctl disable --now holdfast-sync.timer holdfast-fcgi.socket 2>/dev/null || true
    systemctl stop holdfast-sync.service holdfast-fcgi.service 2>/dev/null || true
fi
for unit in "${units[@]}"; do rm -f "$DESTDIR/etc/systemd/system/$unit"; done
if live && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

rm -f "$DESTDIR$PREFIX/bin/holdfast-fcgi" "$DESTDIR$PREFIX/bin/holdfast-sync" "$DESTDIR$PREFIX/bin/holdfast"
rm -rf "$DESTDIR$PREFIX/libexec/holdfast" "$DESTDIR$PREFIX/share/holdfast" "$DESTDIR$PREFIX/share/doc/holdfast"

rm -f "$DESTDIR/etc/nginx/sites-enabled/holdfast" "$DESTDIR/etc/nginx/sites-available/holdfast" \
      "$DESTDIR/etc/nginx/sites-available/holdfast.new"
rm -rf "$DESTDIR/etc/nginx/holdfast"
if live && command -v nginx >/dev/null && nginx -t 2>/dev/null && [ -d /run/systemd/system ]; then
    systemctl reload nginx 2>/dev/null || true
fi

if [ "$PURGE" = 1 ]; then
    rm -rf "$DESTDIR/var/lib/holdfast" "$DESTDIR/etc/holdfast"
    if live && getent passwd $user >/dev/null; then userdel $user; fi
    log "purged the database, the secrets and the $user user"
else
    log "kept /var/lib/holdfast (database) and /etc/holdfast (settings and keys); PURGE=1 removes them"
fi
