"""Attack battery against bearer-token verification at POST /predict (issue 4).

Every forged token must be answered with 401 and an RFC 6750 invalid_token
challenge - never 200, never 5xx. Each family of forgeries has a control: the
same construction without the flaw is accepted, so a 401 means the flaw was
caught and not that the construction itself was broken.
"""
import hashlib
import hmac
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key

import conftest
import helpers_auth as h
from helpers_auth import services_fixture  # noqa: F401 - provides the `services` fixture

KID = "test-key"
KEY_ALGS = ("EdDSA", "ES256", "RS256")
# Order of the P-256 group: r or s equal to it (or 0) must be rejected (CVE-2022-21449 class).
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class KeyedService:
    def __init__(self, svc, keys_dir, alg):
        self.svc = svc
        self.keys_dir = keys_dir
        self.alg = alg
        self.private = h.private_pem(keys_dir, KID)
        self.public = h.public_pem(keys_dir, KID)

    def sign(self, payload=None, **header_extra):
        payload = h.claims() if payload is None else payload
        return h.sign_token(self.alg, self.private, h.header(self.alg, KID, **header_extra),
                            payload)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    """alg -> a running service whose only key is a fresh `alg` key with kid test-key."""
    started = {}

    def get(alg):
        if alg not in started:
            workdir = h.prepare_workdir(tmp_path_factory.mktemp(f"attacks-{alg}"), alg, KID)
            keys_dir = workdir / "keys"
            started[alg] = KeyedService(conftest.start_service(workdir), keys_dir, alg)
        return started[alg]

    yield get
    for keyed_service in started.values():
        keyed_service.svc.stop()


@pytest.fixture(params=KEY_ALGS)
def target(request, keyed):
    return keyed(request.param)


def attack(target, token):
    h.assert_invalid_token(h.predict(target.svc, token))


# ---- controls ---------------------------------------------------------------------------------

def test_control_hand_built_token_is_accepted(target):
    r = h.predict(target.svc, target.sign())
    assert r.status_code == 200, r.text
    assert r.json()["user"] == "alice"


def test_control_issued_token_is_accepted(target):
    assert h.predict(target.svc, target.svc.token()).status_code == 200


# ---- algorithm confusion -----------------------------------------------------------------------

@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", "NoNe"])
def test_alg_none_any_case(target, alg):
    head = h.header(alg, KID)
    attack(target, h.forge(head, h.claims()))                    # "h.p." (empty signature)
    attack(target, h.forge(head, h.claims()) + "AAAA")           # some signature
    good = target.sign()
    attack(target, h.forge(head, h.claims(), good.split(".")[2]))  # a real signature kept


def test_alg_none_without_kid_and_typ(target):
    attack(target, h.forge({"alg": "none"}, h.claims()))
    attack(target, h.forge({"alg": "none", "typ": "JWT"}, h.claims()))


@pytest.mark.parametrize("variant", ["pem", "pem-stripped", "der", "jwk", "private-pem"])
def test_hs256_signed_with_the_public_key(target, variant):
    """RS/HS confusion: the verifier must not use the asymmetric key as an HMAC secret."""
    if variant == "der":
        secret = serialization.load_pem_public_key(target.public).public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    elif variant == "jwk":
        secret = json.dumps(h.fetch_jwks(target.svc)["keys"][0]).encode()
    else:
        secret = {"pem": target.public, "pem-stripped": target.public.strip(),
                  "private-pem": target.private}[variant]
    attack(target, h.hs256_with_secret(secret, KID, h.claims()))


def test_hs_family_with_public_key_as_secret(target):
    for alg, digest in (("HS384", "sha384"), ("HS512", "sha512")):
        head = h.json_segment(h.header(alg, KID))
        body = h.json_segment(h.claims())
        mac = hmac.new(target.public, f"{head}.{body}".encode(), getattr(hashlib, digest))
        attack(target, f"{head}.{body}.{h.b64url(mac.digest())}")


def test_header_alg_different_from_the_keys_algorithm(keyed):
    """A token signed correctly but labelled with another asymmetric alg for the same kid."""
    es = keyed("ES256")
    ed = keyed("EdDSA")
    # Signed by an EdDSA key, but the header claims ES256 for the ES256 service's kid.
    attack(es, h.sign_token("EdDSA", ed.private, h.header("ES256", KID), h.claims()))
    # ES256 key, header says EdDSA: label/key mismatch must fail before any crypto.
    attack(es, h.sign_token("ES256", es.private, h.header("EdDSA", KID), h.claims()))
    # ES256 signature bytes with an ES384/ES512 label.
    attack(es, h.sign_token("ES256", es.private, h.header("ES384", KID), h.claims()))


# ---- signature ------------------------------------------------------------------------------

def test_stripped_or_empty_signature(target):
    good = target.sign()
    head, body, _ = good.split(".")
    attack(target, f"{head}.{body}.")     # empty signature
    attack(target, f"{head}.{body}")      # signature segment removed
    attack(target, f"{head}.{body}.A")    # one character


def test_signature_of_another_token(target):
    other = target.sign(h.claims(sub="root", scope="predict admin"))
    mine = target.sign()
    head, body, _ = mine.split(".")
    attack(target, f"{head}.{body}.{other.split('.')[2]}")


@pytest.mark.parametrize("change", [{"sub": "root"}, {"scope": "predict admin"},
                                    {"exp": 4102444800}, {"aud": "secure-ml-api "}])
def test_modified_payload_keeps_old_signature(target, change):
    issued = target.svc.token()
    head, body, signature = issued.split(".")
    payload = h.split_token(issued)[1]
    payload.update(change)
    attack(target, f"{head}.{h.json_segment(payload)}.{signature}")


def test_modified_header_keeps_old_signature(target):
    issued = target.svc.token()
    head, body, signature = issued.split(".")
    header = h.split_token(issued)[0]
    header["extra"] = "x"
    attack(target, f"{h.json_segment(header)}.{body}.{signature}")


def test_signature_by_an_unrelated_key_with_our_kid(target, tmp_path):
    keys_dir = h.generate_key(tmp_path / "attacker", target.alg, KID)
    attack(target, h.sign_token(target.alg, h.private_pem(keys_dir, KID), h.header(target.alg, KID),
                                h.claims()))


# ---- time and audience ------------------------------------------------------------------------

def test_expired(target):
    now = int(time.time())
    attack(target, target.sign(h.claims(now=now - 7200, lifetime=600)))   # exp an hour ago
    attack(target, target.sign(h.claims(now=now - 1200, lifetime=900)))   # exp 5 min ago


def test_expired_issued_token_from_pyjwt(target):
    token = h.pyjwt_token(target.keys_dir, KID, target.alg, now=int(time.time()) - 4000,
                          lifetime=900)
    attack(target, token)


def test_not_yet_valid(target):
    now = int(time.time())
    attack(target, target.sign(h.claims(nbf=now + 3600, exp=now + 7200)))


def test_issued_in_the_future(target):
    now = int(time.time())
    attack(target, target.sign(h.claims(now=now + 3600)))


@pytest.mark.parametrize("iss", ["https://evil.example", "secure-ml-api/", "SECURE-ML-API",
                                 " secure-ml-api", ""])
def test_wrong_issuer(target, iss):
    attack(target, target.sign(h.claims(iss=iss)))


@pytest.mark.parametrize("aud", ["other-api", "secure-ml-api2", "Secure-ML-API", "",
                                 ["other-api"]])
def test_wrong_audience(target, aud):
    attack(target, target.sign(h.claims(aud=aud)))


@pytest.mark.parametrize("missing", ["exp", "iss", "aud", "sub", "jti"])
def test_required_claim_missing(target, missing):
    attack(target, target.sign(h.claims(**{missing: None})))


@pytest.mark.parametrize("typ", [None, "JWT", "jwt", "at+jwe"])
def test_wrong_token_type(target, typ):
    """RFC 9068 section 4: the at+jwt type is verified, so an ID token cannot be replayed."""
    head = {"alg": target.alg, "kid": KID}
    if typ is not None:
        head["typ"] = typ
    attack(target, h.sign_token(target.alg, target.private, head, h.claims()))


# ---- key selection --------------------------------------------------------------------------

@pytest.mark.parametrize("kid", ["unknown-key", "TEST-KEY", "test-key ", "", "test-key.pem"])
def test_unknown_kid(target, kid):
    attack(target, h.sign_token(target.alg, target.private, h.header(target.alg, kid),
                                h.claims()))


def test_kid_with_path_traversal(target):
    """kid is a name, never a path: even one that resolves to our own key file is unknown."""
    dirname = target.keys_dir.name
    for kid in (f"../{dirname}/{KID}", f"./{KID}", f"{KID}/../{KID}", f"..%2f{dirname}%2f{KID}",
                str(target.keys_dir / KID)):
        attack(target, h.sign_token(target.alg, target.private, h.header(target.alg, kid),
                                    h.claims()))
    for kid in ("../../../../../../dev/null", "/dev/null", "../../../../etc/passwd"):
        attack(target, h.hs256_with_secret(b"", kid, h.claims()))


def test_kid_as_sql_or_command_injection(target):
    for kid in ("' OR '1'='1", "test-key; rm -rf /", "$(id)", "test-key\u0000"):
        attack(target, h.sign_token(target.alg, target.private, h.header(target.alg, kid),
                                    h.claims()))


def _attacker_ec_key():
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    public_jwk = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key())
    return pem, public_jwk


@pytest.mark.parametrize("member", ["jku", "x5u", "jwk"])
def test_key_location_headers_are_not_trusted(target, member):
    """An attacker's key announced in the header (jwk) or behind a URL (jku/x5u) is ignored."""
    pem, public_jwk = _attacker_ec_key()
    value = {"jku": "http://127.0.0.1:9/jwks.json", "x5u": "http://127.0.0.1:9/cert.pem",
             "jwk": json.loads(public_jwk)}[member]
    for kid in (KID, "attacker"):
        attack(target, h.sign_token("ES256", pem, h.header("ES256", kid, **{member: value}),
                                    h.claims()))


# ---- encoding -------------------------------------------------------------------------------

def test_oversize_token(target):
    """Larger than the verifier's bound (4 KiB) but well within the HTTP header limit."""
    token = target.sign(h.claims(padding="x" * 6000))
    assert 6000 < len(token) < 12000
    attack(target, token)


def test_padded_segments(target):
    # A header whose encoding needs padding, signed over the padded form.
    head = h.header(target.alg, KID)
    for filler in ("", "a", "ab"):
        head["x"] = filler
        if len(h.json_segment(head)) % 4:
            break
    segment = h.json_segment(head)
    padded = segment + "=" * (-len(segment) % 4)
    assert padded != segment
    attack(target, h.sign_segments(target.alg, target.private, padded,
                                   h.json_segment(h.claims())))
    # Padding added to the signature segment of a valid token.
    good = target.sign()
    attack(target, good + "=" * (-len(good.split(".")[2]) % 4 or 4))


def test_non_base64url_characters(target):
    # Standard base64 alphabet ('+', '/') in the signature of an otherwise valid token.
    for _ in range(200):
        good = target.sign()
        head, body, signature = good.split(".")
        if "-" in signature or "_" in signature:
            break
    assert "-" in signature or "_" in signature
    standard = signature.replace("-", "+").replace("_", "/")
    attack(target, f"{head}.{body}.{standard}")
    # Whitespace and other characters inside a segment.
    attack(target, f"{head}.{body[:10]} {body[10:]}.{signature}")
    attack(target, f"{head}.{body[:10]}\t{body[10:]}.{signature}")
    attack(target, f"{head}.{body}.{signature[:5]}*{signature[5:]}")
    attack(target, f"{head}.{body}.{signature[:5]}%{signature[5:]}")


def test_non_canonical_trailing_bits(keyed):
    """Ed25519: 64 bytes -> 86 chars with 4 unused bits; setting them keeps the same bytes for
    a lenient decoder. Strict base64url makes the encoding unique (no signature malleability)."""
    ed = keyed("EdDSA")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    good = ed.sign()
    head, body, signature = good.split(".")
    assert len(signature) == 86
    last = alphabet.index(signature[-1])
    assert last & 0x0F == 0  # canonical: unused bits are zero
    tweaked = signature[:-1] + alphabet[last | 0x01]
    assert h.b64url_decode(tweaked) == h.b64url_decode(signature)
    attack(ed, f"{head}.{body}.{tweaked}")


def test_not_compact_form(target):
    good = target.sign()
    head, body, signature = good.split(".")
    attack(target, f"{head}.{body}.{signature}.")                      # 4 segments
    attack(target, f"{head}.{body}.{signature}.{signature}.{signature}")  # JWE-shaped
    attack(target, f"{head}..{signature}")                             # empty payload
    attack(target, f".{body}.{signature}")                             # empty header
    attack(target, '{"alg":"none"}')                                   # JSON serialization


def test_segments_that_are_not_json_objects(target):
    for head_text, body_text in (("[]", "{}"), ('"x"', "{}"), ("{", "{}"), ("{}", "[]"),
                                 ("{}", "null"), ("{}", '{"sub":')):
        head = head_text if head_text != "{}" else h.header(target.alg, KID)
        body = body_text
        attack(target, h.sign_token(target.alg, target.private, head, body))


def test_duplicate_claims_in_payload(target):
    """Parsers disagree on which duplicate wins; the token must be refused outright."""
    now = int(time.time())
    base = (f'"iss":"{h.ISSUER}","aud":"{h.AUDIENCE}","iat":{now},"nbf":{now},'
            f'"exp":{now + 300},"jti":"dup-{now}","scope":"predict","client_id":"c",'
            '"gty":"password"')
    for text in ('{"sub":"alice",' + base + ',"sub":"root"}',
                 '{"sub":"alice",' + base + ',"scope":"predict admin"}',
                 '{"sub":"alice",' + base + f',"exp":{now + 999999}}}',
                 '{"sub":"alice",' + base + f',"iss":"{h.ISSUER}"}}'):
        attack(target, h.sign_token(target.alg, target.private, h.header(target.alg, KID), text))
    # The same text without the duplicate is accepted (control).
    control = '{"sub":"alice",' + base + '}'
    accepted = h.sign_token(target.alg, target.private, h.header(target.alg, KID), control)
    assert h.predict(target.svc, accepted).status_code == 200


def test_duplicate_members_in_header(target):
    head_text = (f'{{"alg":"{target.alg}","typ":"at+jwt","kid":"{KID}","alg":"none"}}')
    attack(target, h.sign_token(target.alg, target.private, head_text, h.claims()))
    head_text = f'{{"alg":"{target.alg}","typ":"at+jwt","kid":"other","kid":"{KID}"}}'
    attack(target, h.sign_token(target.alg, target.private, head_text, h.claims()))


# ---- ECDSA ----------------------------------------------------------------------------------

@pytest.mark.parametrize("r,s", [(0, 0), (0, 1), (1, 0), (P256_ORDER, P256_ORDER),
                                 (P256_ORDER, 1), (1, P256_ORDER), (2 ** 256 - 1, 2 ** 256 - 1)])
def test_ecdsa_psychic_signatures(keyed, r, s):
    es = keyed("ES256")
    head = h.header("ES256", KID)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    attack(es, h.forge(head, h.claims(), signature))


def test_ecdsa_der_signature_is_not_jose(keyed):
    """JOSE ECDSA signatures are r||s (64 bytes); the DER form must not be accepted."""
    es = keyed("ES256")
    head = h.json_segment(h.header("ES256", KID))
    body = h.json_segment(h.claims())
    key = load_pem_private_key(es.private, password=None)
    der = key.sign(f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    attack(es, f"{head}.{body}.{h.b64url(der)}")


def test_ecdsa_high_s_twin_of_a_valid_token(keyed):
    """(r, n-s) verifies whenever (r, s) does; only the low-S spelling is accepted, so a
    token has exactly one valid signature encoding (issue 16)."""
    es = keyed("ES256")
    good = es.sign()  # helpers sign low-S
    head, body, signature = good.split(".")
    assert h.predict(es.svc, good).status_code == 200
    attack(es, f"{head}.{body}.{h.b64url(h.negate_s(h.b64url_decode(signature)))}")
    # The same for a token the service itself issued.
    issued = es.svc.token()
    head, body, signature = issued.split(".")
    assert h.predict(es.svc, issued).status_code == 200
    attack(es, f"{head}.{body}.{h.b64url(h.negate_s(h.b64url_decode(signature)))}")
    conftest.wait_until(lambda: any(
        line.get("event") == "auth.rejected" and line.get("reason") == "bad_signature"
        for line in es.svc.log_lines()), timeout=10)


def test_ecdsa_wrong_length(keyed):
    es = keyed("ES256")
    good = es.sign()
    head, body, signature = good.split(".")
    raw = h.b64url_decode(signature)
    zero = bytes(1)
    for wrong in (raw[:63], raw + zero, zero + raw):
        attack(es, f"{head}.{body}.{h.b64url(wrong)}")


# ---- revocation and rotation ------------------------------------------------------------------

def test_revoked_jti(keyed):
    target = keyed("EdDSA")
    token = target.svc.token()
    assert h.predict(target.svc, token).status_code == 200
    r = h.revoke(target.svc, token, token)
    assert r.status_code == 200, r.text
    attack(target, token)
    # A hand-made token reusing the revoked jti (same key, new times) is refused too.
    jti = h.split_token(token)[1]["jti"]
    attack(target, target.sign(h.claims(jti=jti)))


def test_token_from_a_rotated_out_key(tmp_path):
    workdir = tmp_path / "rotation"
    keys_dir = h.prepare_workdir(workdir, "EdDSA", "old-key") / "keys"
    svc = conftest.start_service(workdir)
    try:
        old_token = svc.token()
        assert h.predict(svc, old_token).status_code == 200
    finally:
        svc.stop()
    # Rotation step 1: new signing key, the old one kept for verification only.
    h.generate_key(keys_dir, "ES256", "new-key")
    (keys_dir / "old-key.pem").unlink()
    svc = conftest.start_service(workdir, "--signing-kid", "new-key")
    try:
        new_token = svc.token()
        assert h.split_token(new_token)[0]["kid"] == "new-key"
        assert h.predict(svc, new_token).status_code == 200
        assert h.predict(svc, old_token).status_code == 200
    finally:
        svc.stop()
    # Rotation step 2: the old key is gone, its tokens die with it.
    (keys_dir / "old-key.pub.pem").unlink()
    svc = conftest.start_service(workdir, "--signing-kid", "new-key")
    try:
        h.assert_invalid_token(h.predict(svc, old_token))
        assert h.predict(svc, new_token).status_code == 200
        kids = {k["kid"] for k in h.fetch_jwks(svc)["keys"]}
        assert kids == {"new-key"}
    finally:
        svc.stop()


def test_same_kid_new_key_material(tmp_path):
    """A key replaced under the same kid: tokens signed by the old material are refused."""
    workdir = tmp_path / "replaced"
    keys_dir = h.prepare_workdir(workdir, "EdDSA", KID) / "keys"
    svc = conftest.start_service(workdir)
    try:
        old_token = svc.token()
    finally:
        svc.stop()
    for path in keys_dir.iterdir():
        path.unlink()
    h.generate_key(keys_dir, "EdDSA", KID)
    svc = conftest.start_service(workdir)
    try:
        h.assert_invalid_token(h.predict(svc, old_token))
    finally:
        svc.stop()


# ---- all rejections are 401 on the other protected routes too -----------------------------------

def test_forged_tokens_refused_on_every_protected_route(keyed):
    target = keyed("EdDSA")
    forged = h.forge(h.header("none", KID), h.claims())
    r = requests.post(target.svc.url("/predict/batch"), json={"texts": ["good"]},
                      headers={"Authorization": f"Bearer {forged}"}, timeout=30)
    h.assert_invalid_token(r)
    infer = {"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": ["good"]}]}
    r = requests.post(target.svc.url("/v2/models/vader/infer"), json=infer,
                      headers={"Authorization": f"Bearer {forged}"}, timeout=30)
    h.assert_invalid_token(r)


# ---- scopes per route (threat model E4) ----------------------------------------------------------

INFER_BODY = {"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES", "data": ["good"]}]}


def predict_scoped_routes(svc, token):
    """(method, path, json body) of every route that requires the predict scope."""
    version = requests.get(svc.url("/v2/models/vader"), headers={"Authorization": f"Bearer {token}"},
                           timeout=30).json()["versions"][0]
    return [("POST", "/predict", {"text": "good"}), ("POST", "/predict/batch", {"texts": ["good"]}),
            ("GET", "/v2/models", None), ("GET", "/v2/models/vader", None),
            ("GET", "/v2/models/vader/ready", None),
            ("POST", "/v2/models/vader/infer", INFER_BODY),
            ("GET", f"/v2/models/vader/versions/{version}", None),
            ("GET", f"/v2/models/vader/versions/{version}/ready", None),
            ("POST", f"/v2/models/vader/versions/{version}/infer", INFER_BODY)]


def assert_insufficient_scope(response, scope="predict"):
    """RFC 6750 section 3.1: 403 with a Bearer challenge naming the scope that is missing."""
    assert response.status_code == 403, (response.status_code, response.text)
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer ") and 'error="insufficient_scope"' in challenge, challenge
    assert f'scope="{scope}"' in challenge, challenge
    assert response.json()["detail"] == "Insufficient scope", response.text


def test_token_without_the_route_scope_is_refused_on_every_protected_route(keyed):
    """A validly signed token is not enough: each inference route demands the predict scope.
    Issued admin-only tokens and hand-signed look-alike scopes are answered 403, while a
    predict token (the control) is served on the same routes."""
    target = keyed("EdDSA")
    svc = target.svc
    predict_token = svc.token("alice")
    wrong_scope = [svc.token("nobody"), svc.token("root", scope="admin")] + [
        target.sign(h.claims(scope=scope))
        for scope in ("admin", "", "PREDICT", "predictor", "predict:read", "admin,predict",
                      "xpredict")]
    with requests.Session() as session:
        for method, path, body in predict_scoped_routes(svc, predict_token):
            def send(token):
                return session.request(method, svc.url(path), json=body, timeout=30,
                                       headers={"Authorization": f"Bearer {token}"})
            control = send(predict_token)
            assert control.status_code == 200, (path, control.status_code, control.text)
            for token in wrong_scope:
                assert_insufficient_scope(send(token))
            assert send(None).status_code == 401, path


def test_predict_token_cannot_use_admin_functions(keyed):
    """Revoking somebody else's token is the one admin function: a predict token (issued or
    hand-signed with predict alone) gets 403 and the victim's token keeps working; the same
    request with an admin-scoped token (the control) revokes it."""
    target = keyed("EdDSA")
    svc = target.svc
    victim = svc.token("root")
    # Hand-signed tokens name principals of the users file: a token of anybody else has no
    # authority at all (test_stale_authority.py).
    for attacker in (svc.token("alice"), svc.client_token(),
                     target.sign(h.claims(sub="alice", scope="predict"))):
        r = h.revoke(svc, victim, attacker)
        h.assert_oauth_error(r, 403, "unauthorized_client")
        assert h.predict(svc, victim).status_code == 200
    r = h.revoke(svc, victim, target.sign(h.claims(sub="nobody", scope="admin")))
    assert r.status_code == 200, r.text
    h.assert_invalid_token(h.predict(svc, victim))


def test_rejections_are_audited_without_the_token(keyed):
    target = keyed("EdDSA")
    forged = h.forge(h.header("none", KID), h.claims(jti="audit-check-jti"))
    attack(target, forged)

    def logged():
        lines = [line for line in target.svc.log_lines() if line.get("event") == "auth.rejected"]
        return lines and all("reason" in line and "client" in line for line in lines)

    conftest.wait_until(logged, timeout=10)
    text = target.svc.log_text()
    assert forged not in text
    assert forged.split(".")[1] not in text


# ---- brute force on /token -----------------------------------------------------------------------

def test_password_guessing_is_throttled_per_account(services):
    """After 5 failures for one account, /token answers 429 with Retry-After, growing back-off;
    the correct password does not get through while locked (--rate-limits off: only the
    brute-force defence acts)."""
    svc = services("--rate-limits", "off")
    statuses, waits = h.guess_until_locked([svc], "alice", min_retry_after=4)
    assert statuses[:5] == [400] * 5, statuses
    # Growing back-off: the first lock-out is short (1 s), later ones are longer.
    assert waits[0] <= 2 and max(waits) >= 4, waits
    # While locked even the right password is refused (the attempt never reaches Argon2id).
    locked = h.post_token(svc, h.password_form("alice"))
    assert locked.status_code == 429, locked.text
    assert locked.json().get("error"), locked.text
    assert int(locked.headers["Retry-After"]) >= 1
    # Another account from the same address is not locked by alice's counter.
    assert h.post_token(svc, h.password_form("root")).status_code == 200
    # The lock-out ends: the right password works again within the announced back-off.
    conftest.wait_until(lambda: h.post_token(svc, h.password_form("alice")).status_code == 200,
                        timeout=int(locked.headers["Retry-After"]) + 30, interval=0.5)


def test_unknown_account_guessing_is_throttled_too(services):
    """Guessing against an unknown name must look the same as against a real one."""
    svc = services("--rate-limits", "off")
    statuses = []
    for attempt in range(12):
        r = h.post_token(svc, h.password_form("alice", password="x", username="no-such-user"))
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    assert statuses[:5] == [400] * 5 and statuses[-1] == 429, statuses


def test_client_secret_guessing_is_throttled(services):
    svc = services("--rate-limits", "off")
    statuses = []
    for attempt in range(12):
        r = h.post_token(svc, {"grant_type": "client_credentials"},
                         auth=("batch-job", f"wrong-secret-{attempt}"))
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert r.headers.get("Retry-After", "").isdigit()
            break
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429, statuses
