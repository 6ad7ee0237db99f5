#!/bin/sh
# Debian's chromium, for the README's UI screenshots (scripts/ui_screenshot.py) and the
# gallery's browser test: installed with apt-get when it is missing (needs root).
exec "$(dirname "$0")/install_missing.sh" chromium chromium fonts-dejavu-core
