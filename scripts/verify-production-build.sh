#!/usr/bin/env bash
# Mirrors the Dockerfile: build with dev dependencies, prune to production, start the compiled
# proxy from dist/ on Node 24, and hit /healthz. Runs in a throwaway copy of the project.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
PID=""
trap 'if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
# Exactly what the Dockerfile copies into its build stage.
tar -C "$ROOT" -cf - package.json package-lock.json tsconfig.json tsconfig.build.json scripts/copy-static-assets.ts src routes flags | tar -C "$WORK" -xf -
cd "$WORK"
npm ci --no-audit --no-fund >"$WORK/npm-ci.log" 2>&1 || { tail -30 "$WORK/npm-ci.log" >&2; exit 1; }
NODE24="$WORK/node24"
cp "$(readlink -f node_modules/.bin/node)" "$NODE24"   # the image's node:24 stands in for this after pruning
npm run build >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; exit 1; }
npm prune --omit=dev --no-audit --no-fund >"$WORK/prune.log" 2>&1 || { tail -30 "$WORK/prune.log" >&2; exit 1; }
test ! -e node_modules/vitest || { echo "prune left dev dependencies" >&2; exit 1; }
LOG="$WORK/ficus.log"
FICUS_DIFF_KEY="ci-$(openssl rand -hex 32)" "$NODE24" dist/main.js start --legacy http://127.0.0.1:9 --port 0 --admin-port 0 --db "sqlite:$WORK/data/ficus.db" --data-dir "$WORK/data" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  ADMIN="$(grep -so '"adminUrl":"[^"]*"' "$LOG" | head -1 | cut -d'"' -f4 || true)"
  [ -n "$ADMIN" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.1
done
[ -n "$ADMIN" ] || { echo "compiled proxy did not start" >&2; cat "$LOG" >&2; exit 1; }
curl -fsS "$ADMIN/healthz" >/dev/null
echo "production build: dist/main.js started on Node $("$NODE24" --version), /healthz ok"
kill -TERM "$PID"
wait "$PID"   # Ficus drains and exits 0 on SIGTERM; anything else fails the check
PID=""
