-- wrk script used by bench/run.py (one scenario per wrk run).
-- Environment:
--   BENCH_TOKEN   API token (sent as "Authorization: Bearer ...")
--   BENCH_METHOD  GET (default) or POST
--   BENCH_BODIES  for POST: a Lua file that returns a list of JSON bodies, used in turn
--   BENCH_RUN     a run id; Idempotency-Key = <run>-<thread>-<n>, unique per request
-- done() prints one line "WRKJSON {...}" (requests/s, status counts, latency percentiles in ms)
-- and one line "WRKSAMPLE <status> <body>" with the first non-2xx answer, if any.

local token = os.getenv("BENCH_TOKEN") or ""
local method = os.getenv("BENCH_METHOD") or "GET"
local bodies_file = os.getenv("BENCH_BODIES")
local run_id = os.getenv("BENCH_RUN") or tostring(os.time())

local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state).
ok, http4xx, http5xx, sample, counter = 0, 0, 0, "", 0
local bodies = nil

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Accept-Language"] = "zh-hans"
  if method == "POST" then
    bodies = dofile(bodies_file)
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

if method == "POST" then
  function request()
    counter = counter + 1
    local headers = {}
    for k, v in pairs(wrk.headers) do headers[k] = v end
    headers["Idempotency-Key"] = run_id .. "-" .. tid .. "-" .. counter
    local body = bodies[((counter * 7 + tid * 7919) % #bodies) + 1]
    return wrk.format("POST", nil, headers, body)
  end
end

function response(status, headers, body)
  if status < 300 then
    ok = ok + 1
  else
    if status < 500 then http4xx = http4xx + 1 else http5xx = http5xx + 1 end
    if sample == "" then sample = tostring(status) .. " " .. string.sub(body or "", 1, 400) end
  end
end

function done(summary, latency, requests)
  local n_ok, n4, n5, smp = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    n_ok = n_ok + (t:get("ok") or 0)
    n4 = n4 + (t:get("http4xx") or 0)
    n5 = n5 + (t:get("http5xx") or 0)
    local s = t:get("sample")
    if smp == "" and s then smp = s end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  local function ms(p) return latency:percentile(p) / 1000.0 end
  io.write(string.format(
    'WRKJSON {"requests":%d,"seconds":%.3f,"rps":%.2f,"ok":%d,"http_4xx":%d,"http_5xx":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_ms":{"mean":%.3f,"p50":%.3f,"p90":%.3f,"p95":%.3f,"p99":%.3f,"max":%.3f}}\n',
    summary.requests, secs, summary.requests / secs, n_ok, n4, n5,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean / 1000.0, ms(50), ms(90), ms(95), ms(99), latency.max / 1000.0))
  io.write("WRKSAMPLE " .. string.gsub(smp, "\n", " ") .. "\n")
end
