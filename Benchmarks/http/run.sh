#!/usr/bin/env bash
# Load-tests HTTPServer with wrk against a tiny release-built server, side by side with nginx
# `return 200` when nginx is installed. Prints wrk's figures. Usage: Benchmarks/http/run.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
CONNECTIONS=${2:-32}
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

swift build -c release --target HTTPServer >/dev/null
REL=.build/release
# Link the module objects of HTTPServer, CEpoll and swift-log with the benchmark main.
swiftc -O -I "$REL/Modules" -Xcc -fmodule-map-file="$REL/CEpoll.build/module.modulemap" -I Sources/CEpoll/include Benchmarks/http/main.swift \
    "$REL"/HTTPServer.build/*.o "$REL"/CEpoll.build/*.o "$REL"/Logging.build/*.o \
    -o "$OUT/http-bench"

"$OUT/http-bench" 18089 &
sleep 1
echo "== rampart HTTPServer: GET /health, wrk -t2 -c$CONNECTIONS -d${DURATION}s"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" http://127.0.0.1:18089/health

if command -v nginx >/dev/null; then
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
    sleep 1
    echo "== nginx return 200 (1 worker), wrk -t2 -c$CONNECTIONS -d${DURATION}s"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" http://127.0.0.1:18090/health
fi
