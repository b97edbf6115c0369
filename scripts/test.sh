#!/usr/bin/env bash
# The test command: makes PostgreSQL reachable (scripts/test-postgres.sh), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
CHATCOMPLIANCE_TEST_POSTGRES=$(scripts/test-postgres.sh)
export CHATCOMPLIANCE_TEST_POSTGRES
exec dotnet test ChatCompliance.sln "$@"
