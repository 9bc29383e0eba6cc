"""Federation: access tokens of external OpenID providers accepted beside the local issuer.

A real OpenID provider (authlib + Flask over HTTPS, tests/integration/oidc_provider.py) runs on
loopback with four issuers whose tokens are shaped like Keycloak's, Entra ID's, Cognito's and
Okta's; the real binary trusts them through --trusted-issuers / --oidc-issuer and fetches their
keys (discovery, JWKS) over verified TLS with --oidc-ca-file.
"""
import base64
import hashlib
import hmac
import json
import time

import pytest
import requests

from conftest import BIN, start_service, wait_until
from helpers_core import assert_config_refused, serve_refused
from oidc_provider import AUDIENCE, SHAPES, Provider

PREDICT = "/predict"


def predict(svc, token, session=None):
    return (session or requests).post(svc.url(PREDICT), json={"text": "what a good day"},
                                      headers={"Authorization": f"Bearer {token}"}, timeout=30)


def provider_token(provider, shape, client="app"):
    """A token from the provider's real token endpoint (client_credentials, Basic auth)."""
    secret = f"{shape}-secret" if client == "app" else f"{shape}-secret2"
    r = requests.post(provider.issuer(shape) + "/token", data={"grant_type": "client_credentials"},
                      auth=(f"{shape}-{client}", secret), verify=str(provider.ca_file), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def issuers_file(path, provider):
    """How an operator would configure each provider."""
    issuers = [
        {"name": "keycloak", "issuer": provider.issuer("keycloak"), "audiences": [AUDIENCE],
         "typ": ["JWT", "at+jwt"], "scope_claims": ["scope"], "client_claims": ["azp"]},
        {"name": "entra", "issuer": provider.issuer("entra"), "audiences": [AUDIENCE],
         "typ": ["JWT"], "scope_claims": ["scp", "roles"], "client_claims": ["azp", "appid"]},
        {"name": "cognito", "issuer": provider.issuer("cognito"),
         "allowed_clients": ["cognito-app", "cognito-noscope"], "typ": [],
         "allow_missing_typ": True, "scope_claims": ["scope"],
         "scope_prefix": "secure-ml-api/", "client_claims": ["client_id"],
         "token_use": "access"},
        {"name": "okta", "issuer": provider.issuer("okta"), "audiences": [AUDIENCE],
         "typ": ["at+jwt"], "allow_missing_typ": True, "scope_claims": ["scp"],
         "client_claims": ["cid"], "require_jti": True, "algorithms": ["ES256"]},
    ]
    path.write_text(json.dumps(issuers))
    path.chmod(0o644)
    return path


def federated_service(workdir, provider, *extra):
    workdir.mkdir(parents=True, exist_ok=True)
    path = issuers_file(workdir / "issuers.json", provider)
    return start_service(workdir / "svc", "--trusted-issuers", path,
                         "--oidc-ca-file", provider.ca_file,
                         "--jwks-min-refresh-interval", "1s", *extra)


def keys_loaded(svc, name):
    return any(line.get("event") == "federation.keys" and f"issuer {name}:" in line.get("message", "")
               for line in svc.log_lines())


def wait_for_keys(svc, *names):
    for name in names:
        wait_until(lambda: keys_loaded(svc, name), timeout=60)


def assert_invalid_token(response):
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers.get("WWW-Authenticate", "")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    p = Provider(tmp_path_factory.mktemp("provider")).start()
    yield p
    p.stop()


@pytest.fixture(scope="module")
def svc(provider, tmp_path_factory):
    service = federated_service(tmp_path_factory.mktemp("federated"), provider)
    wait_for_keys(service, *SHAPES)
    yield service
    service.stop()


@pytest.mark.parametrize("shape", SHAPES)
def test_each_provider_shape_predicts_with_the_scope(svc, provider, shape):
    response = predict(svc, provider_token(provider, shape))
    assert response.status_code == 200, response.text
    assert "label" in response.json() or response.json()


@pytest.mark.parametrize("shape", SHAPES)
def test_each_provider_shape_without_the_scope_is_forbidden(svc, provider, shape):
    response = predict(svc, provider_token(provider, shape, client="noscope"))
    assert response.status_code == 403, response.text
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_local_tokens_keep_working_beside_federation(svc):
    assert predict(svc, svc.token()).status_code == 200
    assert predict(svc, svc.client_token()).status_code == 200


def test_encryption_keys_in_the_jwks_are_skipped(svc):
    line = next(l for l in svc.log_lines() if l.get("event") == "federation.keys"
                and "issuer keycloak:" in l.get("message", ""))
    assert "unusable keys skipped" in line["message"]
    assert "keycloak-enc" not in line["message"]


def hs256(secret, header, payload):
    def segment(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    signing_input = f"{segment(header)}.{segment(payload)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def unsigned(header, payload):
    def segment(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{segment(header)}.{segment(payload)}."


REJECTED = {
    "wrong_audience": lambda p: p.mint("keycloak", claims={"aud": "account"}),
    "entra_other_api": lambda p: p.mint("entra", claims={"aud": "api://other-service"}),
    "okta_wrong_audience": lambda p: p.mint("okta", claims={"aud": "api://default"}),
    "unknown_issuer": lambda p: p.mint("keycloak", claims={"iss": p.base + "/realms/other"}),
    "expired": lambda p: p.mint("keycloak", claims={"exp": int(time.time()) - 600,
                                                   "iat": int(time.time()) - 900}),
    "not_yet_valid": lambda p: p.mint("entra", claims={"nbf": int(time.time()) + 600}),
    "issued_in_future": lambda p: p.mint("entra", claims={"iat": int(time.time()) + 600}),
    "unknown_kid": lambda p: p.mint("keycloak", header={"kid": "no-such-kid"}),
    "no_kid": None,  # built in the test: a header without the member
    "signed_by_another_key": lambda p: p.mint(
        "keycloak", key=p.keys["entra"][0], header={"kid": p.keys["keycloak"][-1].kid}),
    "another_issuers_key": lambda p: p.mint("keycloak", key=p.keys["entra"][0]),
    "alg_none": lambda p: unsigned({"alg": "none", "kid": p.keys["keycloak"][-1].kid},
                                   p.claims("keycloak", "keycloak-app", ["predict"])),
    "hs256_with_the_public_key": lambda p: hs256(
        json.dumps(p.keys["keycloak"][-1].as_dict(is_private=False)).encode(),
        {"alg": "HS256", "kid": p.keys["keycloak"][-1].kid, "typ": "JWT"},
        p.claims("keycloak", "keycloak-app", ["predict"])),
    "jku_header": lambda p: p.mint("keycloak", header={"jku": p.issuer("keycloak") + "/jwks"}),
    "typ_not_accepted": lambda p: p.mint("entra", header={"typ": "id+jwt"}),
    "entra_without_typ": None,
    "okta_rs256_not_trusted": lambda p: p.mint("okta", key=p.keys["keycloak"][0],
                                               header={"kid": p.keys["okta"][-1].kid}),
    "okta_without_jti": lambda p: p.mint("okta", drop=("jti",)),
    "cognito_id_token": lambda p: p.mint("cognito", claims={"token_use": "id"}),
    "cognito_other_client": lambda p: p.mint("cognito", client_id="someone-else"),
    "no_subject": lambda p: p.mint("keycloak", drop=("sub",)),
    "no_exp": lambda p: p.mint("keycloak", drop=("exp",)),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_bad_external_tokens_get_401(svc, provider, case):
    make = REJECTED[case]
    if case in ("no_kid", "entra_without_typ"):
        shape = "keycloak" if case == "no_kid" else "entra"
        key = provider.keys[shape][-1]
        header = provider.header(shape, key)
        header.pop("kid" if case == "no_kid" else "typ")
        token = provider.sign(header, provider.claims(shape, f"{shape}-app", ["predict"]), key)
    else:
        token = make(provider)
    assert_invalid_token(predict(svc, token))


def test_every_rejection_case_is_a_valid_token_once_fixed(svc, provider):
    """The negative cases above differ from an accepted token only by what they break."""
    for shape in SHAPES:
        assert predict(svc, provider.mint(shape)).status_code == 200, shape


def test_oidc_issuer_flag_uses_discovery(provider, tmp_path):
    local = start_service(tmp_path / "svc", "--oidc-issuer", provider.issuer("keycloak"),
                          "--oidc-audience", AUDIENCE, "--oidc-ca-file", provider.ca_file)
    try:
        wait_for_keys(local, "oidc")
        assert predict(local, provider_token(provider, "keycloak")).status_code == 200
        # The permissive defaults of the flag accept the other shapes' typ/claims too, but not
        # another issuer's tokens.
        assert_invalid_token(predict(local, provider_token(provider, "entra")))
        assert predict(local, local.token()).status_code == 200
    finally:
        local.stop()


def test_jwks_url_flag_skips_discovery(provider, tmp_path):
    local = start_service(tmp_path / "svc", "--oidc-issuer", provider.issuer("entra"),
                          "--jwks-url", provider.issuer("entra") + "/jwks",
                          "--oidc-audience", AUDIENCE, "--oidc-ca-file", provider.ca_file)
    try:
        wait_for_keys(local, "oidc")
        assert predict(local, provider_token(provider, "entra")).status_code == 200
    finally:
        local.stop()


def test_key_rotation_at_the_provider_is_picked_up_without_restart(tmp_path):
    provider = Provider(tmp_path / "provider").start()
    service = federated_service(tmp_path / "fed", provider)
    try:
        wait_for_keys(service, "keycloak")
        # One keep-alive connection: one worker, whose cache holds the old token.
        session = requests.Session()
        old = provider.mint("keycloak")
        assert predict(service, old, session).status_code == 200
        fetches = provider.jwks_fetches["keycloak"]
        provider.rotate("keycloak")
        new = provider.mint("keycloak")
        # The first request names an unknown kid: 401 at once (no worker waits for the
        # network) and a refresh is asked for; a later one finds the new key.
        wait_until(lambda: predict(service, new, session).status_code == 200, timeout=60,
                   interval=0.3)
        assert provider.jwks_fetches["keycloak"] > fetches
        # The old key left the JWKS: its tokens stop working, cached or not.
        assert_invalid_token(predict(service, old, session))
    finally:
        service.stop()
        provider.stop()


def test_unknown_kids_do_not_hammer_the_provider(tmp_path):
    provider = Provider(tmp_path / "provider").start()
    service = federated_service(tmp_path / "fed", provider, "--jwks-min-refresh-interval", "10m")
    try:
        wait_for_keys(service, "keycloak")
        before = provider.jwks_fetches["keycloak"]
        for i in range(20):
            assert_invalid_token(predict(service, provider.mint("keycloak",
                                                                header={"kid": f"made-up-{i}"})))
        time.sleep(1)
        assert provider.jwks_fetches["keycloak"] <= before + 1
    finally:
        service.stop()
        provider.stop()


def test_provider_down_keeps_local_tokens_and_the_last_good_keys(tmp_path):
    provider = Provider(tmp_path / "provider").start()
    service = federated_service(tmp_path / "fed", provider)
    try:
        wait_for_keys(service, "keycloak")
        external = provider.mint("keycloak")
        provider.stop()
        assert predict(service, service.token()).status_code == 200
        assert predict(service, external).status_code == 200
        # An unknown kid now makes a refresh that fails: logged, the last good keys stay.
        assert_invalid_token(predict(service, provider.mint("keycloak", header={"kid": "k9"})))
        wait_until(lambda: any(l.get("event") == "federation.keys_failed"
                               and "keeping the last good keys" in l.get("message", "")
                               for l in service.log_lines()), timeout=60)
        assert predict(service, provider.mint("keycloak")).status_code == 200
        assert predict(service, service.token()).status_code == 200
    finally:
        service.stop()
        provider.stop()


def test_provider_down_at_start_up_is_ready_and_refuses_external_tokens(tmp_path):
    provider = Provider(tmp_path / "provider")  # never started: nothing listens
    provider.port = 1
    service = federated_service(tmp_path / "fed", provider)
    try:
        assert requests.get(service.url("/readyz"), timeout=5).status_code == 200
        assert predict(service, service.token()).status_code == 200
        assert_invalid_token(predict(service, provider.mint("keycloak")))
        wait_until(lambda: any(l.get("event") == "federation.keys_failed"
                               and "401 until keys arrive" in l.get("message", "")
                               for l in service.log_lines()), timeout=60)
    finally:
        service.stop()


def test_untrusted_certificate_is_refused(tmp_path):
    provider = Provider(tmp_path / "provider").start()
    path = issuers_file(tmp_path / "issuers.json", provider)
    service = start_service(tmp_path / "svc", "--trusted-issuers", path,
                            "--oidc-ca-file", provider.other_ca_file)
    try:
        wait_until(lambda: any(l.get("event") == "federation.keys_failed"
                               and "TLS handshake" in l.get("message", "")
                               for l in service.log_lines()), timeout=60)
        assert_invalid_token(predict(service, provider_token(provider, "keycloak")))
        assert predict(service, service.token()).status_code == 200
    finally:
        service.stop()
        provider.stop()


@pytest.mark.parametrize("override,reason", [
    ({"jwks_uri": "http://127.0.0.1:1/jwks"}, "must start with https://"),
    ({"issuer": "https://127.0.0.1:1/realms/test"}, "another issuer"),
])
def test_discovery_document_is_checked(tmp_path, override, reason):
    provider = Provider(tmp_path / "provider").start()
    provider.discovery_override["keycloak"] = override
    service = start_service(tmp_path / "svc", "--oidc-issuer", provider.issuer("keycloak"),
                            "--oidc-audience", AUDIENCE, "--oidc-ca-file", provider.ca_file)
    try:
        wait_until(lambda: any(l.get("event") == "federation.keys_failed"
                               and reason in l.get("message", "") for l in service.log_lines()),
                   timeout=60)
        assert_invalid_token(predict(service, provider_token(provider, "keycloak")))
    finally:
        service.stop()
        provider.stop()


@pytest.mark.parametrize("args,fragment", [
    (["--oidc-issuer", "http://127.0.0.1:9/realms/x", "--oidc-audience", "a"], "https://"),
    (["--oidc-issuer", "https://127.0.0.1:9/realms/x"], "--oidc-audience"),
    (["--jwks-url", "https://127.0.0.1:9/jwks"], "--oidc-issuer"),
    (["--oidc-issuer", "https://127.0.0.1:9/x", "--oidc-audience", "a",
      "--jwks-url", "https://user@127.0.0.1:9/jwks"], "user information"),
    (["--oidc-issuer", "secure-ml-api", "--oidc-audience", "a",
      "--jwks-url", "https://127.0.0.1:9/jwks"], "local --issuer"),
])
def test_bad_federation_flags_are_refused(args, fragment):
    assert_config_refused(serve_refused(BIN, args), fragment)


@pytest.mark.parametrize("entry,fragment", [
    ({"name": "x", "issuer": "https://127.0.0.1:9/x", "audience": ["a"]}, "member 'audience' is unknown"),
    ({"name": "x", "issuer": "https://127.0.0.1:9/x"}, "audiences"),
    ({"name": "x", "issuer": "https://127.0.0.1:9/x", "audiences": ["a"],
      "algorithms": ["HS256"]}, "algorithms"),
])
def test_bad_trusted_issuers_file_is_refused(tmp_path, entry, fragment):
    path = tmp_path / "issuers.json"
    path.write_text(json.dumps([entry]))
    path.chmod(0o644)
    assert_config_refused(serve_refused(BIN, ["--trusted-issuers", path]), fragment)


def test_group_writable_oidc_ca_file_is_refused(tmp_path):
    provider = Provider(tmp_path / "provider")
    provider.ca_file.chmod(0o666)
    assert_config_refused(serve_refused(BIN, ["--oidc-issuer", "https://127.0.0.1:9/x",
                                              "--oidc-audience", "a",
                                              "--oidc-ca-file", provider.ca_file]),
                          "--oidc-ca-file: ", "writable by group or others")


def test_group_writable_trusted_issuers_file_is_refused(tmp_path):
    path = tmp_path / "issuers.json"
    path.write_text(json.dumps([{"name": "x", "issuer": "https://127.0.0.1:9/x",
                                 "audiences": ["a"]}]))
    path.chmod(0o664)
    assert_config_refused(serve_refused(BIN, ["--trusted-issuers", path]), "--trusted-issuers: ",
                          "writable by group or others")
