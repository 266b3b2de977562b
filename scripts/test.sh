#!/usr/bin/env bash
# The one test command: installs what the tests need, builds everything (bench included), runs every test,
# and closes with one line: "N passed, N failed, N skipped". Exits with the test run's code.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's Chromium, IMAP tests a Dovecot they start themselves, PostgreSQL tests a PostgreSQL
# server they start themselves; install what is missing.
missing=()
if [ -d AutomationDesk.Tests/Browser ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ! -x /usr/sbin/dovecot ] || ! dpkg -s dovecot-imapd >/dev/null 2>&1; then missing+=(dovecot-imapd); fi
# The PostgreSQL tests run their own server (initdb + pg_ctl in a temporary folder) from Debian's binaries.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then missing+=(postgresql); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} for the tests..."
  if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  # A system Dovecot or PostgreSQL the packages may start is left alone: the tests start their own on free ports.
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq "${missing[@]}" >/dev/null
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
# Name what failed, with the first lines of its message, so a long log still says it at its end.
if [ "$failed" -gt 0 ]; then
  echo "Failed:"
  awk '
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
      match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); wanted = 1; lines = 0
      print "  " name; next }
    wanted && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
    wanted && inmsg { done = sub(/<\/Message>.*/, ""); if (lines++ < 4) print "    " $0; if (done) { inmsg = 0; wanted = 0 } }
    /<\/UnitTestResult>/ { wanted = 0; inmsg = 0 }
  ' "$trx"
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $code
