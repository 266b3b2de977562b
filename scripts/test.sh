#!/usr/bin/env bash
# The one test command: installs what the tests need, builds everything (bench included), runs every test,
# and closes with one line: "N passed, N failed, N skipped". Exits with the test run's code.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's Chromium; install it when it is missing.
if [ -d AutomationDesk.Tests/Browser ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests..."
  if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium >/dev/null
fi

results="$PWD/TestResults"
rm -rf "$results"
set +e
dotnet test AutomationDesk.sln -c Release \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results"
code=$?
set -e

trx="$results/results.trx"
if [ ! -f "$trx" ]; then
  echo "The test run produced no results (exit code $code)."
  echo "0 passed, 1 failed, 0 skipped"
  exit $(( code == 0 ? 1 : code ))
fi
counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
total=$(count total); executed=$(count executed); passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
skipped=$(( total - executed ))
echo "$passed passed, $failed failed, $skipped skipped"
exit $code
