-- POST /token, OAuth2 password grant (Argon2id verification: slow on purpose).
-- Credentials from BENCH_USER / BENCH_PASSWORD (URL-safe characters only).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(dir .. "report.lua")

wrk.method = "POST"
wrk.path = "/token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=password&username=" .. (os.getenv("BENCH_USER") or "bench") ..
           "&password=" .. (os.getenv("BENCH_PASSWORD") or "")
done = report.done
