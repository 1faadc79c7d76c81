#!/usr/bin/env bash
# The README's test command: type-check, then the suite. Tests talk to a real
# Secret Service, so they run under scripts/with-keyring.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent typecheck
exec bash scripts/with-keyring.sh npx --no-install vitest run "$@"
