#!/usr/bin/env bash
# Makes sure Debian's PostgreSQL server is installed (the n8n queue-mode test starts its own on a loopback port in a
# throwaway folder; the package's service and cluster are never used). Prints the folder of its binaries (initdb,
# postgres), which Debian keeps off PATH.
set -euo pipefail
bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
dir=$(bindir)
if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; exit 0; fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "ensure-postgres: PostgreSQL is missing and this user cannot install it (apt-get install postgresql)" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq >&2
# As the official postgres Docker image does: postgresql-common first, then no "main" cluster (the server package
# would otherwise create one and start it on port 5432; the tests need neither), then the server.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql-common >&2
$SUDO sed -ri 's/^#?\s*create_main_cluster\s*=.*$/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
dir=$(bindir)
if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
  echo "ensure-postgres: apt-get installed postgresql but no initdb is in /usr/lib/postgresql/*/bin" >&2
  exit 1
fi
echo "$dir"
