#!/usr/bin/env bash
# Load-tests HTTPServer with wrk against a tiny release-built server (Benchmarks/http/main.swift),
# alternating rounds with nginx `return 200` (one worker) when nginx is installed, so both see the
# same machine load. Prints wrk's figures per round.
# Usage: Benchmarks/http/run.sh [seconds-per-round] [connections] [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-5}
CONNECTIONS=${2:-32}
ROUNDS=${3:-3}
OUT=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$OUT"; }
trap cleanup EXIT

swift build -c release --target HTTPServer >/dev/null
REL=.build/release
# Link the module objects of HTTPServer, CEpoll and swift-log with the benchmark main.
swiftc -O -Xcc -fmodule-map-file="$REL/CEpoll.build/module.modulemap" -I "$REL/Modules" -I Sources/CEpoll/include \
    Benchmarks/http/main.swift "$REL"/HTTPServer.build/*.o "$REL"/CEpoll.build/*.o "$REL"/Logging.build/*.o \
    -o "$OUT/http-bench"
"$OUT/http-bench" 18089 >/dev/null &
PIDS+=($!)

HAVE_NGINX=0
if command -v nginx >/dev/null; then
    HAVE_NGINX=1
    mkdir -p "$OUT/nginx/logs"
    cat > "$OUT/nginx.conf" <<CONF
worker_processes 1;
pid $OUT/nginx.pid;
error_log $OUT/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:18090;
        location / { return 200 '{"status":"ok"}'; }
    }
}
CONF
    nginx -c "$OUT/nginx.conf" -p "$OUT/nginx" -g 'daemon off;' &
    PIDS+=($!)
fi
sleep 1

echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s GET /health, $ROUNDS alternating rounds; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
    printf 'round %s rampart: ' "$round"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" http://127.0.0.1:18089/health | awk '/Requests\/sec/ {printf "%s req/s", $2} /Latency/ {printf " (latency avg %s) ", $2}'
    echo
    if [ "$HAVE_NGINX" = 1 ]; then
        printf 'round %s nginx:   ' "$round"
        wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" http://127.0.0.1:18090/health | awk '/Requests\/sec/ {printf "%s req/s", $2} /Latency/ {printf " (latency avg %s) ", $2}'
        echo
    fi
done
