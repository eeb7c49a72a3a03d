#!/usr/bin/env bash
# Runs one k6 scenario from load/ against Ficus: `npm run load -- smoke` (or clinical-day, ed-surge).
#   scripts/load.sh <scenario> [extra k6 args, e.g. -e BASE_RPS=40]
# Builds k6 if missing (scripts/build-k6.sh), unless K6_BIN names a k6 to use as is. Unless FICUS_URL is given, starts `src/main.ts start --demo` on free loopback
# ports (its own SQLite file in a temp dir), waits for /readyz, runs k6, stops the proxy with SIGTERM
# and exits with k6's exit code.
# Env: FICUS_URL / FICUS_ADMIN_URL / FICUS_ADMIN_TOKEN (an already running proxy), BASE_RPS,
#      K6_RESULTS_DIR (default load/results), LOAD_PIN_CPUS=1 (k6 on the last CPU, Ficus on the rest),
#      LOAD_UPSTREAMS=separate (demo upstreams in their own process, load/demo-upstreams.ts, and Ficus
#      started with --legacy/--routes/--flags: `start --demo` runs them on Ficus's event loop, which
#      k6 then counts as latency Ficus added).
set -euo pipefail

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${project_root}"
readonly node_bin="${project_root}/node_modules/.bin/node"
readonly k6_bin="${K6_BIN:-${project_root}/.tools/bin/k6}"
readonly ready_timeout_seconds=60
readonly drain_timeout_seconds=20

usage() { echo "usage: scripts/load.sh <$(cd load && ls ./*.ts | sed 's|^\./||; s|\.ts$||' | paste -sd '|')> [k6 args]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
scenario="$1"; shift
script="load/${scenario}.ts"
[[ -f "${script}" ]] || { echo "load.sh: no scenario ${script}" >&2; usage; }

# The test suite passes K6_BIN (built by a setup step before it), so a test never compiles k6.
if [[ -n "${K6_BIN:-}" ]]; then
  [[ -x "${K6_BIN}" ]] || { echo "load.sh: K6_BIN=${K6_BIN} is not an executable k6" >&2; exit 1; }
else
  scripts/build-k6.sh
fi

results_dir="${K6_RESULTS_DIR:-load/results}"
mkdir -p "${results_dir}"

# CPU pinning (opt-in): on a small machine k6 and Ficus fight for the same cores, and k6's own
# scheduling delay then shows up as "added latency".
k6_prefix=(); proxy_prefix=()
if [[ "${LOAD_PIN_CPUS:-0}" == 1 ]] && (( $(nproc) >= 2 )); then
  last_cpu=$(( $(nproc) - 1 ))
  k6_prefix=(taskset -c "${last_cpu}")
  proxy_prefix=(taskset -c "0-$(( last_cpu - 1 ))")
fi

proxy_pid=""
upstreams_pid=""
work_dir="$(mktemp -d -t ficus-load.XXXXXX)"

stop_upstreams() {
  [[ -n "${upstreams_pid}" ]] || return 0
  kill -TERM "${upstreams_pid}" 2>/dev/null || true
  wait "${upstreams_pid}" 2>/dev/null || true
  upstreams_pid=""
}

stop_all() {
  stop_proxy
  stop_upstreams
}

stop_proxy() {
  [[ -n "${proxy_pid}" ]] || return 0
  kill -TERM "${proxy_pid}" 2>/dev/null || return 0
  for _ in $(seq $(( drain_timeout_seconds * 10 ))); do
    kill -0 "${proxy_pid}" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "${proxy_pid}" 2>/dev/null; then
    echo "load.sh: proxy ${proxy_pid} still running ${drain_timeout_seconds}s after SIGTERM; killing it" >&2
    kill -KILL "${proxy_pid}" 2>/dev/null || true
  fi
  local status=0
  wait "${proxy_pid}" 2>/dev/null || status=$?
  [[ ${status} == 0 ]] || echo "load.sh: proxy exited with status ${status} after SIGTERM (logs: ${work_dir}/proxy.log, ${work_dir}/data/ficus.log)" >&2
  proxy_pid=""
}
trap stop_all EXIT

# N free loopback ports, held open together so they are distinct, then released for the proxy.
free_ports() {
  "${node_bin}" -e '
    const net = require("node:net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer().listen(0, "127.0.0.1"));
    Promise.all(servers.map((s) => new Promise((r) => s.on("listening", r)))).then(() => {
      console.log(servers.map((s) => s.address().port).join(" "));
      servers.forEach((s) => s.close());
    });' "$1"
}

# The value of `field` in the `"event":"listening"` line of a log (default: the proxy's JSON log:
# `start --demo` writes it to <data-dir>/ficus.log and its banner to proxy.log; a non-demo start,
# LOAD_UPSTREAMS=separate, logs JSON to proxy.log).
listening_field() {
  local -a logs=("${work_dir}/proxy.log" "${work_dir}/data/ficus.log")
  [[ $# -ge 2 ]] && logs=("$2")
  # Either file may not exist yet (or ever, depending on the mode): never a failure under pipefail.
  { cat "${logs[@]}" 2>/dev/null || true; } | jq -rR --arg field "$1" 'fromjson? | select(.event == "listening") | .[$field] // empty' 2>/dev/null | head -1 || true
}

proxy_logs() { tail -n 20 "${work_dir}/proxy.log" "${work_dir}/data/ficus.log" 2>/dev/null || true; }

# Starts load/demo-upstreams.ts and prints the Ficus arguments that point at it.
start_separate_upstreams() {
  local legacy_port="$1" new_port="$2" log="${work_dir}/upstreams.log"
  FICUS_DEMO_LEGACY_PORT="${legacy_port}" FICUS_DEMO_NEW_PORT="${new_port}" \
    "${proxy_prefix[@]}" "${node_bin}" load/demo-upstreams.ts >"${log}" 2>&1 &
  upstreams_pid=$!
  local deadline=$(( SECONDS + ready_timeout_seconds ))
  until [[ -n "$(listening_field legacyUrl "${log}")" ]]; do
    if ! kill -0 "${upstreams_pid}" 2>/dev/null || (( SECONDS > deadline )); then
      echo "load.sh: demo upstreams did not start; their log:" >&2; tail -n 40 "${log}" >&2; exit 1
    fi
    sleep 0.2
  done
  export FICUS_UPSTREAM_EHR_NEXT_URL="$(listening_field newUrl "${log}")"
  echo "--legacy $(listening_field legacyUrl "${log}")"
}

start_demo_proxy() {
  local proxy_port admin_port legacy_port new_port
  read -r proxy_port admin_port legacy_port new_port <<<"$(free_ports 4)"
  export FICUS_ADMIN_TOKEN="${FICUS_ADMIN_TOKEN:-demo-operator-token}"
  local upstream_args=(--demo)
  # The run works on its own copy of routes/ and flags/ (ed-surge flips the kill switch through the
  # admin API, which writes the flag file) and its own data dir: the checkout is never modified.
  cp -r routes flags "${work_dir}/"
  if [[ "${LOAD_UPSTREAMS:-in-process}" == separate ]]; then
    # Not in a $( ) subshell: the upstreams' pid and env must stay in this shell.
    start_separate_upstreams "${legacy_port}" "${new_port}" >"${work_dir}/upstream-args"
    read -r -a upstream_args <"${work_dir}/upstream-args"
  fi
  FICUS_DEMO_LEGACY_PORT="${legacy_port}" FICUS_DEMO_NEW_PORT="${new_port}" \
    "${proxy_prefix[@]}" "${node_bin}" src/main.ts start "${upstream_args[@]}" \
      --port "${proxy_port}" --admin-port "${admin_port}" --db "sqlite:${work_dir}/ficus.db" \
      --routes "${work_dir}/routes" --flags "${work_dir}/flags" --data-dir "${work_dir}/data" \
      >"${work_dir}/proxy.log" 2>&1 &
  proxy_pid=$!

  local deadline=$(( SECONDS + ready_timeout_seconds ))
  until [[ -n "$(listening_field adminUrl)" ]] && curl -fsS -o /dev/null "$(listening_field adminUrl)/readyz"; do
    if ! kill -0 "${proxy_pid}" 2>/dev/null; then
      echo "load.sh: the proxy exited before it was ready; its logs:" >&2; proxy_logs >&2
      proxy_pid=""; exit 1
    fi
    if (( SECONDS > deadline )); then
      echo "load.sh: the proxy was not ready within ${ready_timeout_seconds}s; its logs:" >&2; proxy_logs >&2
      exit 1
    fi
    sleep 0.2
  done
  FICUS_URL="$(listening_field proxyUrl)"
  FICUS_ADMIN_URL="$(listening_field adminUrl)"
  echo "load.sh: demo proxy ${proxy_pid} ready at ${FICUS_URL} (admin ${FICUS_ADMIN_URL}, log ${work_dir}/data/ficus.log)" >&2
}

if [[ -z "${FICUS_URL:-}" ]]; then
  start_demo_proxy
fi

k6_status=0
"${k6_prefix[@]}" "${k6_bin}" run --quiet \
  -e FICUS_URL="${FICUS_URL}" -e FICUS_ADMIN_URL="${FICUS_ADMIN_URL:-}" -e FICUS_ADMIN_TOKEN="${FICUS_ADMIN_TOKEN:-}" \
  -e K6_RESULTS_DIR="${results_dir}" \
  "$@" "${script}" || k6_status=$?

stop_all
# Keep the logs of a failed run for diagnosis; a passing run leaves nothing behind.
if [[ ${k6_status} == 0 ]]; then rm -rf "${work_dir}"; else echo "load.sh: logs kept in ${work_dir}" >&2; fi
exit "${k6_status}"
