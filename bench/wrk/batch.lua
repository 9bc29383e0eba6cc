-- POST /predict/batch with BENCH_BATCH_TEXTS (default 100) short texts per request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(dir .. "report.lua")

local samples = {
  "The service was quick and the staff were really helpful :)",
  "I hate waiting in line, this is NOT ok!!!",
  "Meh. It was fine, nothing special.",
  "Absolutely loved it, would come back",
  "The food was bad but the dessert was great",
  "not good at all",
  "kind of disappointing tbh",
  "Best day ever 😀",
}
local count = tonumber(os.getenv("BENCH_BATCH_TEXTS") or "100")
local texts = {}
for i = 1, count do
  texts[i] = '"' .. samples[(i - 1) % #samples + 1] .. '"'
end

wrk.method = "POST"
wrk.path = "/predict/batch"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "missing")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"texts":[' .. table.concat(texts, ",") .. ']}'
done = report.done
