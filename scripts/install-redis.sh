#!/usr/bin/env bash
# Installs what Vigil's tests, demo and benchmarks need from Debian's packages — redis-server,
# redis-sentinel, redis-tools (redis-cli, redis-benchmark), python3-redis and tzdata — but only when
# something is missing. As root it runs `apt-get update` once, then `apt-get install`; otherwise it
# prints the exact command to run and exits 1. With --with-systemd (npm test) it also installs
# Debian's systemd package when systemd-notify is missing: test/e2e/packaging.e2e.test.ts runs
# systemd-analyze verify on docs/vigil.service and systemd-notify for Type=notify.
set -euo pipefail

packages=()
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
{ [ -x /usr/bin/redis-sentinel ] || command -v redis-sentinel >/dev/null 2>&1; } || packages+=(redis-sentinel)
{ command -v redis-cli >/dev/null 2>&1 && command -v redis-benchmark >/dev/null 2>&1; } || packages+=(redis-tools)
# Debian's package (the python3 on PATH may be another interpreter, e.g. pyenv's).
dpkg-query -W -f='${Status}' python3-redis 2>/dev/null | grep -q 'install ok installed' ||
  /usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || packages+=(python3-redis)

# test/unit/shell/local-time.test.ts compares log lines' local time with date(1) on zone files.
[ -f /usr/share/zoneinfo/Europe/Paris ] || packages+=(tzdata)

if [ "${1:-}" = "--with-systemd" ]; then
  command -v systemd-notify >/dev/null 2>&1 || packages+=(systemd)
fi

if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${packages[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-redis: missing ${packages[*]}; run as root:" >&2
  echo "  sudo apt-get update && sudo $cmd" >&2
  exit 1
fi

echo "install-redis: installing ${packages[*]} (apt-get update, then $cmd)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
$cmd -qq
# Debian starts the services it just installed; Vigil's tools start their own processes on free
# ports, so stop those (only the ones installed now — never a service that was there before).
for unit in "${packages[@]}"; do
  case "$unit" in redis-server | redis-sentinel) ;; *) continue ;; esac
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit" 2>/dev/null; then
    systemctl stop "$unit" || true
  fi
done
echo "install-redis: done"
