"""Rate limits with the in-process store (issue 5): policies from flags, IETF RateLimit
headers, 429 with Retry-After, keys per address and per token subject, X-Forwarded-For
only from trusted proxies, health endpoints never limited, bursts.

Policies use long periods (1/3600s+B): an idle key allows B + 1 requests at once and
the next one only after 3600/1 s, so no assertion depends on how fast the test runs.
"""
import concurrent.futures
import http.client
import re

import pytest
import requests

import conftest
import helpers_auth as h
from helpers_auth import services_fixture  # noqa: F401 - provides the `services` fixture
from helpers_core import assert_config_refused, serve_refused

POLICY_ITEM = re.compile(r'^"([A-Za-z0-9_.-]+)";q=(\d+);w=(\d+)$')
LIMIT_ITEM = re.compile(r'^"([A-Za-z0-9_.-]+)";r=(\d+);t=(\d+)$')


def items(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_policies(response):
    parsed = []
    for item in items(response.headers["RateLimit-Policy"]):
        match = POLICY_ITEM.match(item)
        assert match, item
        parsed.append((match[1], int(match[2]), int(match[3])))
    return parsed


def parse_limits(response):
    parsed = []
    for item in items(response.headers["RateLimit"]):
        match = LIMIT_ITEM.match(item)
        assert match, item
        parsed.append((match[1], int(match[2]), int(match[3])))
    return parsed


def jwks(svc, headers=None):
    return requests.get(svc.url("/.well-known/jwks.json"), headers=headers, timeout=30)


def assert_limited(r):
    assert r.status_code == 429, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()  # a JSON error body
    retry_after = r.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) >= 1, retry_after
    return int(retry_after)


def forwarded_for(address):
    return {"X-Forwarded-For": address}


# ---- policies and headers ----------------------------------------------------------------------

def test_predict_policy_from_flags_with_headers(services):
    svc = services("--rate-limit-predict", "1/3600s+2")
    token = svc.token()
    remaining = []
    for _ in range(3):
        r = h.predict(svc, token)
        assert r.status_code == 200, r.text
        assert ("predict", 1, 3600) in parse_policies(r)
        limits = parse_limits(r)
        # Per-address "predict" and per-user "predict-user" items, same numbers.
        assert {name for name, _, _ in limits} == {"predict", "predict-user"}
        assert all(0 < reset <= 3 * 3600 for _, _, reset in limits)
        remaining.append(min(left for _, left, _ in limits))
    assert remaining == [2, 1, 0]
    r = h.predict(svc, token)
    retry_after = assert_limited(r)
    assert retry_after <= 3600
    assert ("predict", 1, 3600) in parse_policies(r)
    assert min(left for _, left, _ in parse_limits(r)) == 0
    # The limit is the policy's, not a global one: another policy's route still answers.
    assert jwks(svc).status_code == 200


def test_ratelimit_items_name_distinct_policies(services):
    """httpapi draft: RateLimit items refer to RateLimit-Policy items by name, so one response
    must not carry two different policies or two different states under the same name."""
    svc = services("--rate-limit-predict", "1/3600s+2")
    token = svc.token()
    h.predict(svc, token)
    r = h.predict(svc, token)
    assert r.status_code == 200
    policy_names = [name for name, _, _ in parse_policies(r)]
    limit_names = [name for name, _, _ in parse_limits(r)]
    assert len(policy_names) == len(set(policy_names)), r.headers["RateLimit-Policy"]
    assert len(limit_names) == len(set(limit_names)), r.headers["RateLimit"]
    assert set(limit_names) <= set(policy_names)


def test_default_policy_applies_to_other_routes(services):
    svc = services("--rate-limit-default", "1/3600s+1")
    for _ in range(2):
        r = jwks(svc)
        assert r.status_code == 200
        assert parse_policies(r) == [("default", 1, 3600)]
    assert_limited(jwks(svc))


def test_token_policy_limits_token_endpoint(services):
    svc = services("--rate-limit-token", "1/3600s+1")
    for _ in range(2):
        r = h.post_token(svc, h.password_form("alice"))
        assert r.status_code == 200, r.text
        assert ("token", 1, 3600) in parse_policies(r)
    assert_limited(h.post_token(svc, h.password_form("alice")))
    # /token/revoke shares the token policy.
    r = requests.post(svc.url("/token/revoke"), data={"token": "x"}, timeout=30)
    assert_limited(r)


def test_default_policies_are_the_reference_ones(services):
    svc = services("--rate-limits", "on")
    assert [(n, q, w) for n, q, w in parse_policies(jwks(svc))] == [("default", 60, 60)]
    r = h.post_token(svc, h.password_form("alice"))
    assert ("token", 10, 60) in parse_policies(r)
    assert ("predict", 30, 60) in parse_policies(h.predict(svc, r.json()["access_token"]))


def test_limited_requests_are_refused_before_parsing_or_auth(services):
    svc = services("--rate-limit-predict", "1/3600s")
    assert h.predict(svc, svc.token()).status_code == 200
    # Once the address is limited, neither a broken body nor a bad token is looked at.
    r = requests.post(svc.url("/predict"), data="{not json", timeout=30,
                      headers={"Content-Type": "application/json", "Authorization": "Bearer x"})
    assert_limited(r)
    assert_limited(h.predict(svc, None))


def test_limited_requests_are_counted(services):
    svc = services("--rate-limit-predict", "1/3600s")
    token = svc.token()
    h.predict(svc, token)
    assert_limited(h.predict(svc, token))
    metrics = requests.get(svc.url("/metrics"), timeout=30).text
    lines = [line for line in metrics.splitlines()
             if line.startswith("smlapi_ratelimit_limited_total")
             and 'route="/predict"' in line and 'policy="predict"' in line]
    assert lines and float(lines[0].split()[-1]) >= 1, metrics[:2000]


def test_rate_limits_off(services):
    svc = services("--rate-limits", "off", "--rate-limit-default", "1/3600s")
    for _ in range(5):
        r = jwks(svc)
        assert r.status_code == 200
        assert "RateLimit" not in r.headers


@pytest.mark.parametrize("option", ["--rate-limit-predict", "--rate-limit-token",
                                    "--rate-limit-default"])
@pytest.mark.parametrize("policy", ["0/60s", "abc", "10", "10/0s", "-1/60s", "5/60s+x",
                                    "10/25h", ""])
def test_invalid_policy_is_refused_at_startup(tmp_path, option, policy):
    keys_dir = h.make_keys_dir(tmp_path)
    result = serve_refused(conftest.BIN, ["--keys-dir", keys_dir, option, policy])
    assert_config_refused(result, f"{option} must look like 60/60s or 100/1m+20")


def metric_value(svc, name):
    metrics = requests.get(svc.url("/metrics"), timeout=30).text
    values = [float(line.split()[-1]) for line in metrics.splitlines()
              if line.split(" ")[0] == name]
    assert values, f"{name} not in /metrics"
    return sum(values)


def test_store_forgets_clients_beyond_max_keys(services):
    # 1,500 distinct clients, each with a live (unexpired) entry; the store holds at most
    # 1,000 keys (64 shards of 15 = 960), so at least 1,500 - 960 = 540 entries must have
    # been evicted, whatever the hash distribution.
    svc = services("--rate-limit-default", "1/3600s", "--rate-limit-max-keys", "1000",
                   "--trusted-proxies", "127.0.0.1/32")
    with requests.Session() as session:
        for i in range(1500):
            address = f"10.0.{i // 250}.{i % 250 + 1}"
            r = session.get(svc.url("/.well-known/jwks.json"), headers=forwarded_for(address),
                            timeout=30)
            assert r.status_code == 200, (i, r.status_code)
    assert metric_value(svc, "smlapi_ratelimit_evictions_total") >= 540


@pytest.mark.parametrize("value", ["999", "0", "lots"])
def test_invalid_max_keys_is_refused_at_startup(tmp_path, value):
    keys_dir = h.make_keys_dir(tmp_path)
    result = serve_refused(conftest.BIN, ["--keys-dir", keys_dir, "--rate-limit-max-keys", value])
    assert_config_refused(result, "--rate-limit-max-keys must be an integer in [1000, 100000000]")


# ---- health endpoints ----------------------------------------------------------------------------

def test_health_endpoints_are_never_limited(services):
    svc = services("--rate-limit-default", "1/3600s", "--rate-limit-predict", "1/3600s",
                        "--rate-limit-token", "1/3600s")
    assert jwks(svc).status_code == 200
    assert_limited(jwks(svc))  # the address is now limited on the default policy
    for path in ("/healthz", "/readyz", "/v2/health/live", "/v2/health/ready"):
        for _ in range(15):
            r = requests.get(svc.url(path), timeout=30)
            assert r.status_code == 200, (path, r.status_code, r.text)
            assert "Retry-After" not in r.headers


# ---- bursts --------------------------------------------------------------------------------------

def test_burst_allows_exactly_burst_plus_one_at_once(services):
    svc = services("--rate-limit-default", "1/3600s+4")
    statuses = [jwks(svc).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3


def test_concurrent_burst_is_counted_atomically(services):
    svc = services("--rate-limit-default", "1/3600s+4")
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: jwks(svc).status_code, range(24)))
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 19, statuses


def test_without_burst_only_one_request_passes_at_once(services):
    svc = services("--rate-limit-default", "2/3600s")
    assert jwks(svc).status_code == 200
    r = jwks(svc)
    retry_after = assert_limited(r)
    assert retry_after <= 1800  # the emission interval: 3600 s / 2


# ---- keys: address and subject -------------------------------------------------------------------

def test_spoofed_forwarded_for_from_untrusted_peer_has_no_effect(services):
    svc = services("--rate-limit-default", "1/3600s")
    assert jwks(svc).status_code == 200
    for spoof in ({"X-Forwarded-For": "203.0.113.1"},
                  {"X-Forwarded-For": "203.0.113.2, 198.51.100.2"},
                  {"Forwarded": "for=203.0.113.3"},
                  {"X-Real-IP": "203.0.113.4"}):
        assert_limited(jwks(svc, headers=spoof))


def test_forwarded_for_from_a_peer_outside_the_trusted_list_has_no_effect(services):
    """S3: with trusted proxies configured, a peer outside them (here the loopback client, not in
    10.0.0.0/8) is its own client: its forwarding headers choose neither the limit key nor the
    logged address."""
    svc = services("--rate-limit-default", "1/3600s", "--trusted-proxies", "10.0.0.0/8")
    first = jwks(svc, headers=forwarded_for("10.0.0.1"))
    assert first.status_code == 200
    assert logged_client(svc, first) == "127.0.0.1"
    for spoof in (forwarded_for("203.0.113.1"), forwarded_for("10.0.0.2"),
                  {"Forwarded": "for=203.0.113.3"}):
        assert_limited(jwks(svc, headers=spoof))


def client_logged_for(svc, request_id):
    for line in svc.log_lines():
        if line.get("event") == "access" and line.get("request_id") == request_id:
            return line.get("client")
    return None


def logged_client(svc, response):
    request_id = response.headers["X-Request-ID"]
    conftest.wait_until(lambda: client_logged_for(svc, request_id) is not None, timeout=10)
    return client_logged_for(svc, request_id)


def test_spoofed_forwarded_for_is_not_logged_as_client(services):
    svc = services("--rate-limit-default", "100/60s")
    r = jwks(svc, headers=forwarded_for("203.0.113.9"))
    assert logged_client(svc, r) == "127.0.0.1"


def test_forwarded_for_from_trusted_proxy_keys_the_client(services):
    svc = services("--rate-limit-default", "1/3600s", "--trusted-proxies", "127.0.0.1/32")
    first = jwks(svc, headers=forwarded_for("10.0.0.1"))
    assert first.status_code == 200
    assert logged_client(svc, first) == "10.0.0.1"
    assert_limited(jwks(svc, headers=forwarded_for("10.0.0.1")))
    assert jwks(svc, headers=forwarded_for("10.0.0.2")).status_code == 200
    # Without the header, the trusted proxy itself is the client.
    assert jwks(svc).status_code == 200
    assert_limited(jwks(svc))


def test_right_most_untrusted_hop_is_the_client(services):
    svc = services("--rate-limit-default", "1/3600s",
                        "--trusted-proxies", "127.0.0.1/32,10.0.0.0/8")
    r = jwks(svc, headers=forwarded_for("198.51.100.7, 192.0.2.1, 10.1.2.3"))
    assert r.status_code == 200
    assert logged_client(svc, r) == "192.0.2.1"
    # The client cannot pick a new key by prepending hops of its own choosing.
    assert_limited(jwks(svc, headers=forwarded_for("1.2.3.4, 192.0.2.1, 10.9.9.9")))
    assert_limited(jwks(svc, headers=forwarded_for("192.0.2.1")))
    # Several header lines count as one list (RFC 9110 section 5.3): the last one is right-most.
    connection = http.client.HTTPConnection("127.0.0.1", svc.port, timeout=30)
    try:
        connection.putrequest("GET", "/.well-known/jwks.json")
        connection.putheader("X-Forwarded-For", "5.5.5.5")
        connection.putheader("X-Forwarded-For", "192.0.2.1")
        connection.endheaders()
        assert connection.getresponse().status == 429
    finally:
        connection.close()
    assert jwks(svc, headers=forwarded_for("192.0.2.99")).status_code == 200


def test_forwarded_header_does_not_override_forwarded_for(services):
    """One forwarding header is believed (X-Forwarded-For by default); a second header the
    proxy does not rewrite must not let the client pick its own key."""
    svc = services("--rate-limit-default", "1/3600s", "--trusted-proxies", "127.0.0.1/32")
    r = jwks(svc, headers={"X-Forwarded-For": "192.0.2.60"})
    assert r.status_code == 200
    assert_limited(jwks(svc, headers={"X-Forwarded-For": "192.0.2.60",
                                      "Forwarded": "for=198.51.100.61"}))


def test_ipv6_client_behind_trusted_proxy(services):
    svc = services("--rate-limit-default", "1/3600s", "--trusted-proxies", "127.0.0.1/32")
    r = jwks(svc, headers=forwarded_for("2001:db8::1"))
    assert r.status_code == 200
    assert logged_client(svc, r) == "2001:db8::1"
    assert_limited(jwks(svc, headers=forwarded_for("2001:db8::1")))


def test_per_subject_limit_follows_the_token_across_addresses(services):
    svc = services("--rate-limit-predict", "1/3600s+1", "--trusted-proxies", "127.0.0.1/32")
    alice = svc.token("alice")
    assert h.predict(svc, alice, headers=forwarded_for("10.0.0.1")).status_code == 200
    assert h.predict(svc, alice, headers=forwarded_for("10.0.0.2")).status_code == 200
    assert_limited(h.predict(svc, alice, headers=forwarded_for("10.0.0.3")))
    # Another subject from a fresh address is not affected.
    assert h.predict(svc, svc.token("root"), headers=forwarded_for("10.0.0.4")).status_code == 200


def test_per_address_limit_covers_every_subject(services):
    svc = services("--rate-limit-predict", "1/3600s+1", "--trusted-proxies", "127.0.0.1/32")
    same = forwarded_for("10.0.0.50")
    assert h.predict(svc, svc.token("alice"), headers=same).status_code == 200
    assert h.predict(svc, svc.token("root"), headers=same).status_code == 200
    assert_limited(h.predict(svc, svc.client_token(), headers=same))
    assert h.predict(svc, svc.client_token(), headers=forwarded_for("10.0.0.51")).status_code == 200
