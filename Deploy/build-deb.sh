#!/usr/bin/env bash
# Builds the Debian package dist/holdfast_<version>_<arch>.deb from a release build, with Debian's own
# tooling: dpkg-buildpackage runs Deploy/debian/rules (debhelper), which stages the files with
# Deploy/install.sh (PREFIX=/usr) and lets dh_strip, dh_shlibdeps, dh_installsystemd, dh_installdeb,
# dh_gencontrol and dh_builddeb do what Debian policy asks of a package.
# Usage: make deb   (or: BIN_DIR=.build/release VERSION=1.2.3 Deploy/build-deb.sh)
#
# Settings (environment):
#   BIN_DIR   the release build to package (default .build/release); built with --static-swift-stdlib, so
#             the package needs no Swift toolchain (dpkg-shlibdeps fails on a library no package ships).
#   VERSION   the package version (default: the VERSION file, the one source of truth).
#   OUT_DIR   where the .deb goes (default dist/).
#   SOURCE    the tree to package (default this repository); tests point it at a copy with other migrations.
#   COMPRESSION  xz (default) or gzip (several times faster to build, a larger package; the tests use it).
# Prints the path of the .deb on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source_dir=$(cd "${SOURCE:-$here}" && pwd)
bin=$(cd "${BIN_DIR:-$source_dir/.build/release}" && pwd)
version=${VERSION:-$(cat "$source_dir/VERSION")}
out=${OUT_DIR:-$source_dir/dist}

log() { printf 'build-deb: %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

# Debian versions: start with a digit; letters, digits and . + ~ only (no epoch, no revision: a native package).
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || fail "VERSION '$version' is not a Debian native version (e.g. 1.2.3)"
for tool in dpkg-buildpackage dh fakeroot; do
    command -v $tool >/dev/null || fail "$tool is missing: make test-deps (debhelper, dpkg-dev, fakeroot)"
done
for b in holdfast holdfast-fcgi holdfast-sync; do
    [ -x "$bin/$b" ] || fail "no release build of $b in $bin; run: make build"
done

# dpkg-buildpackage wants a tree with debian/ at its top and writes the .deb beside it: both in a scratch
# folder, so the repository stays clean.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/holdfast-$version
mkdir -p "$tree"
cp -r "$here/Deploy/debian" "$tree/debian"

# The preinst carries this version's migrations, to refuse a database migrated further (see its header).
migrations=$(cd "$source_dir/Migrations" && ls -1 ./*.sql | sed 's|^\./||; s|\.sql$||')
[ -n "$migrations" ] || fail "no migrations in $source_dir/Migrations"
python3 - "$tree/debian/holdfast.preinst" "$version" "$migrations" <<'PY'
import sys
path, version, migrations = sys.argv[1:]
text = open(path).read().replace("@HOLDFAST_VERSION@", version).replace("@HOLDFAST_MIGRATIONS@", migrations)
open(path, "w").write(text)
PY

# debian/changelog carries the version dpkg-gencontrol writes into the package.
described=$(git -C "$source_dir" describe --always --dirty 2>/dev/null || echo "unknown")
maintainer=$(sed -n 's/^Maintainer: //p' "$tree/debian/control")
cat > "$tree/debian/changelog" <<CHANGELOG
holdfast ($version) bookworm; urgency=medium

  * Built from $described.

 -- $maintainer  $(date -R)
CHANGELOG

log "packaging $bin as holdfast $version"
case ${COMPRESSION:-xz} in xz|gzip) ;; *) fail "COMPRESSION '$COMPRESSION' is neither xz nor gzip" ;; esac
(cd "$tree" && HOLDFAST_SOURCE=$source_dir BIN_DIR=$bin HOLDFAST_DEB_COMPRESSION=${COMPRESSION:-xz} \
    dpkg-buildpackage --build=binary --no-sign >"$work/build.log" 2>&1) || {
    tail -n 40 "$work/build.log" >&2
    fail "dpkg-buildpackage failed (the last lines above)"
}
mkdir -p "$out"
deb=$(ls "$work"/holdfast_"$version"_*.deb)
cp "$deb" "$out/"
printf '%s\n' "$out/$(basename "$deb")"
