-- wrk script for the benchmark: cycles through the demo's 500 patient ids (so a canary splits by
-- patient as in production, rather than pinning every request to one cohort) and prints the
-- results as one JSON line the bench parses.
-- Usage: wrk ... http://127.0.0.1:PORT -s wrk-patients.lua -- <size: 1k|64k>
local size = "1k"
local counter = 0

function init(args)
  size = args[1] or size
end

function request()
  counter = counter + 1
  local path = string.format("/fhir/Patient/pat-%04d?size=%s", counter % 500 + 1, size)
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"errors":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
