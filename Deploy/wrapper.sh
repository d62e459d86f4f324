#!/bin/sh
# Installed by Deploy/install.sh as @PREFIX@/bin/holdfast, @PREFIX@/bin/holdfast-sync and @PREFIX@/bin/holdfast-fcgi
# (one script, three names): runs the binary of the same name in @PREFIX@/libexec/holdfast with the installed
# service's settings, so `sudo -u holdfast holdfast user add you@example.com` or `sudo -u holdfast holdfast-sync
# --dry-run` acts on the same database with the same keys as holdfast-fcgi.service and holdfast-sync.service.
# The systemd units start the libexec binaries directly: systemd supplies the settings (EnvironmentFile=) and the
# secrets (LoadCredential=) itself.
#
# Settings already in the environment win (HOLDFAST_DATABASE set means "I brought my own"); otherwise they come
# from /etc/holdfast/holdfast.env, and the secrets from /etc/holdfast (the files systemd passes to the services
# as credentials, under the same names).
set -eu
conf=/etc/holdfast
name=$(basename "$0")
case $name in
    holdfast|holdfast-sync|holdfast-fcgi) ;;
    *) echo "$name: installed under an unknown name; run holdfast, holdfast-sync or holdfast-fcgi" >&2; exit 64 ;;
esac
# A database, WAL or nonce file created by root would lock the services (user holdfast) out of it. Help and
# version touch no file, so they run for anyone.
case ${1:-} in
    -h|--help|help|--version) ;;
    *)
        if [ "$(id -u)" -eq 0 ] && [ "${HOLDFAST_ALLOW_ROOT:-0}" != 1 ]; then
            echo "$name: run it as the service user: sudo -u holdfast $name $*" >&2
            exit 64
        fi
        ;;
esac
if [ -z "${HOLDFAST_DATABASE:-}" ]; then
    if [ -r "$conf/holdfast.env" ]; then
        set -a
        . "$conf/holdfast.env"
        set +a
    elif [ -e "$conf/holdfast.env" ]; then
        echo "$name: cannot read $conf/holdfast.env (root:holdfast 0640): run it as the service user: sudo -u holdfast $name $*" >&2
        exit 77
    fi
fi
if [ -z "${CREDENTIALS_DIRECTORY:-}" ] && [ -r "$conf/encryption-key" ]; then
    CREDENTIALS_DIRECTORY=$conf
    export CREDENTIALS_DIRECTORY
fi
exec "@PREFIX@/libexec/holdfast/$name" "$@"
