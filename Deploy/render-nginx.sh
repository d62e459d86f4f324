#!/usr/bin/env bash
# Renders the nginx templates (every *.conf under SOURCE_DIR: nginx/ of the source tree for the local stack, or
# PREFIX/share/holdfast/nginx for configure) into OUTPUT_DIR with each @NAME@ placeholder replaced.
# Usage: render-nginx.sh SOURCE_DIR OUTPUT_DIR   (values come from the environment, see below)
# Values are substituted as they are (sed replacement text): callers pass only checked values.
set -euo pipefail
src=$1 out=$2
: "${SOCKET:?}" "${CONF_DIR:=$out}" "${CORS_ORIGIN:=http://localhost:5173}"
: "${STATE_DIR:=}" "${HTTP_PORT:=3001}" "${HTTPS_PORT:=3443}" "${SERVER_NAME:=_}" "${USER_LINE:=}"
: "${TLS_CERT:=/etc/ssl/certs/ssl-cert-snakeoil.pem}" "${TLS_KEY:=/etc/ssl/private/ssl-cert-snakeoil.key}"
: "${WEB_ROOT:=/usr/local/share/holdfast/web}" "${RATE_LIMIT_DRY_RUN:=off}"
# The production site's ports (HTTP_PORT/HTTPS_PORT above are the local stack's). Its redirect names the HTTPS
# port only when it is not the default 443.
: "${SITE_HTTP_PORT:=80}" "${SITE_HTTPS_PORT:=443}"
if [ "$SITE_HTTPS_PORT" = 443 ]; then https_authority_port=""; else https_authority_port=":$SITE_HTTPS_PORT"; fi
(cd "$src" && find . -name '*.conf' -type f) | while read -r file; do
  file=${file#./}
  mkdir -p "$(dirname "$out/$file")"
  sed -e "s|@SOCKET@|$SOCKET|g" -e "s|@CONF_DIR@|$CONF_DIR|g" -e "s|@CORS_ORIGIN@|$CORS_ORIGIN|g" \
      -e "s|@STATE_DIR@|$STATE_DIR|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
      -e "s|@SERVER_NAME@|$SERVER_NAME|g" -e "s|@USER_LINE@|$USER_LINE|g" -e "s|@TLS_CERT@|$TLS_CERT|g" \
      -e "s|@TLS_KEY@|$TLS_KEY|g" -e "s|@WEB_ROOT@|$WEB_ROOT|g" \
      -e "s|@SITE_HTTP_PORT@|$SITE_HTTP_PORT|g" -e "s|@SITE_HTTPS_PORT@|$SITE_HTTPS_PORT|g" \
      -e "s|@HTTPS_AUTHORITY_PORT@|$https_authority_port|g" \
      -e "s|@RATE_LIMIT_DRY_RUN@|$RATE_LIMIT_DRY_RUN|g" "$src/$file" > "$out/$file"
done
