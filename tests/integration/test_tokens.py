"""POST /token, /token/revoke and /.well-known/jwks.json against the real binary (issue 4):
OAuth 2.0 token endpoint shape (RFC 6749), RFC 9068 access tokens, interoperability with
PyJWT in both directions for every asymmetric algorithm and HS256, users-file reloads,
RFC 7009 revocation, RFC 6750 error responses."""
import base64
import signal
import time
import urllib.parse

import jwt
import pytest
import requests

import conftest
import helpers_auth as h
from helpers_auth import services_fixture  # noqa: F401 - provides the `services` fixture
from helpers_core import assert_config_refused, serve_refused

CLIENT_ID, (CLIENT_SECRET, _) = next(iter(conftest.CLIENTS.items()))
PRIVATE_JWK_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    """alg -> (service, keys_dir, kid) with one key of that algorithm."""
    started = {}

    def get(alg):
        if alg not in started:
            kid = f"kid-{alg.lower()}"
            workdir = h.prepare_workdir(tmp_path_factory.mktemp(f"tokens-{alg}"), alg, kid)
            keys_dir = workdir / "keys"
            started[alg] = (conftest.start_service(workdir), keys_dir, kid)
        return started[alg]

    yield get
    for svc, _, _ in started.values():
        svc.stop()


@pytest.fixture(scope="module")
def svc(keyed):
    return keyed("EdDSA")[0]


def without_request_id(headers):
    return {k.lower(): v for k, v in headers.items() if k.lower() not in ("x-request-id", "date", "traceresponse")}


# ---- success shape ------------------------------------------------------------------------------

def assert_token_response(r, scope):
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers.get("Cache-Control") == "no-store"  # RFC 6749 section 5.1
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}, body
    assert body["token_type"] == "bearer"
    assert isinstance(body["expires_in"], int) and body["expires_in"] == 900
    assert set(body["scope"].split()) == set(scope.split())  # a space-delimited set
    assert body["access_token"].count(".") == 2
    return body


def test_password_grant(svc):
    body = assert_token_response(h.post_token(svc, h.password_form("alice")), "predict")
    assert h.predict(svc, body["access_token"]).status_code == 200


def test_client_credentials_in_form_body(svc):
    r = h.post_token(svc, {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                           "client_secret": CLIENT_SECRET})
    body = assert_token_response(r, "predict")
    claims = h.split_token(body["access_token"])[1]
    assert claims["sub"] == CLIENT_ID and claims["client_id"] == CLIENT_ID
    assert h.predict(svc, body["access_token"]).status_code == 200


def test_client_credentials_with_http_basic(svc):
    r = h.post_token(svc, {"grant_type": "client_credentials"}, auth=(CLIENT_ID, CLIENT_SECRET))
    body = assert_token_response(r, "predict")
    assert h.predict(svc, body["access_token"]).status_code == 200


def test_http_basic_credentials_are_form_urlencoded(services):
    """RFC 6749 section 2.3.1: Basic carries urlencode(client_id):urlencode(secret), so ids and
    secrets may contain ':' '+' '%' '@' and spaces."""
    svc = services()
    client_id, secret = "etl.job-1@example", "s3cr:t+%/&= with spaces-0123456789"
    conftest.run_cli("clients", "add", client_id, "--users-file", str(svc.workdir / "users.json"),
                     "--scopes", "predict", stdin=secret + "\n")
    credentials = f"{urllib.parse.quote_plus(client_id)}:{urllib.parse.quote_plus(secret)}"
    header = {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}

    def issued():
        return h.post_token(svc, {"grant_type": "client_credentials"},
                            headers=header).status_code == 200

    conftest.wait_until(issued, timeout=20, interval=0.5)
    token = h.post_token(svc, {"grant_type": "client_credentials"}, headers=header).json()
    assert h.split_token(token["access_token"])[1]["sub"] == client_id
    # The same secret sent without the encoding is not the secret.
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    h.assert_oauth_error(h.post_token(svc, {"grant_type": "client_credentials"},
                                      headers={"Authorization": "Basic " + raw}),
                         401, "invalid_client")


def test_requested_scope_is_narrowed(svc):
    body = assert_token_response(h.post_token(svc, h.password_form("root", scope="predict")),
                                 "predict")
    assert h.split_token(body["access_token"])[1]["scope"] == "predict"
    full = assert_token_response(h.post_token(svc, h.password_form("root")), "predict admin")
    assert set(h.split_token(full["access_token"])[1]["scope"].split()) == {"predict", "admin"}


# ---- RFC 6749 errors -----------------------------------------------------------------------------

def test_wrong_password_is_invalid_grant(svc):
    body = h.assert_oauth_error(h.post_token(svc, h.password_form("alice", password="nope-nope")),
                                400, "invalid_grant")
    assert "access_token" not in body


def test_wrong_client_secret_is_invalid_client(svc):
    r = h.post_token(svc, {"grant_type": "client_credentials"}, auth=(CLIENT_ID, "wrong-secret"))
    h.assert_oauth_error(r, 401, "invalid_client")
    assert r.headers.get("WWW-Authenticate", "").lower().startswith("basic")  # RFC 6749 5.2
    r = h.post_token(svc, {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                           "client_secret": "wrong-secret"})
    h.assert_oauth_error(r, 401, "invalid_client")
    r = h.post_token(svc, {"grant_type": "client_credentials"})
    h.assert_oauth_error(r, 401, "invalid_client")


@pytest.mark.parametrize("grant", ["authorization_code", "implicit", "refresh_token",
                                   "urn:ietf:params:oauth:grant-type:jwt-bearer", "PASSWORD"])
def test_unsupported_grant_type(svc, grant):
    h.assert_oauth_error(h.post_token(svc, h.password_form("alice", grant_type=grant)), 400,
                         "unsupported_grant_type")


@pytest.mark.parametrize("form", [
    {"username": "alice", "password": "alice-password-123"},           # no grant_type
    {"grant_type": "password", "password": "alice-password-123"},      # no username
    {"grant_type": "password", "username": "alice"},                   # no password
    {"grant_type": "password", "username": "alice", "password": ""},
])
def test_missing_parameters_are_invalid_request(svc, form):
    h.assert_oauth_error(h.post_token(svc, form), 400, "invalid_request")


@pytest.mark.parametrize("raw", [
    "grant_type=password&grant_type=password&username=alice&password=alice-password-123",
    "grant_type=password&username=alice&username=root&password=alice-password-123",
    "grant_type=password&username=alice&password=alice-password-123&password=x",
    "grant_type=password&username=alice&password=alice-password-123&scope=predict&scope=admin",
])
def test_repeated_parameters_are_invalid_request(svc, raw):
    """RFC 6749 section 3.2: request parameters MUST NOT be included more than once."""
    h.assert_oauth_error(h.post_token(svc, raw_body=raw), 400, "invalid_request")


def test_not_a_form_body_is_invalid_request(svc):
    r = requests.post(svc.url("/token"), json=h.password_form("alice"), timeout=30)
    h.assert_oauth_error(r, 415, "invalid_request")


def test_scope_not_granted_is_invalid_scope(svc):
    h.assert_oauth_error(h.post_token(svc, h.password_form("alice", scope="admin")), 400,
                         "invalid_scope")
    h.assert_oauth_error(h.post_token(svc, h.password_form("alice", scope="predict admin")), 400,
                         "invalid_scope")
    r = h.post_token(svc, {"grant_type": "client_credentials", "scope": "admin"},
                     auth=(CLIENT_ID, CLIENT_SECRET))
    h.assert_oauth_error(r, 400, "invalid_scope")


def test_get_is_not_allowed(svc):
    r = requests.get(svc.url("/token"), params=h.password_form("alice"), timeout=30)
    assert r.status_code == 405


def test_no_user_enumeration(svc):
    """Unknown user and wrong password: same status, byte-identical body, same headers."""
    known = h.post_token(svc, h.password_form("alice", password="wrong-password-1"))
    unknown = h.post_token(svc, h.password_form("alice", password="wrong-password-1",
                                                username="mallory"))
    assert known.status_code == unknown.status_code == 400
    assert known.content == unknown.content
    assert without_request_id(known.headers) == without_request_id(unknown.headers)


def test_no_client_enumeration(svc):
    for use_basic in (True, False):
        answers = []
        for client_id in (CLIENT_ID, "no-such-client"):
            if use_basic:
                r = h.post_token(svc, {"grant_type": "client_credentials"},
                                 auth=(client_id, "wrong-secret-123"))
            else:
                r = h.post_token(svc, {"grant_type": "client_credentials", "client_id": client_id,
                                       "client_secret": "wrong-secret-123"})
            answers.append(r)
        known, unknown = answers
        assert known.status_code == unknown.status_code == 401
        assert known.content == unknown.content
        assert without_request_id(known.headers) == without_request_id(unknown.headers)


def test_users_are_not_clients_and_clients_are_not_users(svc):
    h.assert_oauth_error(h.post_token(svc, {"grant_type": "client_credentials"},
                                      auth=("alice", conftest.USERS["alice"][0])),
                         401, "invalid_client")
    h.assert_oauth_error(h.post_token(svc, h.password_form("alice", username=CLIENT_ID,
                                                           password=CLIENT_SECRET)),
                         400, "invalid_grant")


# ---- the token itself ----------------------------------------------------------------------------

def test_token_is_an_rfc9068_access_token(keyed):
    svc, _, kid = keyed("EdDSA")
    before = int(time.time())
    response = h.post_token(svc, h.password_form("alice")).json()
    after = int(time.time())
    head, claims, signature = h.split_token(response["access_token"])
    assert head["typ"].lower() in ("at+jwt", "application/at+jwt")
    assert head["alg"] == "EdDSA" and head["kid"] == kid
    assert not set(head) & {"jku", "x5u", "jwk", "x5c"}
    for claim in ("iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scope", "client_id"):
        assert claim in claims, claims
    assert claims["iss"] == h.ISSUER
    assert claims["aud"] in (h.AUDIENCE, [h.AUDIENCE])
    assert claims["sub"] == "alice"
    assert claims["scope"] == "predict"
    assert before - 2 <= claims["iat"] <= after + 2
    assert claims["nbf"] <= claims["iat"] + 1
    assert claims["exp"] - claims["iat"] == response["expires_in"] == 900
    assert len(claims["jti"]) >= 16
    assert len(signature) == 64
    second = h.split_token(h.post_token(svc, h.password_form("alice")).json()["access_token"])
    assert second[1]["jti"] != claims["jti"]


def test_token_lifetime_is_configurable(services):
    svc = services("--token-ttl", "120")
    body = h.post_token(svc, h.password_form("alice")).json()
    assert body["expires_in"] == 120
    claims = h.split_token(body["access_token"])[1]
    assert claims["exp"] - claims["iat"] == 120


@pytest.mark.parametrize("ttl", ["0", "59", "3601", "86400", "-5", "15m", ""])
def test_token_lifetime_is_bounded(tmp_path, ttl):
    """A lifetime outside 60..3600 s is a configuration error: the server refuses to start and
    says which option is wrong and what it accepts."""
    keys_dir = h.make_keys_dir(tmp_path)
    result = serve_refused(conftest.BIN, ["--keys-dir", keys_dir, "--token-ttl", ttl])
    assert_config_refused(result, "--token-ttl must be an integer in [60, 3600]")


def test_custom_issuer_and_audience(services):
    svc = services("--issuer", "https://auth.example", "--audience", "sentiment")
    token = svc.token()
    claims = h.split_token(token)[1]
    assert claims["iss"] == "https://auth.example"
    assert claims["aud"] in ("sentiment", ["sentiment"])
    assert h.predict(svc, token).status_code == 200
    # A token for the default issuer/audience is not valid here.
    keys_dir = svc.workdir / "keys"
    h.assert_invalid_token(h.predict(svc, h.pyjwt_token(keys_dir, "test-key", "EdDSA")))


# ---- JWKS and PyJWT interoperability -----------------------------------------------------------

@pytest.mark.parametrize("alg", h.ALGORITHMS)
def test_jwks_publishes_only_public_keys(keyed, alg):
    svc, _, kid = keyed(alg)
    r = requests.get(svc.url("/.well-known/jwks.json"), timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] in ("application/json",
                                                       "application/jwk-set+json")
    keys = r.json()["keys"]
    assert [k["kid"] for k in keys] == [kid]
    for key in keys:
        assert not set(key) & PRIVATE_JWK_MEMBERS, key
        assert key["alg"] == alg
        assert key.get("use", "sig") == "sig"
        assert key["kty"] in ("OKP", "EC", "RSA")


@pytest.mark.parametrize("alg", h.ALGORITHMS)
def test_our_tokens_verify_with_pyjwt_against_jwks(keyed, alg):
    svc, _, kid = keyed(alg)
    for token in (svc.token(), svc.client_token()):
        assert jwt.get_unverified_header(token)["alg"] == alg
        claims = h.pyjwt_verify(svc, token)
        assert claims["sub"] in ("alice", CLIENT_ID)
    tampered = svc.token()[:-4] + "AAAA"
    with pytest.raises(jwt.InvalidTokenError):
        h.pyjwt_verify(svc, tampered)


@pytest.mark.parametrize("alg", h.ALGORITHMS)
def test_pyjwt_tokens_signed_with_our_key_verify_here(keyed, alg):
    svc, keys_dir, kid = keyed(alg)
    token = h.pyjwt_token(keys_dir, kid, alg)
    r = h.predict(svc, token)
    assert r.status_code == 200, r.text
    assert r.json()["user"] == "alice"
    # And PyJWT's token with a scope that lacks predict is refused by scope, not signature.
    r = h.predict(svc, h.pyjwt_token(keys_dir, kid, alg, scope="admin"))
    assert r.status_code == 403


def test_hs256_keys_interoperate_and_are_never_published(keyed):
    svc, keys_dir, kid = keyed("HS256")
    secret = (keys_dir / f"{kid}.hs256").read_bytes()
    assert len(secret) >= 32
    assert h.fetch_jwks(svc)["keys"] == []
    token = svc.token()
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, secret, algorithms=["HS256"], audience=h.AUDIENCE, issuer=h.ISSUER)
    assert claims["sub"] == "alice"
    mine = jwt.encode(h.claims(), secret, algorithm="HS256", headers={"kid": kid, "typ": "at+jwt"})
    assert h.predict(svc, mine).status_code == 200


def test_several_keys_one_signing_key(tmp_path):
    """Rotation layout: every key in the directory verifies, --signing-kid picks the signer,
    and all public keys are published."""
    keys_dir = h.prepare_workdir(tmp_path, "EdDSA", "ed-1") / "keys"
    h.generate_key(keys_dir, "ES256", "es-1")
    h.generate_key(keys_dir, "RS256", "rs-1")
    svc = conftest.start_service(tmp_path, "--signing-kid", "es-1")
    try:
        token = svc.token()
        assert jwt.get_unverified_header(token)["kid"] == "es-1"
        h.pyjwt_verify(svc, token)
        assert {k["kid"] for k in h.fetch_jwks(svc)["keys"]} == {"ed-1", "es-1", "rs-1"}
        for kid, alg in (("ed-1", "EdDSA"), ("es-1", "ES256"), ("rs-1", "RS256")):
            assert h.predict(svc, h.pyjwt_token(keys_dir, kid, alg)).status_code == 200
            # The key's algorithm is fixed: the ES256 key cannot be used under another label.
        h.assert_invalid_token(h.predict(svc, h.sign_token(
            "EdDSA", h.private_pem(keys_dir, "ed-1"), h.header("EdDSA", "es-1"), h.claims())))
    finally:
        svc.stop()


# ---- users file reloads -------------------------------------------------------------------------

def add_user(svc, name, password, scopes="predict"):
    conftest.run_cli("users", "add", name, "--users-file", str(svc.workdir / "users.json"),
                     "--scopes", scopes, stdin=password + "\n")


def can_log_in(svc, name, password):
    return h.post_token(svc, h.password_form("alice", username=name,
                                             password=password)).status_code == 200


def test_users_file_change_is_picked_up_without_restart(services):
    svc = services()
    assert not can_log_in(svc, "carol", "carol-password-123")
    add_user(svc, "carol", "carol-password-123")
    conftest.wait_until(lambda: can_log_in(svc, "carol", "carol-password-123"), timeout=20,
                        interval=0.5)
    token = h.post_token(svc, h.password_form("alice", username="carol",
                                              password="carol-password-123")).json()
    assert h.predict(svc, token["access_token"]).status_code == 200
    # Removal is picked up the same way.
    conftest.run_cli("users", "remove", "carol", "--users-file", str(svc.workdir / "users.json"))
    conftest.wait_until(lambda: not can_log_in(svc, "carol", "carol-password-123"), timeout=20,
                        interval=0.5)
    assert svc.alive()


def reload_events(svc):
    return [line for line in svc.log_lines() if line.get("event") == "users.reload"]


def test_sighup_rereads_the_users_file(services):
    svc = services()
    conftest.wait_until(lambda: len(reload_events(svc)) >= 1, timeout=10)
    before = len(reload_events(svc))
    svc.proc.send_signal(signal.SIGHUP)  # unchanged file: SIGHUP alone forces a reload
    conftest.wait_until(lambda: len(reload_events(svc)) > before, timeout=20)
    add_user(svc, "dave", "dave-password-1234")
    svc.proc.send_signal(signal.SIGHUP)
    conftest.wait_until(lambda: can_log_in(svc, "dave", "dave-password-1234"), timeout=20,
                        interval=0.5)
    assert svc.alive()
    assert h.predict(svc, svc.token()).status_code == 200


def test_broken_users_file_keeps_the_previous_accounts(services):
    svc = services()
    users_file = svc.workdir / "users.json"
    users_file.write_text('{"users": [ this is not json')
    svc.proc.send_signal(signal.SIGHUP)
    conftest.wait_until(lambda: any(line.get("level") == "error" for line in reload_events(svc)),
                        timeout=20)
    assert svc.alive()
    assert can_log_in(svc, "alice", conftest.USERS["alice"][0])


def test_users_file_holds_argon2id_hashes_only(svc):
    text = (svc.workdir / "users.json").read_text()
    assert "$argon2id$" in text
    for password, _ in list(conftest.USERS.values()) + list(conftest.CLIENTS.values()):
        assert password not in text


# ---- revocation (RFC 7009) -----------------------------------------------------------------------

def test_owner_revokes_own_token(svc):
    token = svc.token()
    assert h.predict(svc, token).status_code == 200
    r = h.revoke(svc, token, token)
    assert r.status_code == 200, r.text
    h.assert_invalid_token(h.predict(svc, token))
    # Another token of the same user is unaffected.
    assert h.predict(svc, svc.token()).status_code == 200


def test_revoking_another_users_token_needs_admin(svc):
    victim = svc.token("alice")
    other = svc.client_token()  # batch-job: predict only
    r = h.revoke(svc, victim, other)
    assert r.status_code == 403, r.text
    assert h.predict(svc, victim).status_code == 200
    admin = svc.token("root")
    r = h.revoke(svc, victim, admin)
    assert r.status_code == 200, r.text
    h.assert_invalid_token(h.predict(svc, victim))


def test_revocation_requires_authentication(svc):
    token = svc.token()
    r = requests.post(svc.url("/token/revoke"), data={"token": token}, timeout=30)
    assert r.status_code == 401
    assert h.predict(svc, token).status_code == 200
    garbage = h.revoke(svc, token, "not.a.token")
    h.assert_invalid_token(garbage)
    assert h.predict(svc, token).status_code == 200


def test_revoking_an_invalid_token_is_not_an_error(svc):
    """RFC 7009 section 2.2: invalid tokens do not cause an error response."""
    caller = svc.token()
    assert h.revoke(svc, "not-a-token", caller).status_code == 200
    r = requests.post(svc.url("/token/revoke"), data={"token": ""},
                      headers={"Authorization": f"Bearer {caller}"}, timeout=30)
    h.assert_oauth_error(r, 400, "invalid_request")


def test_revocation_is_audited_without_the_token(svc):
    token = svc.token()
    assert h.revoke(svc, token, token).status_code == 200
    conftest.wait_until(lambda: any(line.get("event") == "token.revoked"
                                    for line in svc.log_lines()), timeout=10)
    text = svc.log_text()
    assert token not in text and token.split(".")[2] not in text
    assert conftest.USERS["alice"][0] not in text


# ---- RFC 6750 responses at the protected routes --------------------------------------------------

def test_missing_token_is_401_without_error_code(svc):
    for headers in ({}, {"Authorization": "Basic YWxpY2U6cHc="}):
        r = requests.post(svc.url("/predict"), json={"text": "good"}, headers=headers, timeout=30)
        assert r.status_code == 401
        challenge = r.headers["WWW-Authenticate"]
        assert challenge.startswith("Bearer ") and 'realm="' in challenge
        assert "error=" not in challenge, challenge


def test_token_without_predict_scope_is_403_insufficient_scope(svc):
    for token in (svc.token("nobody"), svc.token("root", scope="admin")):
        r = h.predict(svc, token)
        assert r.status_code == 403, r.text
        challenge = r.headers["WWW-Authenticate"]
        assert challenge.startswith("Bearer ")
        assert 'error="insufficient_scope"' in challenge, challenge
        assert 'scope="predict"' in challenge, challenge


def test_auth_metrics_are_counted(svc):
    svc.token()
    h.post_token(svc, h.password_form("alice", password="definitely-wrong"))
    text = requests.get(svc.url("/metrics"), timeout=30).text
    issued = [line for line in text.splitlines()
              if line.startswith("smlapi_auth_tokens_issued_total")
              and 'grant_type="password"' in line]
    failures = [line for line in text.splitlines() if line.startswith("smlapi_auth_failures_total")]
    assert issued and float(issued[0].split()[-1]) >= 1
    assert failures and any(float(line.split()[-1]) >= 1 for line in failures)
