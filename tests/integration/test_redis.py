"""Shared rate limits, brute-force counters and revocations through a real redis-server
(issue 5): two replicas enforce one combined limit, Redis restarts and outages in both
failure modes, readiness, key expiry, password authentication."""
import shutil

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
