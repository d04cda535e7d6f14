#!/usr/bin/env bash
# Builds the Apps package (the services) once and runs its tests. Run from anywhere: `bash Apps/ci-test.sh`.
# Needs: openssl, curl, chromium, chromium-driver (Debian) and selenium (PyPI) for the TLS, appliance and browser
# tests, which otherwise skip with a message. Uses its own build folder Apps/.build.
set -euo pipefail
cd "$(dirname "$0")"
start=$(date +%s)
swift build --build-tests
built=$(date +%s)
echo "Apps: built in $((built - start)) s"
set +e
swift test --skip-build
status=$?
set -e
echo "Apps: tested in $(( $(date +%s) - built )) s"
exit "$status"
