"""A real OpenID provider on loopback for the federation tests (tests/integration/test_federation.py).

authlib's OAuth 2 authorization server (client_credentials grant) and JOSE implementation, served
by Flask/werkzeug over HTTPS with a certificate from a CA this module generates
(python3-cryptography). One process hosts four issuers, each shaped like a real provider's access
tokens (what each provider documents):

- keycloak: header typ "JWT"; aud, azp (the client), scope string, realm_access.roles, jti;
- entra:    header typ "JWT"; aud, azp, roles (application permissions), no jti, no scope;
- cognito:  no typ; no aud; client_id, token_use "access", scope "<resource server>/<scope>";
- okta:     no typ; aud, cid (the client), scp array, jti.

Each issuer publishes OIDC discovery at <issuer>/.well-known/openid-configuration, its JWKS, and
a token endpoint. Test-only control endpoints (under /admin) mint arbitrary tokens (for the
negative cases), rotate an issuer's key, and change what discovery answers.
"""
import datetime
import ipaddress
import json
import secrets
import ssl
import threading
import time
import uuid
from pathlib import Path

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.jose import JsonWebKey, JsonWebSignature
from authlib.oauth2.rfc6749 import ClientMixin, grants
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

AUDIENCE = "api://secure-ml-api"
COGNITO_RESOURCE = "secure-ml-api/"
SHAPES = ("keycloak", "entra", "cognito", "okta")
ISSUER_PATHS = {
    "keycloak": "/realms/test",
    "entra": "/11111111-2222-3333-4444-555555555555/v2.0",
    "cognito": "/eu-west-1_TestPool",
    "okta": "/oauth2/default",
}


# --- certificates -----------------------------------------------------------------------------

def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server_cert(ca_key, ca_cert):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name("oidc-provider.test"))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def write_pem(path, cert=None, key=None):
    data = b""
    if cert is not None:
        data += cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        data += key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    Path(path).write_bytes(data)
    Path(path).chmod(0o600 if key is not None else 0o644)
    return path


# --- OAuth 2 clients --------------------------------------------------------------------------

class Client(ClientMixin):
    """A registered client: client_credentials only, secret in the Basic header."""

    def __init__(self, client_id, secret, shape, scopes):
        self.client_id = client_id
        self.secret = secret
        self.shape = shape
        self.scopes = scopes

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return " ".join(self.scopes)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_basic"

    def check_token_endpoint_auth_method(self, method):
        return method == "client_secret_basic"

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"


def new_key(kid, kty="RSA"):
    if kty == "EC":
        return JsonWebKey.generate_key("EC", "P-256", is_private=True, options={"kid": kid})
    return JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": kid})


class Provider:
    """The four issuers on one HTTPS port. start() serves in a thread; stop() shuts it down."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        ca_key, ca_cert = make_ca("federation test CA")
        server_key, server_cert = make_server_cert(ca_key, ca_cert)
        self.ca_file = write_pem(self.workdir / "provider-ca.pem", cert=ca_cert)
        write_pem(self.workdir / "provider-cert.pem", cert=server_cert)
        write_pem(self.workdir / "provider-key.pem", key=server_key)
        _, other_ca = make_ca("some other CA")
        self.other_ca_file = write_pem(self.workdir / "other-ca.pem", cert=other_ca)
        self.keys = {shape: [new_key(f"{shape}-key-1", "EC" if shape == "okta" else "RSA")]
                     for shape in SHAPES}
        self.jwks_fetches = {shape: 0 for shape in SHAPES}
        self.discovery_override = {}  # shape -> dict merged into the discovery document
        self.clients = {}
        for shape in SHAPES:
            self.clients[f"{shape}-app"] = Client(f"{shape}-app", f"{shape}-secret", shape,
                                                  ["predict"])
            self.clients[f"{shape}-noscope"] = Client(f"{shape}-noscope", f"{shape}-secret2",
                                                      shape, ["other"])
        self.port = None
        self.server = None
        self.thread = None
        self.app = self._make_app()

    # --- addresses

    @property
    def base(self):
        return f"https://127.0.0.1:{self.port}"

    def issuer(self, shape):
        return self.base + ISSUER_PATHS[shape]

    # --- tokens

    def claims(self, shape, client_id, scopes, lifetime=300):
        now = int(time.time())
        iss = self.issuer(shape)
        if shape == "keycloak":
            return {"exp": now + lifetime, "iat": now, "jti": str(uuid.uuid4()), "iss": iss,
                    "aud": [AUDIENCE, "account"], "sub": str(uuid.uuid4()), "typ": "Bearer",
                    "azp": client_id, "scope": " ".join(["profile", "email", *scopes]),
                    "realm_access": {"roles": ["offline_access", "uma_authorization"]},
                    "clientId": client_id}
        if shape == "entra":
            return {"aud": AUDIENCE, "iss": iss, "iat": now, "nbf": now, "exp": now + lifetime,
                    "azp": client_id, "azpacr": "1", "oid": str(uuid.uuid4()),
                    "roles": list(scopes), "sub": str(uuid.uuid4()),
                    "tid": "11111111-2222-3333-4444-555555555555",
                    "uti": secrets.token_urlsafe(16), "ver": "2.0"}
        if shape == "cognito":
            return {"sub": client_id, "token_use": "access",
                    "scope": " ".join(COGNITO_RESOURCE + s for s in scopes),
                    "auth_time": now, "iss": iss, "exp": now + lifetime, "iat": now,
                    "version": 2, "jti": str(uuid.uuid4()), "client_id": client_id}
        return {"ver": 1, "jti": "AT." + secrets.token_urlsafe(16), "iss": iss, "aud": AUDIENCE,
                "iat": now, "exp": now + lifetime, "cid": client_id, "scp": list(scopes),
                "sub": client_id}

    def header(self, shape, key):
        alg = "ES256" if key.kty == "EC" else "RS256"
        header = {"alg": alg, "kid": key.kid}
        if shape in ("keycloak", "entra"):
            header["typ"] = "JWT"
        return header

    def sign(self, header, payload, key):
        # JWS directly: authlib's jwt.encode() would add typ "JWT", which Cognito and Okta do
        # not send.
        algorithms = ["RS256", "ES256", "HS256", "none"]
        body = json.dumps(payload, separators=(",", ":")).encode()
        return JsonWebSignature(algorithms).serialize_compact(header, body, key).decode()

    def mint(self, shape, client_id=None, scopes=("predict",), claims=None, header=None,
             drop=(), key=None):
        """A token of `shape` as its token endpoint would issue it, with changes for tests."""
        key = key or self.keys[shape][-1]
        payload = self.claims(shape, client_id or f"{shape}-app", list(scopes))
        payload.update(claims or {})
        for name in drop:
            payload.pop(name, None)
        head = self.header(shape, key)
        head.update(header or {})
        return self.sign(head, payload, key)

    def rotate(self, shape, drop_old=True):
        """A new signing key (new kid); the old one leaves the JWKS unless drop_old is False."""
        count = len(self.keys[shape]) + 1
        key = new_key(f"{shape}-key-{count}", self.keys[shape][-1].kty)
        self.keys[shape] = [key] if drop_old else [*self.keys[shape], key]
        return key

    # --- HTTP

    def _make_app(self):
        app = Flask("oidc-provider")
        server = AuthorizationServer(app, query_client=self.clients.get,
                                     save_token=lambda token, req: None)
        server.register_grant(grants.ClientCredentialsGrant)

        def generate(grant_type, client, user=None, scope=None, expires_in=None,
                     include_refresh_token=True):
            token = self.mint(client.shape, client.client_id, scopes=client.scopes)
            return {"access_token": token, "token_type": "Bearer", "expires_in": 300}

        server.register_token_generator("client_credentials", generate)

        def shape_of(path):
            for shape, prefix in ISSUER_PATHS.items():
                if path == prefix:
                    return shape
            return None

        @app.get("/<path:prefix>/.well-known/openid-configuration")
        def discovery(prefix):
            shape = shape_of("/" + prefix)
            if shape is None:
                return jsonify(error="not_found"), 404
            issuer = self.issuer(shape)
            document = {"issuer": issuer, "jwks_uri": issuer + "/jwks",
                        "token_endpoint": issuer + "/token",
                        "grant_types_supported": ["client_credentials"],
                        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                        "id_token_signing_alg_values_supported": ["RS256", "ES256"]}
            document.update(self.discovery_override.get(shape, {}))
            return jsonify(document)

        @app.get("/<path:prefix>/jwks")
        def jwks(prefix):
            shape = shape_of("/" + prefix)
            if shape is None:
                return jsonify(error="not_found"), 404
            self.jwks_fetches[shape] += 1
            keys = [k.as_dict(is_private=False) for k in self.keys[shape]]
            for key in keys:
                key["use"] = "sig"
                key["alg"] = "ES256" if key["kty"] == "EC" else "RS256"
            # Providers publish encryption keys beside signing keys: they must be skipped.
            extra = new_key(f"{shape}-enc", "RSA").as_dict(is_private=False)
            extra["use"] = "enc"
            response = jsonify(keys=[*keys, extra])
            response.headers["Cache-Control"] = "public, max-age=300"
            return response

        @app.post("/<path:prefix>/token")
        def token(prefix):
            return server.create_token_response()

        return app

    def start(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.workdir / "provider-cert.pem", self.workdir / "provider-key.pem")
        self.server = make_server("127.0.0.1", self.port or 0, self.app, threaded=True,
                                  ssl_context=context)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None
