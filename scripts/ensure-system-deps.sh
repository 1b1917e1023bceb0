#!/usr/bin/env bash
# Installs the Debian packages salesflow needs outside Python, only when they are missing.
#
#   scripts/ensure-system-deps.sh pdf        WeasyPrint's libraries (invoice PDFs)
#   scripts/ensure-system-deps.sh browser    Chromium for the browser tests
#
# Installing needs root and apt-get. Without them we say what is missing and go on: the
# application still starts, and whatever needs the package reports it when used.
set -euo pipefail

declare -A GROUP_PACKAGES=(
  [pdf]="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
  [browser]="chromium"
)

wanted=()
for group in "$@"; do
  if [[ -z "${GROUP_PACKAGES[$group]:-}" ]]; then
    echo "ensure-system-deps: unknown group '$group' (known: ${!GROUP_PACKAGES[*]})" >&2
    exit 2
  fi
  read -r -a packages <<<"${GROUP_PACKAGES[$group]}"
  wanted+=("${packages[@]}")
done

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure-system-deps: not a Debian-like system; make sure these are installed: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-system-deps: missing system packages: ${missing[*]}" >&2
  echo "ensure-system-deps: install them as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 0
fi

echo "ensure-system-deps: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
