#!/usr/bin/env bash
# `npm run bench`: builds the app (CLI, browser mode, renderer) and the suites,
# then runs them under scripts/with-keyring.sh, so the keystore suites have a
# Secret Service like the tests do.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
node bench/build.mjs
exec bash scripts/with-keyring.sh node dist/bench/main.js "$@"
