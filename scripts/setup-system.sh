#!/usr/bin/env bash
# Installs the Debian packages the tests, load tests and benchmarks use, when they are missing:
# PostgreSQL (store and Unleash tests), Chromium (dashboard test), nginx and wrk (benchmark),
# openssl (TLS tests generate certificates), jq and curl (scripts/load.sh), prometheus (rules tests). Needs root (CI and dev machines run as root).
set -euo pipefail
need=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
command -v openssl >/dev/null || need+=(openssl)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
# promtool tests the alerting rules (deploy/prometheus); prometheus scrapes a real Ficus in a test.
command -v promtool >/dev/null || need+=(prometheus)
# No Go here: Debian bookworm's golang-go is 1.19 and the pinned k6 needs Go >= 1.25;
# scripts/build-k6.sh finds a new enough Go or says where to get one.
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-system: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  echo "setup-system: all present"
fi
