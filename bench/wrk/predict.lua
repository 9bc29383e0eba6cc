-- POST /predict with a valid bearer token (env BENCH_TOKEN) and a ~60-byte
-- text. Also sent to nginx, which answers it with a fixed JSON body (the ceiling).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(dir .. "report.lua")

wrk.method = "POST"
wrk.path = "/predict"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "missing")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"The service was quick and the staff were really helpful :)"}'
done = report.done
