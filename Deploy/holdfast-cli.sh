#!/bin/sh
# Installed as @PREFIX@/bin/holdfast by Deploy/install.sh: runs the admin CLI (@PREFIX@/libexec/holdfast/holdfast)
# with the installed service's settings, so `sudo -u holdfast holdfast user add you@example.com` acts on the
# same database with the same keys as holdfast-fcgi.service and holdfast-sync.service.
# Settings already in the environment win; the rest come from /etc/holdfast/holdfast.env, and the secrets
# from /etc/holdfast (the files systemd passes to the services with LoadCredential=, under the same names).
set -eu
conf=/etc/holdfast
# A database, WAL or nonce file created by root would lock the services (user holdfast) out of it.
if [ "$(id -u)" -eq 0 ] && [ "${HOLDFAST_ALLOW_ROOT:-0}" != 1 ]; then
    echo "holdfast: run it as the service user: sudo -u holdfast holdfast $*" >&2
    exit 64
fi
if [ -z "${HOLDFAST_DATABASE:-}" ] && [ -r "$conf/holdfast.env" ]; then
    set -a
    . "$conf/holdfast.env"
    set +a
fi
if [ -z "${CREDENTIALS_DIRECTORY:-}" ] && [ -r "$conf/encryption-key" ]; then
    CREDENTIALS_DIRECTORY=$conf
    export CREDENTIALS_DIRECTORY
fi
exec @PREFIX@/libexec/holdfast/holdfast "$@"
