-- POST /token, OAuth2 client_credentials grant with a secret the service generated (keyed
-- HMAC-SHA256: checked inline in microseconds, no Argon2id, no hashing slot), so what is
-- measured is the form parsing, the check and signing the token.
-- Credentials from BENCH_CLIENT_ID / BENCH_CLIENT_SECRET (base64url: URL-safe).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(dir .. "report.lua")

wrk.method = "POST"
wrk.path = "/token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. (os.getenv("BENCH_CLIENT_ID") or "bench-client") ..
           "&client_secret=" .. (os.getenv("BENCH_CLIENT_SECRET") or "")
done = report.done
