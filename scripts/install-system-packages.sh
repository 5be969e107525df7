#!/usr/bin/env bash
# Install the Debian packages the application and its tests need, if any are missing.
#   Qt's runtime libraries (xcb, EGL/GL, xkbcommon, fontconfig, dbus, pulse for QtMultimedia),
#   a TrueType CJK font, poppler-utils (pdftoppm/pdffonts/pdfsig), libnss3-tools (certutil:
#   the NSS trust store pdfsig validates against), sqlite3 (to prove the
#   database is unreadable without its key), Xvfb + xauth (screenshots, `xvfb-run make run`),
#   postgresql (the server's production database: scripts/postgres-for-tests.sh runs the
#   server suite against a throwaway cluster of it; nothing here configures or uses the
#   cluster the package may create).
set -euo pipefail

PACKAGES=(
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libpulse0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-image0
  libxcb-render-util0 libxcb-xinerama0 libxcb-randr0 libnss3 libxcomposite1 libxdamage1
  libxrandr2 libxtst6 libxi6 libasound2
  fonts-wqy-zenhei poppler-utils libnss3-tools sqlite3 xvfb xauth postgresql
)

# A Debian-packaged Python needs python3-venv for `python3 -m venv` (ensurepip).
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import ensurepip" 2>/dev/null; then
  PACKAGES+=(python3-venv)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-packages: not a Debian system; install the equivalents of:" >&2
  echo "  ${PACKAGES[*]}" >&2
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-system-packages: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-system-packages: need root to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
