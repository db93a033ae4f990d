-- Posts GraphQL request bodies (one JSON body per line of $WRK_BODIES, taken in turn) and prints
-- one JSON line: latency percentiles, throughput and errors. A response is an error when its
-- status is not 200 or its body carries GraphQL "errors".
local bodies = {}
for line in io.lines(os.getenv("WRK_BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

counter = 0
failures = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors":', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + (thread:get("failures") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"mean_us":%.1f,'
      .. '"failed_responses":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, failed, e.connect + e.read + e.write + e.timeout + e.status))
end
