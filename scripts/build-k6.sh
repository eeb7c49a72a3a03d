#!/usr/bin/env bash
# Builds the pinned k6 into <project>/.tools/bin/k6 unless that exact version is already there.
# Idempotent and cheap when cached: one `k6 version` call, no Go needed.
#   scripts/build-k6.sh            (npm run k6:build)
# Env: GO=/path/to/go picks the toolchain; K6_BUILD_HEARTBEAT_SECONDS (default 15) spaces the
# "still building" lines.
#
# Why v1: the issue asks for go.k6.io/k6/v2, but no v2 module has been published —
#   `go list -m -versions go.k6.io/k6/v2` → "reading https://proxy.golang.org/go.k6.io/k6/v2/@v/list: 404 Not Found".
# The newest release of go.k6.io/k6 (`go list -m -versions go.k6.io/k6`) is v1.8.1, so we pin that.
# When v2 ships, change K6_MODULE to go.k6.io/k6/v2, K6_VERSION to its tag and GO_MINIMUM to the
# `go` line of its go.mod.
set -euo pipefail

readonly K6_MODULE="go.k6.io/k6"
readonly K6_VERSION="v1.8.1"
# The `go` directive of go.k6.io/k6@v1.8.1's go.mod: an older toolchain refuses the module.
# Debian bookworm's golang-go is 1.19, so on Debian this means Go from https://go.dev/dl.
readonly GO_MINIMUM="1.25"

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly bin_dir="${project_root}/.tools/bin"
readonly k6_bin="${bin_dir}/k6"

# "k6 v1.8.1 (go1.26.8, linux/amd64)" → v1.8.1; empty if absent or not k6.
installed_version() {
  [[ -x "${k6_bin}" ]] || return 0
  "${k6_bin}" version 2>/dev/null | awk '$1 == "k6" { print $2; exit }'
}

# "go version go1.25.3 linux/amd64" → 1.25.3; empty if not a working Go.
go_version_of() {
  "$1" version 2>/dev/null | awk '{ sub(/^go/, "", $3); print $3 }'
}

# True when dotted version $1 >= $2 (numeric per part; "1.25rc1" counts as 1.25).
version_at_least() {
  local IFS=.
  local -a have=($1) want=($2)
  local i h w
  for i in 0 1 2; do
    h="${have[i]:-0}"; w="${want[i]:-0}"
    h="${h%%[!0-9]*}"; w="${w%%[!0-9]*}"
    (( ${h:-0} > ${w:-0} )) && return 0
    (( ${h:-0} < ${w:-0} )) && return 1
  done
  return 0
}

# Prints the first Go toolchain new enough, in order: $GO, `go` on PATH, go.dev's default install
# location, Debian's versioned packages. Lists what it rejected on stderr.
find_go() {
  local -a candidates=()
  [[ -n "${GO:-}" ]] && candidates+=("${GO}")
  command -v go >/dev/null && candidates+=("$(command -v go)")
  candidates+=(/usr/local/go/bin/go "${HOME:-/root}/go/bin/go" /usr/lib/go-*/bin/go)
  local candidate version seen=" "
  for candidate in "${candidates[@]}"; do
    [[ -x "${candidate}" && "${seen}" != *" ${candidate} "* ]] || continue
    seen+="${candidate} "
    version="$(go_version_of "${candidate}")"
    if [[ -n "${version}" ]] && version_at_least "${version}" "${GO_MINIMUM}"; then
      echo "${candidate}"
      return 0
    fi
    echo "build-k6: ${candidate} is Go ${version:-?}, too old (k6 ${K6_VERSION} needs Go >= ${GO_MINIMUM})" >&2
  done
  return 1
}

if [[ "$(installed_version)" == "${K6_VERSION}" ]]; then
  echo "k6 ${K6_VERSION} already at ${k6_bin}" >&2
  exit 0
fi

if ! go_bin="$(find_go)"; then
  cat >&2 <<EOF
build-k6: no Go >= ${GO_MINIMUM} found, so k6 ${K6_VERSION} cannot be built.
  Install Go ${GO_MINIMUM} or newer from https://go.dev/dl (it goes to /usr/local/go, which this
  script looks in), or point GO at one: GO=/path/to/go npm run k6:build
  Debian bookworm's golang-go package is Go 1.19: too old for this k6.
EOF
  exit 1
fi

mkdir -p "${bin_dir}"
echo "building ${K6_MODULE}@${K6_VERSION} with $("${go_bin}" version) into ${bin_dir}" >&2
echo "(a cold build downloads ~200 modules and compiles for a few minutes; later runs are cached)" >&2
started=$(date +%s)
# A heartbeat, so a minutes-long compile is never silence. Killed as soon as go install returns.
( while sleep "${K6_BUILD_HEARTBEAT_SECONDS:-15}"; do
    echo "build-k6: still building k6 (${SECONDS}s)" >&2
  done ) &
heartbeat_pid=$!
trap 'kill "${heartbeat_pid}" 2>/dev/null || true' EXIT
# CGO off: a static binary that does not depend on the machine's C toolchain.
# GOPROXY without ",direct": go.k6.io's vanity host is not reachable here, only the module proxy is.
# GOTOOLCHAIN=local: use the Go we checked, never download another one behind our back.
GOBIN="${bin_dir}" CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local \
  GOPROXY="${GOPROXY:-https://proxy.golang.org}" \
  "${go_bin}" install "${K6_MODULE}@${K6_VERSION}"
kill "${heartbeat_pid}" 2>/dev/null || true
echo "built k6 ${K6_VERSION} in $(( $(date +%s) - started ))s" >&2

if [[ "$(installed_version)" != "${K6_VERSION}" ]]; then
  echo "build-k6: ${k6_bin} does not report k6 ${K6_VERSION} after go install ($("${k6_bin}" version 2>&1 || true))" >&2
  exit 1
fi
