# Sourced by scripts/stack.sh and scripts/postgres.sh (not run on its own): installs Debian packages that are missing.
#
# install_packages PACKAGE...: installs those of PACKAGE that dpkg does not know as installed, through apt-get (as
# root, or with passwordless sudo). Anyone else is told the exact command to run, and the calling script exits 1:
# a half-set-up machine fails here, with the reason, rather than later with a missing binary.
install_packages() {
  local me; me=$(basename "$0")
  local missing=()
  local p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
      echo "$me: missing packages: ${missing[*]}. Install them: sudo apt-get install ${missing[*]}" >&2; exit 1
    fi
  fi
  echo "$me: installing ${missing[*]} ..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
