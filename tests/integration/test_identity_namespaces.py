"""Identity namespaces and machine credentials against the real binary (issue 16, items 2 and 5):
users and clients are different principals even with the same name (the token's gty claim),
the password grant accepts only a registered public client id or none, public clients cannot
use client_credentials, and client secrets the service generates are stored as a keyed
HMAC-SHA256 and checked without Argon2id, so they never wait for a hashing slot."""
import base64
import concurrent.futures
import json
import threading

import pytest
import requests

import conftest
import helpers_auth as h

FAST_CLIENT = "alice"  # a client named like the user alice, with a generated secret
PUBLIC_CLIENT = "web-app"
ARGON2_CLIENT, (ARGON2_SECRET, _) = next(iter(conftest.CLIENTS.items()))


def cli(*args, workdir, stdin=""):
    return conftest.run_cli(*args, "--users-file", str(workdir / "users.json"), stdin=stdin)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A service whose users file also holds client "alice" (generated secret, keyed hash) and
    the public client "web-app"; the demo Argon2id client batch-job stays as it is."""
    workdir = h.prepare_workdir(tmp_path_factory.mktemp("namespaces"))
    secret = cli("clients", "add", FAST_CLIENT, "--generate-secret", "--scopes", "predict",
                 workdir=workdir).stdout.strip()
    cli("clients", "add", "--public", PUBLIC_CLIENT, workdir=workdir)
    svc = conftest.start_service(workdir)
    yield svc, secret
    svc.stop()


def client_token(svc, client_id, secret, basic=True):
    if basic:
        return h.post_token(svc, {"grant_type": "client_credentials"}, auth=(client_id, secret))
    return h.post_token(svc, {"grant_type": "client_credentials", "client_id": client_id,
                              "client_secret": secret})


# ---- namespaces ---------------------------------------------------------------------------------

def test_tokens_say_which_namespace_their_subject_is_in(env):
    svc, secret = env
    user = h.split_token(svc.token("alice"))[1]
    client = h.split_token(client_token(svc, FAST_CLIENT, secret).json()["access_token"])[1]
    assert user["sub"] == client["sub"] == "alice"
    assert user["gty"] == "password"
    assert client["gty"] == "client-credentials"


def test_client_named_like_a_user_cannot_revoke_the_users_token(env):
    svc, secret = env
    victim = svc.token("alice")
    r = client_token(svc, FAST_CLIENT, secret)
    assert r.status_code == 200, r.text
    impostor = r.json()["access_token"]
    refused = h.revoke(svc, victim, impostor)
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == "unauthorized_client"
    assert h.predict(svc, victim).status_code == 200
    # ... and the other way round; each still revokes its own.
    other = client_token(svc, FAST_CLIENT, secret).json()["access_token"]
    assert h.revoke(svc, other, victim).status_code == 403
    assert h.predict(svc, other).status_code == 200
    assert h.revoke(svc, other, other).status_code == 200
    h.assert_invalid_token(h.predict(svc, other))
    assert h.revoke(svc, victim, victim).status_code == 200
    h.assert_invalid_token(h.predict(svc, victim))


def test_local_token_without_gty_is_refused(env):
    """Tokens signed before namespaces existed (at most one token lifetime ago) carry no gty:
    refused rather than guessed into the user namespace."""
    svc, _ = env
    keys_dir = svc.workdir / "keys"
    without = h.pyjwt_token(keys_dir, "test-key", "EdDSA", gty=None)
    h.assert_invalid_token(h.predict(svc, without))
    with_gty = h.pyjwt_token(keys_dir, "test-key", "EdDSA")
    assert h.predict(svc, with_gty).status_code == 200


def test_client_named_like_a_user_has_its_own_subject_limit(tmp_path):
    """Per-subject limits count each principal in its namespace: client "alice" neither shares
    nor exhausts user alice's limit (addresses vary through a trusted proxy, so only the
    subject limit can refuse)."""
    workdir = h.prepare_workdir(tmp_path / "limits")
    secret = cli("clients", "add", FAST_CLIENT, "--generate-secret", "--scopes", "predict",
                 workdir=workdir).stdout.strip()
    svc = conftest.start_service(workdir, "--rate-limit-predict", "1/3600s+1",
                                 "--trusted-proxies", "127.0.0.1/32")
    try:
        user = svc.token("alice")
        client = client_token(svc, FAST_CLIENT, secret).json()["access_token"]
        for address in ("10.0.0.1", "10.0.0.2"):
            r = h.predict(svc, user, headers={"X-Forwarded-For": address})
            assert r.status_code == 200, r.text
        r = h.predict(svc, user, headers={"X-Forwarded-For": "10.0.0.3"})
        assert r.status_code == 429, r.text  # user alice's subject limit is spent
        r = h.predict(svc, client, headers={"X-Forwarded-For": "10.0.0.4"})
        assert r.status_code == 200, r.text  # client alice's is not
    finally:
        svc.stop()


# ---- the password grant's client_id ---------------------------------------------------------------

@pytest.mark.parametrize("client_id", [
    "unregistered-app",
    "x" * 20000,
    "web\x01app",
    "web-app\n",
    "a" * 65,
    ARGON2_CLIENT,  # a confidential client authenticates; it is not named in a password grant
    FAST_CLIENT,
], ids=["unregistered", "20KB", "control-char", "newline", "65-bytes", "confidential",
        "confidential-fast"])
def test_password_grant_refuses_an_unregistered_client_id(env, client_id):
    svc, _ = env
    r = h.post_token(svc, h.password_form("alice", client_id=client_id))
    h.assert_oauth_error(r, 400, "invalid_client")
    assert "access_token" not in r.text
    assert client_id not in r.text


def test_password_grant_with_a_public_client_or_none(env):
    svc, _ = env
    r = h.post_token(svc, h.password_form("alice", client_id=PUBLIC_CLIENT))
    assert r.status_code == 200, r.text
    assert h.split_token(r.json()["access_token"])[1]["client_id"] == PUBLIC_CLIENT
    r = h.post_token(svc, h.password_form("alice"))
    assert r.status_code == 200, r.text
    assert h.split_token(r.json()["access_token"])[1]["client_id"] == "password-grant"


@pytest.mark.parametrize("basic", [True, False], ids=["basic", "form"])
def test_public_client_cannot_use_client_credentials(env, basic):
    svc, _ = env
    generated_form = base64.urlsafe_b64encode(b"\0" * 32).decode().rstrip("=")
    for secret in ("", generated_form):
        r = client_token(svc, PUBLIC_CLIENT, secret, basic=basic)
        h.assert_oauth_error(r, 401, "invalid_client")


# ---- machine credentials ----------------------------------------------------------------------

@pytest.mark.parametrize("basic", [True, False], ids=["basic", "form"])
def test_generated_secret_and_argon2_secret_both_work(env, basic):
    svc, secret = env
    r = client_token(svc, FAST_CLIENT, secret, basic=basic)
    assert r.status_code == 200, r.text
    # Answered inline, yet shaped like every token answer (RFC 6749 section 5.1).
    assert r.headers.get("Cache-Control") == "no-store" and r.headers.get("Pragma") == "no-cache"
    assert set(r.json()) == {"access_token", "token_type", "expires_in", "scope"}
    assert r.json()["scope"] == "predict"
    assert h.predict(svc, r.json()["access_token"]).status_code == 200
    r = client_token(svc, ARGON2_CLIENT, ARGON2_SECRET, basic=basic)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("who", ["fast", "argon2", "unknown"])
def test_wrong_client_secret_is_401(env, who):
    svc, secret = env
    client_id = {"fast": FAST_CLIENT, "argon2": ARGON2_CLIENT, "unknown": "no-such-job"}[who]
    other_generated = base64.urlsafe_b64encode(bytes(range(32))).decode().rstrip("=")
    # Few attempts: the login guard counts failures per account and per address (20).
    for wrong in (other_generated, secret[:-1], conftest.USERS["alice"][0]):
        r = client_token(svc, client_id, wrong)
        h.assert_oauth_error(r, 401, "invalid_client")
        assert r.headers.get("WWW-Authenticate", "").startswith("Basic")


def test_users_file_holds_a_keyed_hash_for_generated_secrets_only(env):
    svc, secret = env
    data = json.loads((svc.workdir / "users.json").read_text())
    hashes = {c["client_id"]: c["secret_hash"] for c in data["clients"]}
    assert hashes[FAST_CLIENT].startswith("$hmac-sha256$")
    assert hashes[ARGON2_CLIENT].startswith("$argon2id$")
    assert data["public_clients"] == [PUBLIC_CLIENT]
    assert all(u["password_hash"].startswith("$argon2id$") for u in data["users"])
    assert secret not in json.dumps(data)


def test_clients_add_and_rotate_write_the_keyed_form(tmp_path):
    users = tmp_path / "users.json"
    add = conftest.run_cli("clients", "add", "job", "--generate-secret", "--users-file", str(users))
    secret = add.stdout.strip()
    assert len(secret) == 43 and set(secret) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), add.stdout
    first = json.loads(users.read_text())["clients"][0]["secret_hash"]
    assert first.startswith("$hmac-sha256$") and len(first) == len("$hmac-sha256$") + 43 + 1 + 43
    rotate = conftest.run_cli("clients", "rotate", "job", "--users-file", str(users))
    rotated = rotate.stdout.strip()
    assert len(rotated) == 43 and rotated != secret
    second = json.loads(users.read_text())["clients"][0]["secret_hash"]
    assert second.startswith("$hmac-sha256$") and second != first
    # A secret typed in is not known to be random: Argon2id, like a password.
    conftest.run_cli("clients", "add", "typed", "--users-file", str(users),
                     stdin="typed-secret-0123456789\n")
    typed = [c for c in json.loads(users.read_text())["clients"] if c["client_id"] == "typed"]
    assert typed[0]["secret_hash"].startswith("$argon2id$")
    # Public clients: no secret, listed apart; --public makes no sense elsewhere.
    conftest.run_cli("clients", "add", "--public", "spa", "--users-file", str(users))
    assert json.loads(users.read_text())["public_clients"] == ["spa"]
    listing = conftest.run_cli("clients", "list", "--users-file", str(users)).stdout
    assert "spa\t(public)" in listing
    refused = conftest.run_cli("clients", "add", "--public", "job", "--users-file", str(users),
                               check=False)
    assert refused.returncode != 0 and "already exists" in refused.stderr
    refused = conftest.run_cli("users", "add", "--public", "bob", "--users-file", str(users),
                               check=False, stdin="bob-password-123\n")
    assert refused.returncode != 0


def test_generated_secrets_never_wait_for_a_hashing_slot(env):
    """While password logins keep both Argon2id slots busy (others are shed with 503), every
    client_credentials call with a generated secret is answered 200: it takes no slot."""
    svc, secret = env
    stop = threading.Event()
    statuses = []

    def hammer():
        session = requests.Session()
        while not stop.is_set():
            statuses.append(session.post(svc.url("/token"), data=h.password_form("root"),
                                         timeout=60).status_code)

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        workers = [pool.submit(hammer) for _ in range(6)]
        try:
            conftest.wait_until(lambda: 503 in statuses, timeout=60)
            session = requests.Session()
            answers = [session.post(svc.url("/token"), data={"grant_type": "client_credentials"},
                                    auth=(FAST_CLIENT, secret), timeout=60).status_code
                       for _ in range(40)]
        finally:
            stop.set()
        for worker in workers:
            worker.result()
    assert answers == [200] * 40, answers
    assert 503 in statuses  # the slots were full meanwhile
