#!/usr/bin/env bash
# Start a throw-away Chroma server on 127.0.0.1 for the index tests and print the URL to use
# (export it as INSPIRE_TEST_CHROMA_URL). The server is the `chroma` command of the installed
# chromadb package (run from the project's virtual environment). Stop it with:
# scripts/chroma-for-tests.sh stop
set -euo pipefail
PORT=${INSPIRE_TEST_CHROMA_PORT:-58000}
DATA=${INSPIRE_TEST_CHROMA_DATA:-/tmp/inspire-test-chroma}
PIDFILE="$DATA.pid"

stop() {
  if [ -f "$PIDFILE" ]; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.1; done
    rm -f "$PIDFILE"
  fi
  rm -rf "$DATA" "$DATA.log"
}

if [ "${1:-}" = stop ]; then
  stop
  exit 0
fi
command -v chroma >/dev/null || { echo "no chroma command (pip install chromadb)" >&2; exit 1; }

stop
mkdir -p "$DATA"
nohup chroma run --path "$DATA" --host 127.0.0.1 --port "$PORT" >"$DATA.log" 2>&1 &
echo $! >"$PIDFILE"
url="http://127.0.0.1:$PORT"
for _ in $(seq 100); do  # up to 10 s
  if python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "$url/api/v2/heartbeat" 2>/dev/null; then
    echo "$url"
    exit 0
  fi
  kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
  sleep 0.1
done
echo "the Chroma server did not start; its log:" >&2
cat "$DATA.log" >&2
stop
exit 1
