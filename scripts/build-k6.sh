#!/usr/bin/env bash
# Builds the pinned k6 into <project>/.tools/bin/k6 unless that exact version is already there.
# Idempotent: a second run costs one `go version -m` call.
#
# Why v1: the issue asks for go.k6.io/k6/v2, but no v2 module has been published —
#   `go list -m -versions go.k6.io/k6/v2` → "reading https://proxy.golang.org/go.k6.io/k6/v2/@v/list: 404 Not Found".
# The newest release of go.k6.io/k6 (`go list -m -versions go.k6.io/k6`) is v1.8.1, so we pin that.
# When v2 ships, change K6_MODULE to go.k6.io/k6/v2 and K6_VERSION to its tag.
set -euo pipefail

readonly K6_MODULE="go.k6.io/k6"
readonly K6_VERSION="v1.8.1"

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly bin_dir="${project_root}/.tools/bin"
readonly k6_bin="${bin_dir}/k6"
readonly go_bin="${GO:-/usr/local/go/bin/go}"

# The module version stamped into the binary by the Go toolchain; empty if absent or not a Go binary.
installed_version() {
  [[ -x "${k6_bin}" ]] || return 0
  "${go_bin}" version -m "${k6_bin}" 2>/dev/null | awk -v mod="${K6_MODULE}" '$1 == "mod" && $2 == mod { print $3 }'
}

if [[ "$(installed_version)" == "${K6_VERSION}" ]]; then
  echo "k6 ${K6_VERSION} already at ${k6_bin}" >&2
  exit 0
fi

mkdir -p "${bin_dir}"
echo "building ${K6_MODULE}@${K6_VERSION} into ${bin_dir} ..." >&2
started=$(date +%s)
# CGO off: a static binary that does not depend on the machine's C toolchain.
# GOPROXY without ",direct": go.k6.io's vanity host is not reachable here, only the module proxy is.
GOBIN="${bin_dir}" CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOPROXY="${GOPROXY:-https://proxy.golang.org}" \
  "${go_bin}" install "${K6_MODULE}@${K6_VERSION}"
echo "built k6 ${K6_VERSION} in $(( $(date +%s) - started ))s" >&2

if [[ "$(installed_version)" != "${K6_VERSION}" ]]; then
  echo "build-k6: ${k6_bin} does not report ${K6_MODULE} ${K6_VERSION} after go install" >&2
  exit 1
fi
