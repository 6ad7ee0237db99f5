#!/bin/sh
# Debian's chromium, for the README's UI screenshots (scripts/ui_screenshot.py):
# installed with apt-get when it is missing (needs root, as on the CI image).
set -e
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: run as root, or: sudo apt-get install -y chromium" >&2
  exit 2
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
command -v chromium
