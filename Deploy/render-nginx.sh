#!/usr/bin/env bash
# Renders nginx/ into a folder with every @NAME@ placeholder replaced, for the local stack or an install.
# Usage: render-nginx.sh SOURCE_DIR OUTPUT_DIR   (values come from the environment, see below)
set -euo pipefail
src=$1 out=$2
: "${SOCKET:?}" "${CONF_DIR:=$out}" "${CORS_ORIGIN:=http://localhost:5173}"
: "${STATE_DIR:=}" "${HTTP_PORT:=3001}" "${HTTPS_PORT:=3443}" "${SERVER_NAME:=_}" "${USER_LINE:=}"
: "${TLS_CERT:=/etc/ssl/certs/ssl-cert-snakeoil.pem}" "${TLS_KEY:=/etc/ssl/private/ssl-cert-snakeoil.key}"
: "${WEB_ROOT:=/usr/local/share/holdfast/web}" "${RATE_LIMIT_DRY_RUN:=off}"
mkdir -p "$out/snippets" "$out/sites" "$out/local"
for file in holdfast-http.conf holdfast-client.conf snippets/holdfast-headers.conf snippets/holdfast-fastcgi.conf \
            snippets/holdfast-locations.conf snippets/holdfast-server.conf \
            snippets/holdfast-errors.conf snippets/holdfast-tls.conf sites/holdfast.conf local/nginx.conf; do
  sed -e "s|@SOCKET@|$SOCKET|g" -e "s|@CONF_DIR@|$CONF_DIR|g" -e "s|@CORS_ORIGIN@|$CORS_ORIGIN|g" \
      -e "s|@STATE_DIR@|$STATE_DIR|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" \
      -e "s|@SERVER_NAME@|$SERVER_NAME|g" -e "s|@USER_LINE@|$USER_LINE|g" -e "s|@TLS_CERT@|$TLS_CERT|g" \
      -e "s|@TLS_KEY@|$TLS_KEY|g" -e "s|@WEB_ROOT@|$WEB_ROOT|g" \
      -e "s|@RATE_LIMIT_DRY_RUN@|$RATE_LIMIT_DRY_RUN|g" "$src/$file" > "$out/$file"
done
