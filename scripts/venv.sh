#!/usr/bin/env bash
# Makes the project's virtual environment: bash scripts/venv.sh PYTHON VENV
#
# Debian ships venv and ensurepip apart from Python (package pythonX.Y-venv); without them
# `python3 -m venv` leaves a directory with no pip in it. That package is installed with apt
# when missing (as root), and a half-made environment is removed first.
set -euo pipefail

readonly BASE=${1:?usage: venv.sh PYTHON VENV} VENV=${2:?usage: venv.sh PYTHON VENV}

log() { printf 'venv: %s\n' "$*"; }
die() {
    printf 'venv: error: %s\n' "$*" >&2
    exit 1
}

"$BASE" -c 'import sys' 2>/dev/null || die "cannot run $BASE (Python 3.11, 3.12 or 3.13 is needed; PYTHON_BASE=python3.X picks one)"
"$BASE" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' ||
    die "$BASE is Python $("$BASE" -c 'import platform; print(platform.python_version())'); taizhang runs on 3.11, 3.12 and 3.13 (PYTHON_BASE=python3.X)"

if ! "$BASE" -c 'import ensurepip, venv' 2>/dev/null; then
    package=$("$BASE" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')
    [[ $EUID -eq 0 ]] || die "$BASE has no venv module: install $package (apt-get install $package) or run as root"
    command -v apt-get >/dev/null || die "$BASE has no venv module, and this is no Debian: install its venv support"
    log "installing $package"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
fi

rm -rf "$VENV"
"$BASE" -m venv "$VENV"
log "made $VENV with $("$VENV/bin/python" --version)"
