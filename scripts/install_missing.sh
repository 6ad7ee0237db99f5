#!/bin/sh
# install_missing.sh COMMAND PACKAGE...: Debian's PACKAGEs, installed with apt-get when
# COMMAND is missing (needs root, as on the CI image). The tests that need chromium or
# faketime, `make screenshots` and CI call it; it does nothing where COMMAND is present.
set -e
command_name=$1
shift
if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$command_name is missing: run as root, or: sudo apt-get install -y $*" >&2
  exit 2
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
command -v "$command_name"
