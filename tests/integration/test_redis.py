"""Shared rate limits, brute-force counters and revocations through a real redis-server
(issue 5): two replicas enforce one combined limit, Redis restarts and outages in both
failure modes, readiness, key expiry, password authentication; and (issue 6) a request with a
token the worker has already verified costs one Redis round trip with the same answers and
the same Redis contents as the three separate ones."""
import math
import shutil
import time

import pytest
import requests

import conftest
import helpers_auth as h

PREFIX = "itest:"
REDIS_PASSWORD = "redis-secret-Zq7-not-in-logs"


@pytest.fixture
def replicas(tmp_path):
    """Starts services that share one keys directory (so tokens work on every replica)."""
    started = []
    shared_keys = h.make_keys_dir(tmp_path / "shared")

    def start(redis, *args, env=None, password_in_env=True, wait_ready=True):
        workdir = h.prepare_workdir(tmp_path / f"replica{len(started)}")
        shutil.copytree(shared_keys, workdir / "keys")
        env = dict(env or {})
        if redis.password and password_in_env:
            env["SMLAPI_REDIS_PASSWORD"] = redis.password
        svc = conftest.start_service(workdir, "--redis-host", "127.0.0.1", "--redis-port",
                                     str(redis.port), "--redis-key-prefix", PREFIX, *args,
                                     env=env, wait_ready=wait_ready)
        started.append(svc)
        return svc

    yield start
    for svc in started:
        svc.stop()


def jwks(svc):
    return requests.get(svc.url("/.well-known/jwks.json"), timeout=30)


def redis_keys(redis, pattern=PREFIX + "*"):
    return [key for key in redis.command("--scan", "--pattern", pattern).split("\n") if key]


def redis_up(svc):
    text = requests.get(svc.url("/metrics"), timeout=30).text
    for line in text.splitlines():
        if line.startswith("smlapi_redis_up"):
            return float(line.split()[-1])
    return None


def ready(svc):
    return requests.get(svc.url("/readyz"), timeout=30).status_code


def assert_limited(r):
    assert r.status_code == 429, (r.status_code, r.text)
    assert r.headers.get("Retry-After", "").isdigit()


# ---- one limit across replicas ------------------------------------------------------------------

def test_two_replicas_enforce_one_combined_limit(redis_server, replicas):
    a = replicas(redis_server, "--rate-limit-default", "1/3600s+3")
    b = replicas(redis_server, "--rate-limit-default", "1/3600s+3")
    statuses = [jwks(svc).status_code for svc in (a, b, a, b, a, b)]
    assert statuses == [200, 200, 200, 200, 429, 429], statuses
    assert_limited(jwks(a))
    assert_limited(jwks(b))
    keys = redis_keys(redis_server)
    assert keys and all(key.startswith(PREFIX) for key in keys), keys


def test_two_replicas_share_the_remaining_count(redis_server, replicas):
    a = replicas(redis_server, "--rate-limit-default", "1/3600s+5")
    b = replicas(redis_server, "--rate-limit-default", "1/3600s+5")
    remaining = []
    for svc in (a, b, a, b):
        r = jwks(svc)
        assert r.status_code == 200
        assert r.headers["RateLimit-Policy"] == '"default";q=1;w=3600'
        remaining.append(r.headers["RateLimit"].split(";t=")[0])
    assert remaining == [f'"default";r={n}' for n in (5, 4, 3, 2)]


def test_per_subject_limit_is_shared(redis_server, replicas):
    a = replicas(redis_server, "--rate-limit-predict", "1/3600s+2", "--trusted-proxies",
                 "127.0.0.1/32")
    b = replicas(redis_server, "--rate-limit-predict", "1/3600s+2", "--trusted-proxies",
                 "127.0.0.1/32")
    token = a.token()
    statuses = [h.predict(svc, token, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
                for i, svc in enumerate((a, b, a, b))]
    assert statuses == [200, 200, 200, 429], statuses


def test_password_guessing_counters_are_shared(redis_server, replicas):
    """Guessing across replicas is as slow as against one: 5 free failures in total."""
    a = replicas(redis_server, "--rate-limits", "off")
    b = replicas(redis_server, "--rate-limits", "off")
    statuses, waits = h.guess_until_locked([a, b], "alice", min_retry_after=4)
    assert statuses[:5] == [400] * 5, statuses  # 3 on a and 2 on b: one shared count
    # Separate counters would allow 5 failures per replica (10) before the first 429.
    assert statuses.index(429) <= 7, statuses
    assert h.post_token(a, h.password_form("alice")).status_code == 429
    assert h.post_token(b, h.password_form("alice")).status_code == 429


def test_revocation_is_shared_across_replicas(redis_server, replicas):
    a = replicas(redis_server)
    b = replicas(redis_server)
    token = a.token()
    assert h.predict(a, token).status_code == 200
    assert h.predict(b, token).status_code == 200
    assert h.revoke(b, token, token).status_code == 200
    h.assert_invalid_token(h.predict(a, token))
    h.assert_invalid_token(h.predict(b, token))
    # The deny-list entry lives exactly as long as the token could still be
    # accepted: until exp plus the verifier's leeway (30 s by default), not longer.
    exp = h.split_token(token)[1]["exp"]
    revoked = redis_keys(redis_server, PREFIX + "revoked:*")
    assert len(revoked) == 1, revoked
    ttl = int(redis_server.command("TTL", revoked[0]).strip())
    assert 0 < ttl <= 900 + 30, ttl
    expire_at = int(redis_server.command("EXPIRETIME", revoked[0]).strip())
    assert expire_at == exp + 30


# ---- keys expire ------------------------------------------------------------------------------

def test_every_key_has_a_ttl(redis_server, replicas):
    svc = replicas(redis_server, "--rate-limit-default", "10/60s+5")
    for _ in range(3):
        assert jwks(svc).status_code == 200
    h.post_token(svc, h.password_form("alice", password="wrong-password"))
    token = svc.token()
    h.predict(svc, token)
    keys = redis_keys(redis_server)
    assert len(keys) >= 3, keys
    for key in keys:
        ttl = int(redis_server.command("TTL", key).strip())
        assert ttl > 0, (key, ttl)  # -1 would be a key that never expires


def test_rate_limit_keys_expire(redis_server, replicas):
    svc = replicas(redis_server, "--rate-limit-default", "5/1s")
    assert jwks(svc).status_code == 200
    assert redis_keys(redis_server, PREFIX + "*default*")
    conftest.wait_until(lambda: not redis_keys(redis_server, PREFIX + "*default*"), timeout=30,
                        interval=0.5)


# ---- Redis restarts and outages ------------------------------------------------------------------

def test_redis_restart_mid_test_reconnects(redis_server, replicas):
    svc = replicas(redis_server, "--rate-limit-default", "1/3600s+1",
                   "--redis-failure-mode", "closed")
    assert jwks(svc).status_code == 200
    redis_server.stop()
    conftest.wait_until(lambda: jwks(svc).status_code == 503, timeout=30)
    redis_server.start()  # same port, empty data set
    # Without a restart of the service, the limit is enforced through the new Redis again:
    # 2 requests pass (1/3600s+1), then 429. (Connections in reconnect back-off may answer 503
    # for a moment; they are neither passes nor limits.)
    statuses = []

    def limited_again():
        statuses.append(jwks(svc).status_code)
        return statuses[-1] == 429

    conftest.wait_until(limited_again, timeout=30, interval=0.2)
    assert statuses.count(200) == 2, statuses
    assert set(statuses) <= {200, 429, 503}, statuses
    assert redis_keys(redis_server)  # the counters live in the new Redis
    assert svc.alive()


def test_fail_open_keeps_serving_with_fallback_limits(redis_server, replicas):
    svc = replicas(redis_server, "--rate-limit-default", "1/3600s+2",
                   "--redis-failure-mode", "open")
    assert jwks(svc).status_code == 200
    redis_server.stop()
    # The local fallback limiter takes over: requests pass, but not without bound.
    statuses = [jwks(svc).status_code for _ in range(8)]
    assert 200 in statuses and 429 in statuses, statuses
    assert 503 not in statuses, statuses
    assert statuses.count(200) <= 3, statuses
    assert requests.get(svc.url("/healthz"), timeout=30).status_code == 200
    conftest.wait_until(lambda: redis_up(svc) == 0, timeout=30)
    redis_server.start()
    conftest.wait_until(lambda: redis_up(svc) == 1, timeout=30)


def test_fail_open_keeps_predict_serving(redis_server, replicas):
    """Open mode means the API keeps answering while Redis is down, /predict included."""
    svc = replicas(redis_server, "--redis-failure-mode", "open")
    token = svc.token()
    assert h.predict(svc, token).status_code == 200
    redis_server.stop()
    conftest.wait_until(lambda: redis_up(svc) == 0, timeout=30)
    r = h.predict(svc, token)
    assert r.status_code == 200, (r.status_code, r.text)


def test_fail_closed_answers_503_with_retry_after(redis_server, replicas):
    svc = replicas(redis_server, "--rate-limit-default", "100/60s", "--rate-limit-predict",
                   "100/60s", "--redis-failure-mode", "closed")
    token = svc.token()
    assert h.predict(svc, token).status_code == 200
    redis_server.stop()
    for r in (jwks(svc), h.predict(svc, token)):
        assert r.status_code == 503, (r.status_code, r.text)
        assert r.headers.get("Retry-After", "").isdigit()
        assert r.json()
    # Health endpoints are not limited and still answer.
    assert requests.get(svc.url("/healthz"), timeout=30).status_code == 200
    redis_server.start()
    conftest.wait_until(lambda: h.predict(svc, token).status_code == 200, timeout=30)


def test_readiness_follows_redis(redis_server, replicas):
    svc = replicas(redis_server, "--redis-failure-mode", "closed")
    assert ready(svc) == 200
    assert redis_up(svc) == 1
    redis_server.stop()
    conftest.wait_until(lambda: ready(svc) == 503, timeout=30)
    assert redis_up(svc) == 0
    assert requests.get(svc.url("/healthz"), timeout=30).status_code == 200  # liveness stays
    redis_server.start()
    conftest.wait_until(lambda: ready(svc) == 200, timeout=30)
    assert redis_up(svc) == 1


def test_starts_while_redis_is_down_and_connects_later(redis_server, replicas):
    redis_server.stop()
    svc = replicas(redis_server, "--redis-failure-mode", "closed", "--rate-limit-default",
                   "100/60s", wait_ready=False)
    assert jwks(svc).status_code == 503
    conftest.wait_until(lambda: ready(svc) == 503, timeout=30)
    redis_server.start()
    conftest.wait_until(lambda: ready(svc) == 200, timeout=30)
    conftest.wait_until(lambda: jwks(svc).status_code == 200, timeout=30)


# ---- authentication to Redis ---------------------------------------------------------------------

@pytest.fixture
def redis_with_password(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = conftest.RedisServer(tmp_path, password=REDIS_PASSWORD).start()
    yield server
    server.stop()


def test_requirepass_with_password_from_environment(redis_with_password, replicas):
    svc = replicas(redis_with_password, "--rate-limit-default", "1/3600s",
                   "--redis-failure-mode", "closed")
    assert jwks(svc).status_code == 200
    assert_limited(jwks(svc))
    assert redis_keys(redis_with_password)
    token = svc.token()
    assert h.revoke(svc, token, token).status_code == 200
    svc.stop()
    assert REDIS_PASSWORD not in svc.log_text()


def test_requirepass_with_password_file(redis_with_password, replicas, tmp_path):
    secret = tmp_path / "redis-password"
    secret.write_text(REDIS_PASSWORD + "\n")
    secret.chmod(0o600)
    svc = replicas(redis_with_password, "--rate-limit-default", "1/3600s",
                   "--redis-failure-mode", "closed", "--redis-password-file", str(secret),
                   password_in_env=False)
    assert jwks(svc).status_code == 200
    assert_limited(jwks(svc))
    svc.stop()
    assert REDIS_PASSWORD not in svc.log_text()


def test_wrong_redis_password_is_not_ready_and_not_logged(redis_with_password, replicas):
    svc = replicas(redis_with_password, "--redis-failure-mode", "closed",
                   "--rate-limit-default", "100/60s",
                   env={"SMLAPI_REDIS_PASSWORD": "wrong-password-XYZ-123"}, password_in_env=False,
                   wait_ready=False)
    conftest.wait_until(lambda: ready(svc) == 503, timeout=30)
    assert jwks(svc).status_code == 503
    svc.stop()
    assert "wrong-password-XYZ-123" not in svc.log_text()


# ---- one round trip for a cached token (issue 6) ----------------------------------------------------
# A requests.Session keeps one connection, so its requests reach one worker: after its first
# request (verification, three round trips), the token is in that worker's cache.

# A deep burst that does not refill during a test: RateLimit's r= counts down exactly.
WIDE_PREDICT = ("--rate-limit-predict", "1/3600s+100")


def redis_stats(redis):
    """(reads from clients, script calls) so far."""
    stats = {}
    for section in ("stats", "commandstats"):
        for line in redis.command("INFO", section).splitlines():
            key, _, value = line.strip().partition(":")
            stats[key] = value
    calls = {name: int(stats.get(f"cmdstat_{name}", "calls=0").split(",")[0].split("=")[1])
             for name in ("evalsha", "eval")}
    return int(stats["total_reads_processed"]), calls["evalsha"] + calls["eval"]


def info_overhead(redis):
    """The reads redis_stats() itself adds between two of its calls, measured rather than
    assumed: one per redis-cli command with some redis-cli builds, two with others (a
    handshake before the command). The least of three empty windows leaves out health PINGs."""
    samples = []
    for _ in range(3):
        before = redis_stats(redis)[0]
        samples.append(redis_stats(redis)[0] - before)
    return min(samples)


def round_trips(redis, requests_made, send):
    """Runs send(); returns (Redis round trips, scripts run) it cost. Each synchronous command
    is one read on the server; the INFO calls themselves and the once-a-second health PINGs
    are the only other readers, and are subtracted (the PINGs as an upper bound)."""
    info_reads = info_overhead(redis)
    reads0, scripts0 = redis_stats(redis)
    started = time.monotonic()
    send()
    pings = math.ceil(time.monotonic() - started) + 1
    reads1, scripts1 = redis_stats(redis)
    trips = reads1 - reads0 - info_reads
    assert requests_made <= trips + pings, (trips, requests_made)
    return trips, scripts1 - scripts0, pings


def subject_key(user):
    return f"{PREFIX}rl:predict-user:sub:{user}"


def test_cached_token_predict_costs_one_round_trip(redis_server, replicas):
    svc = replicas(redis_server, *WIDE_PREDICT)
    token = svc.token()
    session = requests.Session()
    first = predict_on(session, svc, token)  # verified: separate steps
    assert first.status_code == 200
    # The first cached request loads the combined script (EVALSHA answers NOSCRIPT, then EVAL).
    assert predict_on(session, svc, token).status_code == 200
    n = 20
    answers = []
    trips, scripts, pings = round_trips(
        redis_server, n, lambda: answers.extend(predict_on(session, svc, token) for _ in range(n)))
    assert all(r.status_code == 200 for r in answers), [r.status_code for r in answers]
    assert scripts == n, scripts  # one script per request
    assert n <= trips <= n + pings, (trips, n)  # three separate steps would be 3n
    # The answer carries both limits, as with separate steps: the address item, then the
    # subject one, each counting down by one per request.
    policies = first.headers["RateLimit-Policy"]
    assert policies == '"predict";q=1;w=3600, "predict-user";q=1;w=3600', policies
    assert answers[-1].headers["RateLimit-Policy"] == policies
    items = answers[-1].headers["RateLimit"]
    assert items.startswith('"predict";r=') and '"predict-user";r=' in items, items
    first_remaining = [int(part.split(";r=")[1].split(";")[0])
                       for part in first.headers["RateLimit"].split(", ")]
    last_remaining = [int(part.split(";r=")[1].split(";")[0]) for part in items.split(", ")]
    assert [a - b for a, b in zip(first_remaining, last_remaining)] == [n + 1, n + 1], (first_remaining,
                                                                             last_remaining)


def predict_on(session, svc, token, text="what a good day"):
    return session.post(svc.url("/predict"), json={"text": text},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)


def test_revoked_cached_token_leaves_the_subject_key_absent(redis_server, replicas):
    svc = replicas(redis_server, *WIDE_PREDICT)
    token = svc.token()
    session = requests.Session()
    # Verified (separate steps), then cached (loads the combined script).
    assert [predict_on(session, svc, token).status_code for _ in range(2)] == [200, 200]
    redis_server.command("DEL", subject_key("alice"))
    assert h.revoke(svc, token, token).status_code == 200
    answers = []
    trips, scripts, pings = round_trips(redis_server, 1,
                                        lambda: answers.append(predict_on(session, svc, token)))
    h.assert_invalid_token(answers[0])
    assert "revoked" in answers[0].headers["WWW-Authenticate"]
    assert scripts == 1 and trips <= 1 + pings, (scripts, trips)
    assert answers[0].headers["RateLimit-Policy"] == '"predict";q=1;w=3600'
    assert redis_server.command("EXISTS", subject_key("alice")).strip() == "0"
    svc.stop()
    rejected = [line for line in svc.log_text().splitlines() if "auth.rejected" in line]
    assert len(rejected) == 1 and "revoked" in rejected[0], rejected


def test_limited_address_with_cached_token_touches_nothing_else(redis_server, replicas):
    svc = replicas(redis_server, "--rate-limit-predict", "1/3600s+1")
    token = svc.token()
    session = requests.Session()
    assert [predict_on(session, svc, token).status_code for _ in range(2)] == [200, 200]
    redis_server.command("DEL", subject_key("alice"))
    r = predict_on(session, svc, token)
    assert_limited(r)
    assert r.headers["RateLimit-Policy"] == '"predict";q=1;w=3600', r.headers
    assert redis_server.command("EXISTS", subject_key("alice")).strip() == "0"


def test_cached_token_without_scope_is_refused_as_before(redis_server, replicas):
    svc = replicas(redis_server, *WIDE_PREDICT)
    token = svc.token(user="nobody")
    session = requests.Session()
    # Verified (separate steps), then cached (loads the combined script).
    answers = [predict_on(session, svc, token) for _ in range(2)]
    trips, scripts, pings = round_trips(redis_server, 1,
                                        lambda: answers.append(predict_on(session, svc, token)))
    assert scripts == 1 and trips <= 1 + pings, (scripts, trips)
    for r in answers:
        assert r.status_code == 403, (r.status_code, r.text)
        assert 'error="insufficient_scope"' in r.headers["WWW-Authenticate"]
        assert r.headers["RateLimit-Policy"] == '"predict";q=1;w=3600'
    assert answers[0].headers["WWW-Authenticate"] == answers[-1].headers["WWW-Authenticate"]
    assert redis_server.command("EXISTS", subject_key("nobody")).strip() == "0"


def test_cached_token_subject_limit_is_enforced(redis_server, replicas):
    svc = replicas(redis_server, "--rate-limit-predict", "1/3600s+2", "--trusted-proxies",
                   "127.0.0.1/32")
    token = svc.token()
    session = requests.Session()
    statuses = []
    for i in range(4):  # a new address each time: only the subject limit can refuse
        r = session.post(svc.url("/predict"), json={"text": "good"}, timeout=30,
                         headers={"Authorization": f"Bearer {token}",
                                  "X-Forwarded-For": f"10.0.1.{i}"})
        statuses.append(r.status_code)
    assert statuses == [200, 200, 200, 429], statuses
    assert r.headers["RateLimit-Policy"] == '"predict";q=1;w=3600, "predict-user";q=1;w=3600'
    assert r.headers.get("Retry-After", "").isdigit()


@pytest.mark.parametrize("mode", ["open", "closed"])
def test_cached_token_when_redis_goes_down(redis_server, replicas, mode):
    svc = replicas(redis_server, *WIDE_PREDICT, "--redis-failure-mode", mode)
    token = svc.token()
    fresh = svc.token()  # never used before Redis goes down: takes the new-token path
    session = requests.Session()
    assert predict_on(session, svc, token).status_code == 200
    redis_server.stop()
    for r in (predict_on(session, svc, token), predict_on(session, svc, fresh)):
        if mode == "open":  # local fallback limits, deny-list answered by the mirror
            assert r.status_code == 200, (r.status_code, r.text)
            assert r.headers["RateLimit-Policy"] == \
                '"predict";q=1;w=3600, "predict-user";q=1;w=3600'
        else:
            assert r.status_code == 503, (r.status_code, r.text)
            assert r.headers.get("Retry-After", "").isdigit()
            assert "RateLimit" not in r.headers
    redis_server.start()
    conftest.wait_until(lambda: predict_on(session, svc, token).status_code == 200, timeout=30)


def test_new_token_costs_two_round_trips_and_a_bad_one_one(redis_server, replicas):
    """A token not yet verified on the worker: the address limit first (before any signature
    check), then the deny-list read and subject limit together. A forged token never gets past
    the address limit's round trip."""
    svc = replicas(redis_server, *WIDE_PREDICT)
    session = requests.Session()
    assert predict_on(session, svc, svc.token()).status_code == 200  # loads both scripts
    fresh = svc.token()  # another jti: not in any worker's cache
    answers = []
    trips, scripts, pings = round_trips(redis_server, 2,
                                        lambda: answers.append(predict_on(session, svc, fresh)))
    assert answers[0].status_code == 200, answers[0].text
    assert answers[0].headers["RateLimit-Policy"] == '"predict";q=1;w=3600, "predict-user";q=1;w=3600'
    assert scripts == 2 and trips <= 2 + pings, (scripts, trips)
    forged = fresh[:-4] + ("AAAA" if not fresh.endswith("AAAA") else "BBBB")
    trips, scripts, pings = round_trips(redis_server, 1,
                                        lambda: answers.append(predict_on(session, svc, forged)))
    h.assert_invalid_token(answers[1])
    assert scripts == 1 and trips <= 1 + pings, (scripts, trips)


# ---- threat model S4 and D5: the deny-list and a slow Redis -------------------------------------

def test_unreadable_deny_list_fails_closed(redis_server, replicas):
    """S4, closed revocation mode: while the revocation deny-list cannot be read, a valid token
    is not accepted (a revoked one would look the same). Rate limits are off, so the deny-list
    read is the only Redis work on /predict and the 503 is authentication's, not the limiter's.
    (The default, --revocation-failure-mode mirror: test_revocation_outage.py.)"""
    svc = replicas(redis_server, "--revocation-failure-mode", "closed")
    token = svc.token()
    session = requests.Session()
    assert predict_on(session, svc, token).status_code == 200  # cached on this worker
    fresh = svc.token()
    redis_server.stop()
    for candidate in (token, fresh):
        r = predict_on(session, svc, candidate)
        assert r.status_code == 503, (r.status_code, r.text)
        assert r.json() == {"detail": "Authentication temporarily unavailable"}, r.text
        assert r.headers.get("Retry-After") == "1", r.headers
    # Public, unlimited routes still answer: only token acceptance depends on the deny-list.
    assert jwks(svc).status_code == 200
    redis_server.start()
    conftest.wait_until(lambda: predict_on(session, svc, token).status_code == 200, timeout=30)


def test_slow_redis_is_cut_off_by_the_timeout(redis_server, replicas):
    """D5: a Redis that stops answering (scripts held by CLIENT PAUSE WRITE) costs a request one
    Redis timeout and a 503 in closed mode; the request does not wait for Redis to come back
    (without the timeout it would block until the pause ends and then get 200)."""
    svc = replicas(redis_server, *WIDE_PREDICT, "--redis-failure-mode", "closed")
    token = svc.token()
    session = requests.Session()
    assert predict_on(session, svc, token).status_code == 200
    assert redis_server.command("CLIENT", "PAUSE", "20000", "WRITE").strip() == "OK"
    try:
        r = predict_on(session, svc, token)
        held = jwks(svc)
    finally:
        redis_server.command("CLIENT", "UNPAUSE")
    for answer in (r, held):
        assert answer.status_code == 503, (answer.status_code, answer.text)
        assert answer.headers.get("Retry-After", "").isdigit(), answer.headers
    conftest.wait_until(lambda: predict_on(session, svc, token).status_code == 200, timeout=30)
