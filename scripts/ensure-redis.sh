#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed (the queue tests start their own on a loopback port; the
# package's service is never used). Prints its path.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then command -v redis-server; exit 0; fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "ensure-redis: redis-server is missing and this user cannot install it (apt-get install redis-server)" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >&2
command -v redis-server
