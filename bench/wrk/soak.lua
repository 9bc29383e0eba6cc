-- The soak mix (bench/soak.sh): mostly valid /predict calls, plus the traffic a
-- public endpoint sees — malformed bodies (422), bad tokens (401), health
-- probes — each from a fresh client address (X-Forwarded-For; the server
-- trusts 127.0.0.1 as its proxy), so the rate-limit store keeps meeting new
-- keys and must stay within its bound. Counts every status per kind.
local token = os.getenv("BENCH_TOKEN") or "missing"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  statuses = {}
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

local valid_body = '{"text":"The service was quick and the staff were really helpful :)"}'
local kinds = {
  -- kind, share out of 20, path, method, body, authorization
  { "predict", 16, "/predict", "POST", valid_body, "Bearer " .. token },
  { "invalid", 2, "/predict", "POST", '{"text": 42}', "Bearer " .. token },
  { "badtoken", 1, "/predict", "POST", valid_body, "Bearer not.a.token" },
  { "healthz", 1, "/healthz", "GET", nil, nil },
}
local schedule = {}
for _, kind in ipairs(kinds) do
  for _ = 1, kind[2] do table.insert(schedule, kind) end
end

function request()
  counter = counter + 1
  local kind = schedule[(counter % #schedule) + 1]
  local headers = {
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
                                        math.random(1, 254)),
  }
  if kind[5] then headers["Content-Type"] = "application/json" end
  if kind[6] then headers["Authorization"] = kind[6] end
  return wrk.format(kind[4], kind[3], headers, kind[5])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, count in pairs(seen) do totals[status] = (totals[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(totals) do table.insert(parts, string.format("s%d=%d", status, count)) end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    "SOAK_RESULT requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d p50=%d p99=%d p999=%d %s\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    table.concat(parts, " ")))
end
