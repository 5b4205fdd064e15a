#!/usr/bin/env bash
# Installs the system tools a command needs on a Debian/Ubuntu machine, printing what it does; a no-op when all are
# present. `npm test` (pretest), `npm start` (prestart) and .ci/run call it with what they need:
#   .ci/provision.sh test    socat, pymodbus for /usr/bin/python3, Chromium, openssl, udevadm
#   .ci/provision.sh start   socat (the demo's battery meter talks UART over a socat pty pair)
#   .ci/provision.sh ci      all of the above, Mosquitto, PostgreSQL and faketime (system suite's clock steps)
# As root it runs apt-get; otherwise it uses `sudo -n` when that needs no password, else it prints the command to run
# and fails. AMSGATE_NO_PROVISION=1 skips it (a machine whose tools live elsewhere).
set -euo pipefail
what="${1:-test}"
label="npm $what"; [ "$what" = ci ] && label=".ci/run"
[ "${AMSGATE_NO_PROVISION:-}" = 1 ] && exit 0

need=()
has() { command -v "$1" >/dev/null 2>&1; }
case "$what" in
  start) has socat || need+=(socat) ;;
  test|ci)
    has socat || need+=(socat)
    /usr/bin/python3 -c 'import pymodbus, serial_asyncio' >/dev/null 2>&1 || need+=(python3-pymodbus python3-serial-asyncio)
    [ -n "${AMSGATE_CHROMIUM:-}" ] || [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ] || [ -x /usr/bin/google-chrome ] || need+=(chromium)
    has openssl || need+=(openssl)
    has udevadm || need+=(udev)
    if [ "$what" = ci ]; then
      has mosquitto || need+=(mosquitto)
      has psql || need+=(postgresql)
      has faketime || need+=(faketime)
    fi
    ;;
  *) echo "provision: unknown set \"$what\"; expected test, start or ci" >&2; exit 2 ;;
esac
[ ${#need[@]} -eq 0 ] && exit 0

if ! has apt-get; then
  echo "provision: \`$label\` needs ${need[*]} (Debian package names); this machine has no apt-get: install them, or set AMSGATE_NO_PROVISION=1" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then as_root=()
elif has sudo && sudo -n true >/dev/null 2>&1; then as_root=(sudo -n)
else
  echo "provision: \`$label\` needs ${need[*]}; run: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "provision: installing ${need[*]} (apt-get, for \`$label\`)"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${need[@]}"
