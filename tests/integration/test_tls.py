"""Optional direct TLS (issue 3): the real binary serving HTTPS with --tls-cert/--tls-key.

Certificates are made at test time with python3-cryptography (root CA -> intermediate ->
server certificate for 127.0.0.1); clients verify against the root, so the chain the
server sends is checked too. Covered: HSTS on successes and errors (never on plain HTTP),
/predict with a token, keep-alive and close_notify, plain HTTP and TLS 1.1 refused at the
handshake, silent clients cut off, the healthcheck over TLS, and start-up refusals that
name the file without leaking key material.
"""
import datetime
import ipaddress
import os
import re
import socket
import ssl
import subprocess

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from conftest import BIN, USERS, start_service, wait_until
from helpers_core import REQUEST_TIMEOUT, RawConnection, request_bytes

HSTS = "max-age=63072000; includeSubDomains"
LIVENESS_BOUND = 10  # seconds: a generous bound on "eventually", not a speed claim


# ---- certificates -------------------------------------------------------------------------

def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "smlapi tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, key, issuer=None, issuer_key=None, ca=False):
    now = datetime.datetime.now(datetime.timezone.utc)
    issuer_cert = issuer
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(subject))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False)
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=True, crl_sign=True, encipher_only=False,
                          decipher_only=False), critical=True)
    else:
        builder = (builder
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                                  critical=False))
    return builder.sign(issuer_key or key, hashes.SHA256())


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Pki:
    """root.pem (trust anchor), chain.pem (server + intermediate), server.key, other.key."""

    def __init__(self, directory):
        root_key = ec.generate_private_key(ec.SECP256R1())
        root = _certificate("smlapi test root", root_key, ca=True)
        intermediate_key = ec.generate_private_key(ec.SECP256R1())
        intermediate = _certificate("smlapi test intermediate", intermediate_key, root,
                                    root_key, ca=True)
        server_key = ec.generate_private_key(ec.SECP256R1())
        server = _certificate("localhost", server_key, intermediate, intermediate_key)
        other_key = ec.generate_private_key(ec.SECP256R1())
        self.root = directory / "root.pem"
        self.chain = directory / "chain.pem"
        self.key = directory / "server.key"
        self.other_key = directory / "other.key"
        self.root.write_bytes(_pem(root))
        self.chain.write_bytes(_pem(server) + _pem(intermediate))
        self.key.write_bytes(_key_pem(server_key))
        self.other_key.write_bytes(_key_pem(other_key))
        self.key.chmod(0o600)
        self.other_key.chmod(0o600)

    def key_secrets(self):
        """Fragments of both private keys that must never appear in any output."""
        fragments = []
        for path in (self.key, self.other_key):
            body = "".join(path.read_text().splitlines()[1:-1])
            fragments += [body[i:i + 24] for i in range(0, len(body) - 24, 24)]
        return fragments

    def client_context(self, **versions):
        context = ssl.create_default_context(cafile=str(self.root))
        for name, value in versions.items():
            setattr(context, name, value)
        return context


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_service(tmp_path_factory, pki):
    """The binary serving HTTPS only; a short header timeout bounds the silent-client test."""
    svc = start_service(tmp_path_factory.mktemp("tls"), "--tls-cert", pki.chain, "--tls-key",
                        pki.key, "--header-timeout", "1s", wait_ready=False)
    svc.base_url = f"https://127.0.0.1:{svc.port}"
    try:
        wait_until(lambda: requests.get(svc.url("/readyz"), verify=str(pki.root),
                                        timeout=5).status_code == 200)
    except AssertionError:
        svc.stop()
        raise
    yield svc
    svc.stop()


class TlsConnection(RawConnection):
    """RawConnection over TLS, verifying the server against the test root."""

    def __init__(self, port, context, timeout=15, suppress_ragged_eofs=True):  # noqa: PLW0231
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock = context.wrap_socket(raw, server_hostname="127.0.0.1",
                                        suppress_ragged_eofs=suppress_ragged_eofs)
        self.buffer = b""
        self.eof = False


def read_until_closed(sock, bound=LIVENESS_BOUND):
    """Bytes received until the peer closed (EOF or reset); fails if it stays open."""
    sock.settimeout(bound)
    received = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
    except (ConnectionResetError, BrokenPipeError):
        return received
    except socket.timeout:
        pytest.fail(f"the server kept the connection open for {bound}s; got {received[:200]!r}")


def get(svc, pki, path, **kwargs):
    return requests.get(svc.url(path), verify=str(pki.root), timeout=REQUEST_TIMEOUT, **kwargs)


def token_over_tls(svc, pki, user="alice"):
    form = {"grant_type": "password", "username": user, "password": USERS[user][0]}
    r = requests.post(svc.url("/token"), data=form, verify=str(pki.root), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


# ---- serving over TLS -------------------------------------------------------------------------

def test_healthz_over_tls_carries_hsts(tls_service, pki):
    r = get(tls_service, pki, "/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers.get("Strict-Transport-Security") == HSTS
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/nope", 404),
    ("GET", "/predict", 405),
    ("POST", "/predict", 401),
])
def test_error_answers_over_tls_carry_hsts(tls_service, pki, method, path, status):
    r = requests.request(method, tls_service.url(path), verify=str(pki.root),
                         timeout=REQUEST_TIMEOUT)
    assert r.status_code == status, r.text
    assert r.headers.get("Strict-Transport-Security") == HSTS


def test_protocol_errors_over_tls_carry_hsts(tls_service, pki):
    with TlsConnection(tls_service.port, pki.client_context()) as conn:
        conn.send(b"NOT HTTP AT ALL\r\n\r\n")
        response = conn.read_response()
        assert response.status == 400
        assert response.headers.get("strict-transport-security") == HSTS
        assert conn.closed_by_peer(LIVENESS_BOUND)


def test_predict_with_a_token_over_tls(tls_service, pki):
    token = token_over_tls(tls_service, pki)
    r = requests.post(tls_service.url("/predict"), json={"text": "TLS is great!"},
                      headers={"Authorization": f"Bearer {token}"}, verify=str(pki.root),
                      timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["label"] == "POSITIVE" and body["user"] == "alice"
    assert r.headers.get("Strict-Transport-Security") == HSTS


def test_keep_alive_serves_several_requests_on_one_tls_connection(tls_service, pki):
    with TlsConnection(tls_service.port, pki.client_context()) as conn:
        for path in ("/healthz", "/readyz", "/healthz", "/nope"):
            conn.send(request_bytes("GET", path))
            response = conn.read_response()
            assert response.status == (404 if path == "/nope" else 200), response
            assert not response.closes(), response
            assert response.headers.get("strict-transport-security") == HSTS


def test_connection_close_ends_with_close_notify(tls_service, pki):
    # A TCP close without close_notify must raise SSLEOFError here: Python's default context
    # tolerates it (OP_IGNORE_UNEXPECTED_EOF) and would hide a missing close_notify.
    context = pki.client_context()
    context.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
    with TlsConnection(tls_service.port, context, suppress_ragged_eofs=False) as conn:
        conn.send(request_bytes("GET", "/healthz", {"Connection": "close"}))
        response = conn.read_response()
        assert response.status == 200 and response.closes()
        conn.sock.settimeout(LIVENESS_BOUND)
        assert conn.sock.recv(1024) == b""  # a clean TLS end of stream


def test_tls_1_2_client_is_served(tls_service, pki):
    context = pki.client_context(maximum_version=ssl.TLSVersion.TLSv1_2)
    with TlsConnection(tls_service.port, context) as conn:
        assert conn.sock.version() == "TLSv1.2"
        assert conn.sock.cipher()[0].startswith("ECDHE-")
        conn.send(request_bytes("GET", "/healthz"))
        assert conn.read_response().status == 200


def test_tls_1_3_is_preferred(tls_service, pki):
    with TlsConnection(tls_service.port, pki.client_context()) as conn:
        assert conn.sock.version() == "TLSv1.3"
        conn.send(request_bytes("GET", "/healthz"))
        assert conn.read_response().status == 200


def test_alpn_http11_is_selected(tls_service, pki):
    context = pki.client_context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    with TlsConnection(tls_service.port, context) as conn:
        assert conn.sock.selected_alpn_protocol() == "http/1.1"


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
def test_tls_1_1_client_is_refused(tls_service, pki):
    # Let this client offer TLS 1.0/1.1 at all (Debian's OpenSSL forbids them by default),
    # so the refusal can only come from the server's TLS 1.2 minimum.
    context = pki.client_context(minimum_version=ssl.TLSVersion.TLSv1,
                                 maximum_version=ssl.TLSVersion.TLSv1_1)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with pytest.raises(ssl.SSLError) as refused:
        TlsConnection(tls_service.port, context).close()
    # The server's protocol_version alert, received by the client.
    assert "alert protocol version" in str(refused.value).lower(), refused.value
    assert get(tls_service, pki, "/healthz").status_code == 200


def handshake_failures(svc, pki, reason):
    """smlapi_tls_handshake_failures_total{reason=...} summed from /metrics (over TLS)."""
    text = get(svc, pki, "/metrics").text
    pattern = r'^smlapi_tls_handshake_failures_total\{reason="%s"\} (\S+)$' % reason
    return sum(float(value) for value in re.findall(pattern, text, re.MULTILINE))


def test_plain_http_to_the_tls_port_is_closed_and_tls_still_served(tls_service, pki):
    before = handshake_failures(tls_service, pki, "rejected")
    with socket.create_connection(("127.0.0.1", tls_service.port), timeout=15) as sock:
        sock.sendall(request_bytes("GET", "/healthz"))
        received = read_until_closed(sock)
    assert b"HTTP/" not in received, received
    assert tls_service.alive()
    assert get(tls_service, pki, "/healthz").status_code == 200
    assert handshake_failures(tls_service, pki, "rejected") == before + 1


def test_silent_client_is_disconnected(tls_service, pki):
    # Connects and never sends a ClientHello: a slow-loris at the TLS level, cut off by the
    # header timeout (1s here) without any answer.
    before = handshake_failures(tls_service, pki, "timed_out")
    with socket.create_connection(("127.0.0.1", tls_service.port), timeout=15) as sock:
        assert read_until_closed(sock) == b""
    assert get(tls_service, pki, "/healthz").status_code == 200
    assert handshake_failures(tls_service, pki, "timed_out") == before + 1


def test_startup_log_says_tls_is_on_and_never_shows_the_key(tls_service, pki):
    startup = [line for line in tls_service.log_lines() if line.get("event") == "startup"]
    assert startup and startup[0]["tls"] == "on", startup
    assert "CN=localhost" in startup[0]["tls_certificate_subject"]
    assert startup[0]["tls_certificate_not_after"].endswith("Z")
    text = tls_service.log_text()
    assert "PRIVATE KEY" not in text
    for fragment in pki.key_secrets():
        assert fragment not in text


# ---- healthcheck --------------------------------------------------------------------------

def healthcheck(*args, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("SMLAPI_")}
    base.update(env or {})
    return subprocess.run([BIN, "healthcheck", *args], capture_output=True, text=True,
                          env=base, timeout=60)


def test_healthcheck_speaks_tls_when_the_service_does(tls_service, pki):
    env = {"SMLAPI_PORT": str(tls_service.port), "SMLAPI_TLS_CERT": str(pki.chain)}
    result = healthcheck(env=env)
    assert result.returncode == 0, result.stderr
    # Without the TLS setting it speaks plain HTTP to a TLS port, and must say unhealthy.
    plain = healthcheck(env={"SMLAPI_PORT": str(tls_service.port)})
    assert plain.returncode == 1, plain.stderr


def test_healthcheck_https_url(tls_service):
    result = healthcheck("--url", f"https://127.0.0.1:{tls_service.port}/healthz")
    assert result.returncode == 0, result.stderr
    assert healthcheck("--url", f"https://127.0.0.1:{tls_service.port}/nope").returncode == 1
    assert healthcheck("--url", f"http://127.0.0.1:{tls_service.port}/healthz").returncode == 1


def test_healthcheck_over_https_against_plain_http_fails(service):
    result = healthcheck("--url", f"https://127.0.0.1:{service.port}/healthz")
    assert result.returncode == 1


# ---- plain HTTP -------------------------------------------------------------------------------

def test_plain_http_answers_have_no_hsts(service):
    for path in ("/healthz", "/nope"):
        r = requests.get(service.url(path), timeout=REQUEST_TIMEOUT)
        assert "Strict-Transport-Security" not in r.headers, (path, r.headers)
    startup = [line for line in service.log_lines() if line.get("event") == "startup"]
    assert startup and startup[0]["tls"] == "off"


# ---- start-up refusals ------------------------------------------------------------------------

def serve(*args, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("SMLAPI_")}
    base.update(env or {})
    return subprocess.run([BIN, "serve", "--host", "127.0.0.1", "--port", "0", *map(str, args)],
                          capture_output=True, text=True, env=base, timeout=60)


@pytest.fixture(scope="module")
def broken_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("broken")
    garbage = directory / "garbage.pem"
    garbage.write_text("not a certificate\n")
    return {"missing": directory / "missing.key", "garbage": garbage}


@pytest.mark.parametrize("case", [
    "only-cert", "only-key-from-env", "missing-key", "mismatched-pair", "garbage-cert",
])
def test_startup_refuses_bad_tls_configuration(pki, broken_files, case):
    if case == "only-cert":
        result, expected = serve("--tls-cert", pki.chain), ["--tls-key", "missing"]
    elif case == "only-key-from-env":
        result = serve(env={"SMLAPI_TLS_KEY": str(pki.key)})
        expected = ["--tls-cert", "missing"]
    elif case == "missing-key":
        missing = broken_files["missing"]
        result = serve("--tls-cert", pki.chain, "--tls-key", missing)
        expected = ["--tls-key", str(missing), "No such file"]
    elif case == "mismatched-pair":
        result = serve("--tls-cert", pki.chain, "--tls-key", pki.other_key)
        expected = [str(pki.other_key), "does not belong", str(pki.chain)]
    else:
        garbage = broken_files["garbage"]
        result = serve("--tls-cert", garbage, "--tls-key", pki.key)
        expected = ["--tls-cert", str(garbage), "no PEM certificate"]
    output = result.stdout + result.stderr
    assert result.returncode == 2, output  # like every other configuration error
    for fragment in expected:
        assert fragment in output, (fragment, output)
    assert "PRIVATE KEY" not in output
    for fragment in pki.key_secrets():
        assert fragment not in output


def test_help_documents_the_tls_options():
    result = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for fragment in ("--tls-cert", "SMLAPI_TLS_CERT", "--tls-key", "SMLAPI_TLS_KEY"):
        assert fragment in result.stdout, fragment
