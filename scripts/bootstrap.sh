#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 and skips what is already there:
# apt packages, then a virtualenv cached outside the repository (keyed by pyproject.toml),
# linked as .venv, with this checkout installed into it in editable mode.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(debootstrap espeak-ng sox postgresql-client chromium fonts-noto-cjk)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed"'
hash=$( (cat pyproject.toml; "$PYTHON" -V) | sha256sum | cut -c1-16)
cache=${CALLCENTER_VENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/callcenter}/venv-$hash
if [ ! -f "$cache/.complete" ]; then
  echo "bootstrap: building the virtualenv in $cache (once per dependency set)"
  rm -rf "$cache"
  "$PYTHON" -m venv "$cache"
  "$cache/bin/pip" install -q --upgrade pip setuptools wheel
  "$cache/bin/pip" install -q -e '.[dev]'
  touch "$cache/.complete"
fi
if [ -d .venv ] && [ ! -L .venv ]; then
  rm -rf .venv
fi
ln -sfn "$cache" .venv
# Point the editable install at this checkout (fast: no dependencies are resolved).
.venv/bin/pip install -q --no-deps --no-build-isolation -e .
