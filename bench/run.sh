#!/usr/bin/env bash
# `npm run bench`: builds the app (CLI, browser mode, renderer) and the suites,
# then runs them. Like scripts/test.sh, it starts a D-Bus session with a
# throwaway unlocked gnome-keyring when none is present, so the keystore works.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${TOKENBENCH_IN_KEYRING:-}" ]; then
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    export TOKENBENCH_IN_KEYRING=1
    exec dbus-run-session -- bash "$0" "$@"
  fi
  echo "warning: no D-Bus session and no dbus-run-session/gnome-keyring-daemon: the keystore suites will fail" >&2
fi
if [ -n "${TOKENBENCH_IN_KEYRING:-}" ]; then
  export XDG_DATA_HOME="$(mktemp -d)"
  eval "$(printf 'bench-keyring-password' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  printf 'bench-keyring-password' | gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1 || true
fi

node scripts/build.mjs
node bench/build.mjs
exec node dist/bench/main.js "$@"
