#!/usr/bin/env bash
# Runs a command with a real Secret Service for keytar: when no D-Bus session
# is present, inside a new one with a throwaway gnome-keyring, unlocked with a
# throwaway password under a temporary data directory — never the user's keyring.
set -euo pipefail

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${TOKENBENCH_IN_KEYRING:-}" ]; then
  if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    export TOKENBENCH_IN_KEYRING=1
    exec dbus-run-session -- bash "$0" "$@"
  fi
  echo "warning: no D-Bus session and no dbus-run-session/gnome-keyring-daemon: keychain operations will fail" >&2
fi
if [ -n "${TOKENBENCH_IN_KEYRING:-}" ]; then
  export XDG_DATA_HOME="$(mktemp -d)"
  eval "$(printf 'throwaway-keyring-password' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  printf 'throwaway-keyring-password' | gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1 || true
fi
exec "$@"
