#!/usr/bin/env bash
# The README's test command. Tests talk to a real Secret Service: when no
# session bus is present, start one with an unlocked gnome-keyring around the run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${TOKENBENCH_IN_KEYRING:-}" ]; then
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    export TOKENBENCH_IN_KEYRING=1
    exec dbus-run-session -- bash "$0" "$@"
  fi
  echo "warning: no D-Bus session and no dbus-run-session/gnome-keyring-daemon: keychain tests will fail" >&2
fi
if [ -n "${TOKENBENCH_IN_KEYRING:-}" ]; then
  # A throwaway keyring under a private HOME-independent directory, unlocked with a throwaway password.
  export XDG_DATA_HOME="$(mktemp -d)"
  eval "$(printf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  printf 'test-keyring-password' | gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1 || true
fi

npm run --silent typecheck
npx --no-install vitest run "$@"
