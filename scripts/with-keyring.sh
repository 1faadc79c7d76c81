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
  # The daemon takes its bus name and unlocks the login collection after it answers. A client
  # that comes too early either finds it locked or, through D-Bus activation, starts a second
  # daemon that has no password. So: wait for the name (asking the bus, which activates
  # nothing), then for the unlocked collection.
  login_unlocked() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
      string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' || return 1
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets/collection/login \
      org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null | grep -q 'boolean false'
  }
  for _ in $(seq 1 100); do login_unlocked && break; sleep 0.1; done
  login_unlocked || echo "warning: the throwaway keyring did not unlock; keychain operations will fail" >&2
fi
exec "$@"
