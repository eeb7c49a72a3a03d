-- wrk script for the benchmark: cycles through the demo's 500 patient ids (so a canary splits by
-- patient as in production, rather than pinning every request to one cohort) and prints the
-- results as one JSON line the bench parses.
-- Usage: wrk ... http://127.0.0.1:PORT -s wrk-patients.lua -- <size: 1k|64k> [path|-] [traceparent]
--   path: a fixed path instead of /fhir/Patient/<id> (e.g. an unrouted one); "-" keeps the default
--   traceparent: "1" sends a sampled W3C traceparent, as a traced client would
local size = "1k"
local fixedPath = nil
local headers = {}
local counter = 0

function init(args)
  size = args[1] or size
  if args[2] and args[2] ~= "-" then fixedPath = args[2] end
  if args[3] == "1" then headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" end
end

function request()
  counter = counter + 1
  local path = fixedPath or string.format("/fhir/Patient/pat-%04d", counter % 500 + 1)
  return wrk.format("GET", path .. "?size=" .. size, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"errors":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
