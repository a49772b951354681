#!/usr/bin/env bash
# System libraries the app and its tests need on Debian/Ubuntu.
# Installs what is missing when run as root (apt-get); otherwise says what to install.
set -u
PKGS=(
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
  libxcb-image0 libxcb-xinerama0
  libpulse0         # PySide6.QtMultimedia links it; without it QSoundEffect fails to import (no sounds)
  libzbar0          # pyzbar's decoder (second opinion behind zxing-cpp)
  fonts-wqy-microhei  # a CJK font: the window and raster receipts draw Chinese with it
  xvfb              # a real X server for screenshots of the window
  x11-utils         # xwininfo: scripts/screenshot.py finds the window with it
  imagemagick       # import: scripts/screenshot.py grabs the window from the X server
  chromium          # headless: /docs with no network (test_docs.py) and the HQ console driven by Playwright (test_console_browser.py); skipped without it
)
if ! command -v dpkg >/dev/null 2>&1; then
  echo "install-system-deps: not a Debian system; install the equivalents of: ${PKGS[*]}" >&2
  exit 0
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || true
  # --no-install-recommends: libzbar0's recommends pull in ImageMagick and ghostscript
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "install-system-deps: apt-get failed; please install: ${missing[*]}" >&2
  fi
else
  echo "install-system-deps: please install (as root): apt-get install --no-install-recommends ${missing[*]}" >&2
fi
exit 0
