"""Shared helpers for the identity/access and abuse-protection integration tests.

Tokens are built two ways on purpose: by hand (base64url + JSON, so malformed
tokens that no JWT library would produce can be sent) and with PyJWT (Debian
python3-jwt), an implementation independent of the service's own.
"""
import atexit
import base64
import hashlib
import hmac
import json
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from jwt.algorithms import get_default_algorithms

import conftest

ISSUER = "secure-ml-api"  # service defaults (--issuer / --audience)
AUDIENCE = "secure-ml-api"
REQUEST_TIMEOUT = 30
ALGORITHMS = ("EdDSA", "ES256", "RS256")


# ---- encoding -----------------------------------------------------------------------------

def b64url(data):
    """Strict base64url without padding (RFC 7515 section 2)."""
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(segment):
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def json_segment(value):
    """A JSON object (dict) or raw JSON text (str, e.g. with duplicate keys) as a segment."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return b64url(text)


def split_token(token):
    header, payload, signature = token.split(".")
    return (json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)),
            b64url_decode(signature))


# ---- service working directories -----------------------------------------------------------------

_users_template = None


def users_template():
    """conftest's users file, built once per run: each Argon2id hash costs real time, and
    start_service would otherwise rebuild it for every service."""
    global _users_template  # noqa: PLW0603 - a per-process cache of an immutable file
    if _users_template is None:
        directory = tempfile.mkdtemp(prefix="smlapi-users-")
        atexit.register(shutil.rmtree, directory, True)
        _users_template = conftest.make_users_file(Path(directory) / "users.json")
    return _users_template


def prepare_workdir(workdir, alg=None, kid="test-key"):
    """A workdir start_service will use as is: a copy of the users file, and a keys dir with
    one `alg` key when alg is given (else start_service generates an EdDSA key)."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(users_template(), workdir / "users.json")
    if alg is not None:
        make_keys_dir(workdir, alg, kid)
    return workdir


@pytest.fixture(name="services")
def services_fixture(tmp_path):
    """Like conftest.fresh_service, with the cached users file; stops every service it started."""
    started = []

    def start(*args, alg=None, kid="test-key", **kwargs):
        workdir = prepare_workdir(tmp_path / f"svc{len(started)}", alg, kid)
        svc = conftest.start_service(workdir, *args, **kwargs)
        started.append(svc)
        return svc

    yield start
    for svc in started:
        svc.stop()


# ---- keys ---------------------------------------------------------------------------------

def make_keys_dir(workdir, alg="EdDSA", kid="test-key"):
    """Creates workdir/keys with one generated key (before start_service, which then uses it)."""
    keys_dir = Path(workdir) / "keys"
    generate_key(keys_dir, alg, kid)
    return keys_dir


def generate_key(keys_dir, alg, kid):
    conftest.run_cli("keys", "generate", "--alg", alg, "--kid", kid, "--out", str(keys_dir))
    return Path(keys_dir)


def private_pem(keys_dir, kid):
    return (Path(keys_dir) / f"{kid}.pem").read_bytes()


def public_pem(keys_dir, kid):
    return (Path(keys_dir) / f"{kid}.pub.pem").read_bytes()


# ---- claims and signing ---------------------------------------------------------------------

def claims(sub="alice", scope="predict", lifetime=300, now=None, **overrides):
    """A claim set the service accepts (RFC 9068) unless overridden."""
    now = int(time.time()) if now is None else now
    body = {"iss": ISSUER, "sub": sub, "aud": AUDIENCE, "iat": now, "nbf": now,
            "exp": now + lifetime, "jti": uuid.uuid4().hex, "scope": scope,
            "client_id": "integration-test", "gty": "password"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def header(alg, kid, **extra):
    head = {"alg": alg, "typ": "at+jwt", "kid": kid}
    head.update(extra)
    return head


# Order n of the P-256 group. ECDSA (r, s) and (r, n-s) both verify; the service accepts only
# the low-S spelling (s <= n/2), while PyJWT/cryptography return either half.
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def negate_s(jose_signature):
    """The other spelling r||(n-s) of an ES256 JOSE signature."""
    s = int.from_bytes(jose_signature[32:], "big")
    return jose_signature[:32] + (P256_ORDER - s).to_bytes(32, "big")


def low_s(jose_signature):
    """The low-S spelling of an ES256 JOSE signature (the same signature)."""
    s = int.from_bytes(jose_signature[32:], "big")
    return jose_signature if s <= P256_ORDER // 2 else negate_s(jose_signature)


def sign_raw(alg, key, signing_input):
    """Signature bytes in JOSE form (ECDSA r||s, low-S) computed by PyJWT's algorithm objects."""
    if isinstance(signing_input, str):
        signing_input = signing_input.encode()
    algorithm = get_default_algorithms()[alg]
    signature = algorithm.sign(signing_input, algorithm.prepare_key(key))
    return low_s(signature) if alg == "ES256" else signature


def forge(head, payload, signature=b""):
    """Compact JWS from a header/payload (dict or raw JSON text) and signature bytes or text."""
    signature = signature if isinstance(signature, str) else b64url(signature)
    return f"{json_segment(head)}.{json_segment(payload)}.{signature}"


def sign_segments(alg, key, head_segment, payload_segment):
    """Signs already-encoded segments (so malformed segments still carry a valid signature)."""
    signing_input = f"{head_segment}.{payload_segment}"
    return f"{signing_input}.{b64url(sign_raw(alg, key, signing_input))}"


def sign_token(alg, key, head, payload):
    """Compact JWS with a real signature over exactly the given header/payload encoding."""
    return sign_segments(alg, key, json_segment(head), json_segment(payload))


def pyjwt_token(keys_dir, kid, alg, **claim_overrides):
    """A token PyJWT signs with the service's private key (interop, other direction)."""
    token = jwt.encode(claims(**claim_overrides), private_pem(keys_dir, kid), algorithm=alg,
                       headers={"kid": kid, "typ": "at+jwt"})
    if alg != "ES256":
        return token
    signing_input, signature = token.rsplit(".", 1)
    return f"{signing_input}.{b64url(low_s(b64url_decode(signature)))}"


def hs256_with_secret(secret, kid, payload):
    """HS256 computed by hand: PyJWT refuses PEM keys as HMAC secrets (the confusion attack)."""
    head_segment = json_segment(header("HS256", kid))
    payload_segment = json_segment(payload)
    signing_input = f"{head_segment}.{payload_segment}".encode()
    mac = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return f"{head_segment}.{payload_segment}.{b64url(mac)}"


# ---- HTTP -----------------------------------------------------------------------------------

def predict(svc, token, text="what a good day", headers=None):
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    return requests.post(svc.url("/predict"), json={"text": text}, headers=all_headers,
                         timeout=REQUEST_TIMEOUT)


def post_token(svc, data=None, auth=None, headers=None, raw_body=None):
    if raw_body is not None:
        all_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        all_headers.update(headers or {})
        return requests.post(svc.url("/token"), data=raw_body, auth=auth, headers=all_headers,
                             timeout=REQUEST_TIMEOUT)
    return requests.post(svc.url("/token"), data=data, auth=auth, headers=headers,
                         timeout=REQUEST_TIMEOUT)


def password_form(user="alice", password=None, **extra):
    form = {"grant_type": "password", "username": user,
            "password": conftest.USERS[user][0] if password is None else password}
    form.update(extra)
    return form


def guess_until_locked(services, user="alice", min_retry_after=4, timeout=90):
    """Wrong passwords for `user`, round-robin over `services`, until a 429 announces a
    lock-out of at least `min_retry_after` s (the back-off doubles after each counted failure,
    so a long enough lock-out is reached after a few rounds). A long lock-out lets the caller
    check "refused while locked" without depending on how fast the machine is.
    Returns the statuses and the Retry-After values seen, in order."""
    statuses, waits = [], []

    def locked_long_enough():
        svc = services[len(statuses) % len(services)]
        r = post_token(svc, password_form(user, password=f"guess-{len(statuses)}"))
        statuses.append(r.status_code)
        if r.status_code != 429:
            assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
            return False
        wait = r.headers.get("Retry-After", "")
        assert wait.isdigit() and int(wait) >= 1, wait
        waits.append(int(wait))
        return int(wait) >= min_retry_after

    conftest.wait_until(locked_long_enough, timeout=timeout, interval=0.25)
    return statuses, waits


def revoke(svc, token, caller_token):
    return requests.post(svc.url("/token/revoke"), data={"token": token},
                         headers={"Authorization": f"Bearer {caller_token}"},
                         timeout=REQUEST_TIMEOUT)


def fetch_jwks(svc):
    r = requests.get(svc.url("/.well-known/jwks.json"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()


def pyjwt_verify(svc, token):
    """Verifies one of our tokens with PyJWT against the published JWKS only."""
    head = jwt.get_unverified_header(token)
    jwk_set = jwt.PyJWKSet.from_dict(fetch_jwks(svc))
    key = next(k for k in jwk_set.keys if k.key_id == head["kid"])
    return jwt.decode(token, key.key, algorithms=[head["alg"]], audience=AUDIENCE,
                      issuer=ISSUER, options={"require": ["exp", "iat", "nbf", "iss", "aud",
                                                          "sub", "jti"]})


# ---- assertions -----------------------------------------------------------------------------

def assert_invalid_token(response):
    """RFC 6750 section 3.1: 401 with a Bearer challenge carrying error="invalid_token"."""
    assert response.status_code == 401, (response.status_code, response.text)
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer "), challenge
    assert 'realm="' in challenge, challenge
    assert 'error="invalid_token"' in challenge, challenge
    assert response.headers["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def assert_oauth_error(response, status, error):
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error, body
    assert response.headers.get("Cache-Control") == "no-store"
    return body
