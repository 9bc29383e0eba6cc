#!/usr/bin/python3
"""Runs the API pod of each rendered overlay as a kubelet would, with podman, and checks that it
gets ready, issues a token with the keys of its Secret, scores a text, takes a rotated key from
a swapped Secret, and drains on deletion without losing a request. See README.md.

  pod_test.py --binary build/secure-ml-api [--overlay prod] [--overlay dev]
  pod_test.py --binary build/secure-ml-api --plant no-prestop     one planted defect (must fail)
  pod_test.py --binary build/secure-ml-api --self-test            every plant must be caught

Exit status: 0 passed, 1 failed, 77 skipped (podman is not installed).
"""

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kubelet  # noqa: E402
import kubelet_volume  # noqa: E402
import pod_network  # noqa: E402
import pod_spec  # noqa: E402
from kubelet import PodFailure  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SKIP = 77
# How long load balancers may keep routing new connections to a pod after its deletion began
# (endpoints, kube-proxy and ingress-nginx catching up). The manifests budget 10 s for it
# (docs/deployment.md "Drain": preStop 5 s while endpoints and NGINX drop the pod, then 5 s of
# SMLAPI_SHUTDOWN_DELAY); the test routes for 8 s, inside that budget.
ENDPOINT_LAG_SECONDS = 8.0
USER = "pod-user"
STARTED = time.monotonic()


def log(message):
    print(f"[pod {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


# ---- planted defects ------------------------------------------------------------------------

def plant_group_writable_key(pod):
    pod.volume("signing-keys")["secret"]["defaultMode"] = 0o460


def plant_no_fs_group(pod):
    pod.spec["securityContext"].pop("fsGroup", None)


def plant_readiness_path(pod):
    pod.container["readinessProbe"]["httpGet"]["path"] = "/ready"


def plant_no_pre_stop(pod):
    pod.container.get("lifecycle", {}).pop("preStop", None)


# plant -> (the failure kind that must catch it, a fragment of its message, how to plant it)
PLANTS = {
    "group-writable-key": ("never-ready", "writable by group or others", plant_group_writable_key),
    "no-fsgroup": ("never-ready", "Permission denied", plant_no_fs_group),
    "readiness-path": ("never-ready", "readiness answered 404", plant_readiness_path),
    "no-prestop": ("lost-request", "got no answer", plant_no_pre_stop),
}


# ---- fixtures: the Secrets' contents, made with the binary's own subcommands ----------------

class Fixtures:
    def __init__(self, binary, workdir, pod):
        self.binary = binary
        self.workdir = Path(workdir)
        self.settings = pod.env({})
        self.pod = pod
        self.secrets = {}
        self.password = secrets.token_urlsafe(18)
        self.kid = self.settings.get("SMLAPI_SIGNING_KID", "smlapi-1")
        self.put(self.settings["SMLAPI_KEYS_DIR"], None, self.generate_key(self.kid))
        users_file = self.settings["SMLAPI_USERS_FILE"]
        self.put(os.path.dirname(users_file), os.path.basename(users_file), self.users_file())
        if self.settings.get("SMLAPI_REDIS_PASSWORD_FILE"):
            self.redis_password = secrets.token_hex(16)
            self.put(*os.path.split(self.settings["SMLAPI_REDIS_PASSWORD_FILE"]),
                     self.redis_password.encode())
        self.redis_tls = None
        if self.settings.get("SMLAPI_REDIS_TLS") == "on":
            self.redis_tls = self.tls_files()

    def tls_files(self):
        """prod's ElastiCache stand-in: a test CA and a server certificate for the name the
        overlay connects to (SMLAPI_REDIS_TLS_SERVER_NAME, else SMLAPI_REDIS_HOST). The CA is
        mounted over the overlay's SMLAPI_REDIS_TLS_CA_FILE (the image's bundle), so the
        service verifies chain and name exactly as configured."""
        name = (self.settings.get("SMLAPI_REDIS_TLS_SERVER_NAME")
                or self.settings["SMLAPI_REDIS_HOST"])
        ca_path = self.settings.get("SMLAPI_REDIS_TLS_CA_FILE")
        if not ca_path:
            raise RuntimeError("SMLAPI_REDIS_TLS=on without SMLAPI_REDIS_TLS_CA_FILE: the image "
                               "has no system trust store")
        tls = self.workdir / "redis-tls"
        tls.mkdir()
        ca_key, ca_cert = self_signed_ca("pod-test Redis CA")
        server_key, server_cert = leaf_certificate(ca_key, ca_cert, name)
        (tls / "ca.crt").write_bytes(pem(ca_cert))
        (tls / "server.crt").write_bytes(pem(server_cert))
        (tls / "server.key").write_bytes(pem(server_key))
        os.chmod(tls / "server.key", 0o600)
        os.chmod(tls / "ca.crt", 0o444)
        return {"dir": tls, "ca_mount": ca_path}

    def container_args(self):
        """Extra `podman run` options for the stand-ins (beyond what the spec declares)."""
        if not self.redis_tls:
            return []
        return ["--volume", f"{self.redis_tls['dir'] / 'ca.crt'}:{self.redis_tls['ca_mount']}:ro"]

    def secret_of(self, mount_path):
        """The Secret volume mounted at `mount_path` and its volume name."""
        mount = next(m for m in self.pod.container["volumeMounts"]
                     if m["mountPath"].rstrip("/") == mount_path.rstrip("/"))
        return self.pod.volume(mount["name"])["secret"], mount["name"]

    def put(self, mount_path, path, data):
        """Stores `data` (bytes for file `path`, or {name: bytes} for a whole directory) under
        the Secret key that the volume's items project to that path."""
        secret, _ = self.secret_of(mount_path)
        entries = data if path is None else {path: data}
        items = {i["path"]: i["key"] for i in secret.get("items", [])}
        stored = self.secrets.setdefault(secret["secretName"], {})
        for name, value in entries.items():
            stored[items.get(name, name)] = value

    def generate_key(self, kid):
        staging = self.workdir / "staging" / kid
        self.cli("keys", "generate", "--alg", "EdDSA", "--kid", kid, "--out", str(staging))
        return kubelet_volume.read_files(staging)

    def users_file(self):
        path = self.workdir / "staging" / "users.json"
        self.cli("users", "add", USER, "--users-file", str(path), "--scopes", "predict",
                 stdin=self.password + "\n")
        return path.read_bytes()

    def cli(self, *args, stdin=""):
        subprocess.run([self.binary, *args], input=stdin, text=True, check=True,
                       capture_output=True, timeout=60)


def self_signed_ca(common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def leaf_certificate(ca_key, ca_cert, dns_name):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def pem(obj):
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


# ---- the pod's checks -----------------------------------------------------------------------

class PodRun:
    def __init__(self, kube, fixtures, network):
        self.kube = kube
        self.fixtures = fixtures
        self.network = network
        self.port = kube.pod.port("http")
        # /metrics is served on the admin listener (docs/operations.md, "Admin port").
        self.admin_port = kube.pod.port("admin")

    def http(self, method, path, body=None, headers=None, timeout=5.0):
        return self.network.run(pod_network.http_request, self.port, method, path, body,
                                headers, timeout)

    def check_hardening(self):
        """The process as the spec declares it (read from the host's /proc)."""
        pod = self.kube.pod
        security = pod.security()
        status = kubelet.process_status(self.kube.pid())
        expected = [("Uid", status["Uid"] == [str(security["runAsUser"])] * 4),
                    ("Gid", status["Gid"] == [str(security["runAsGroup"])] * 4),
                    ("CapEff", set(status["CapEff"][0]) == {"0"}),
                    ("NoNewPrivs", status["NoNewPrivs"] == ["1"]),
                    ("Seccomp", status["Seccomp"] == ["2"])]
        if pod.fs_group() is not None:
            expected.append(("Groups", str(pod.fs_group()) in status["Groups"]))
        root = next(m for m in kubelet.mounts(self.kube.pid()) if m[4] == "/")
        expected.append(("read-only /", "ro" in root[5].split(",")))
        broken = [name for name, ok in expected if not ok]
        if broken:
            raise PodFailure("hardening", f"process does not match the spec: {broken}")
        log("process: uid/gid, fsGroup, no capabilities, no_new_privs, seccomp, read-only /")

    def check_redis(self):
        startup = next((event for event in log_events(self.kube.logs())
                        if event.get("event") == "startup"), {})
        if startup.get("rate_limit_store") != "redis":
            raise PodFailure("check", f"Redis not in use: {startup}")
        # Connected (TLS verified and AUTH accepted in prod), not only configured.
        up = 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status, body = self.network.run(pod_network.http_request, self.admin_port, "GET",
                                            "/metrics")
            found = re.search(r'^smlapi_redis_connections\{[^}]*state="up"[^}]*\} ([0-9.e+]+)$',
                              body.decode() if isinstance(body, bytes) else body, re.M)
            up = float(found.group(1)) if status == 200 and found else 0
            if up >= 1:
                break
            time.sleep(0.2)
        if up < 1:
            links = [e for e in log_events(self.kube.logs()) if e.get("event") == "redis.link"]
            raise PodFailure("check", f"no Redis connection is up: {links[-3:]}")
        tls = " over TLS (test CA at SMLAPI_REDIS_TLS_CA_FILE)" if self.fixtures.redis_tls else ""
        log(f"rate limits and revocations on the Redis stand-in{tls}, connection up")

    def token(self):
        form = urllib.parse.urlencode({"grant_type": "password", "username": USER,
                                       "password": self.fixtures.password, "scope": "predict"})
        status, body = self.http("POST", "/token", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"}, 30)
        if status != 200:
            raise PodFailure("check", f"POST /token answered {status}: {body[:200]}")
        return json.loads(body)["access_token"]

    def predict(self, token):
        return self.http("POST", "/predict", kubelet.json_body({"text": "I love this, great!"}),
                         {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    def check_token_and_score(self):
        token = self.token()
        kid = kid_of(token)
        if kid != self.fixtures.kid:
            raise PodFailure("check", f"token signed by kid {kid}, not {self.fixtures.kid}")
        status, body = self.predict(token)
        if status != 200 or json.loads(body).get("label") != "POSITIVE":
            raise PodFailure("check", f"POST /predict answered {status}: {body[:200]}")
        log(f"token from the Secret's key {kid}; /predict scored POSITIVE")
        return token

    def jwks_kids(self):
        status, body = self.http("GET", "/.well-known/jwks.json")
        return {key["kid"] for key in json.loads(body)["keys"]} if status == 200 else set()

    def check_rotation(self, old_token):
        """A new key in a swapped Secret is taken without a restart; tokens of the old key keep
        verifying while it is in the set. With SMLAPI_SIGNING_KID pinned (as the overlays do)
        the new key verifies only - the next signer's key published ahead; without it the
        Secret's `active` names the new signer."""
        fixtures = self.fixtures
        pinned = "SMLAPI_SIGNING_KID" in fixtures.settings
        new_kid = next_kid(fixtures.kid)
        new_files = fixtures.generate_key(new_kid)
        foreign = self.sign(new_files[f"{new_kid}.pem"], new_kid)
        if self.predict(foreign)[0] != 401:
            raise PodFailure("check", f"a token of {new_kid} verified before the key was there")
        update = dict(new_files) if pinned else {**new_files, "active": f"{new_kid}\n".encode()}
        fixtures.put(fixtures.settings["SMLAPI_KEYS_DIR"], None, update)
        _, volume = fixtures.secret_of(fixtures.settings["SMLAPI_KEYS_DIR"])
        began = time.monotonic()
        self.kube.project(volume, fixtures.secrets)  # a new ..data version, swapped atomically
        wait_for(lambda: new_kid in self.jwks_kids(), 15, f"{new_kid} never appeared in the JWKS")
        log(f"Secret swapped: {new_kid} live after {time.monotonic() - began:.1f} s, no restart")
        for what, token in ((f"a token of the new key {new_kid}", foreign),
                            (f"a token of the old key {fixtures.kid}", old_token)):
            status, body = self.predict(token)
            if status != 200:
                raise PodFailure("rotation", f"{what} answered {status}: {body[:200]}")
        if not pinned and kid_of(self.token()) != new_kid:
            raise PodFailure("rotation", f"/token still signs with {fixtures.kid}")
        log("tokens of the new and the old key both verify")

    def sign(self, private_pem, kid):
        import jwt  # python3-jwt: an implementation independent of the service's
        settings = self.fixtures.settings
        now = int(time.time())
        claims = {"iss": settings["SMLAPI_ISSUER"], "aud": settings["SMLAPI_AUDIENCE"],
                  "sub": USER, "scope": "predict", "client_id": "pod-test", "gty": "password", "iat": now,
                  "nbf": now, "exp": now + 300, "jti": uuid.uuid4().hex}
        return jwt.encode(claims, private_pem, algorithm="EdDSA",
                          headers={"kid": kid, "typ": "at+jwt"})

    def check_drain(self, token):
        """Deletion: load balancers route new connections for ENDPOINT_LAG_SECONDS; requests in
        flight when SIGTERM arrives, and when the listener closes, must all be answered."""
        drain = Drain(self, token)
        code, seconds, killed = self.kube.stop(drain.before_sigterm, drain.after_sigterm)
        drain.finish(code, seconds, killed, self.kube.pod.grace_seconds())


class Drain:
    def __init__(self, run, token):
        self.run = run
        self.token = token
        self.began = time.monotonic()
        self.routed = run.network.start(self.load_balancer)
        self.delay = seconds(run.fixtures.settings.get("SMLAPI_SHUTDOWN_DELAY", "0s"))
        self.at_sigterm = []
        self.at_close = []
        self.readiness_after_sigterm = None

    def slow_predict(self):
        body = kubelet.json_body({"text": "still in flight"})
        return pod_network.SlowRequest(self.run.port, "/predict", body, {
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})

    def load_balancer(self):
        """New connections, one every 0.2 s, until the endpoint lag is over."""
        results = []
        while (elapsed := time.monotonic() - self.began) < ENDPOINT_LAG_SECONDS:
            try:
                status, _ = pod_network.http_request(self.run.port, "GET", "/healthz", timeout=3)
            except OSError as error:
                status = repr(error)
            results.append((elapsed, status))
            time.sleep(0.2)
        return results

    def before_sigterm(self):
        self.at_sigterm = [self.slow_predict() for _ in range(2)]
        self.run.network.run(lambda: [r.send_start() for r in self.at_sigterm])

    def after_sigterm(self):
        sigterm = time.monotonic()
        self.readiness_after_sigterm = self.run.network.start(self.readiness_drops)
        self.finished_at_sigterm = self.run.network.start(self.finish_later, self.at_sigterm,
                                                           sigterm + 1.0)
        self.finished_at_close = self.run.network.start(self.across_close, sigterm)

    def readiness_drops(self):
        """/readyz within 2 s of SIGTERM: the first answer other than 200."""
        status = None
        for _ in range(20):
            try:
                status = pod_network.http_request(self.run.port, "GET", "/readyz", timeout=2)[0]
            except OSError as error:
                status = repr(error)
            if status != 200:
                break
            time.sleep(0.1)
        return status

    def finish_later(self, requests, when):
        time.sleep(max(0.0, when - time.monotonic()))
        return [r.finish() for r in requests]

    def across_close(self, sigterm):
        """Requests started just before the listener closes and finished just after."""
        if self.delay < 2:
            return []
        time.sleep(max(0.0, sigterm + self.delay - 1.0 - time.monotonic()))
        requests = [self.slow_predict() for _ in range(2)]
        for request in requests:
            request.send_start()
        return self.finish_later(requests, sigterm + self.delay + 1.0)

    def finish(self, code, took, killed, grace):
        routed = self.routed.result()
        lost = [(round(t, 1), status) for t, status in routed if not isinstance(status, int)]
        in_flight = self.finished_at_sigterm.result() + self.finished_at_close.result()
        log(f"stopped in {took:.1f} s (grace {grace} s), exit {code}; {len(routed)} routed "
            f"requests, {len(lost)} unanswered; in flight across SIGTERM/close: {in_flight}")
        if lost:
            raise PodFailure("lost-request", f"{len(lost)} of {len(routed)} requests routed "
                             f"during the endpoint lag got no answer, first {lost[:3]}")
        if any(status != 200 for status in in_flight):
            raise PodFailure("lost-request", f"in-flight requests answered {in_flight}")
        if killed or code != 0:
            raise PodFailure("drain", f"exit {code}, killed={killed} after {took:.1f} s")
        readiness = self.readiness_after_sigterm.result()
        if readiness != 503:
            raise PodFailure("drain", f"/readyz answered {readiness} after SIGTERM, not 503")


# ---- helpers --------------------------------------------------------------------------------

def log_events(text):
    events = []
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events


def kid_of(token):
    import base64
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["kid"]


def next_kid(kid):
    match = re.fullmatch(r"(.*?)(\d+)", kid)
    return f"{match[1]}{int(match[2]) + 1}" if match else f"{kid}-2"


def seconds(duration):
    match = re.fullmatch(r"(\d+)(ms|s|m)?", duration)
    value = int(match[1])
    return {"ms": value / 1000, "m": value * 60}.get(match[2], value)


def wait_for(predicate, timeout, failure):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise PodFailure("rotation", failure)


def start_redis(network, password, workdir, tls=None):
    """The stand-in for what the overlay's SMLAPI_REDIS_HOST points to (prod: the ElastiCache
    primary endpoint, TLS only; dev: the in-cluster `redis` Service): a real redis-server in the
    pod's network namespace on 127.0.0.1:6379 (the name resolves there), with the Secret's
    password, and with `tls` the test CA's server certificate on a TLS-only port."""
    log_file = open(Path(workdir) / "redis.log", "w")  # noqa: SIM115 - closed with the process
    process = network.popen(["redis-server", "-"], stdin=subprocess.PIPE, stdout=log_file,
                            stderr=subprocess.STDOUT, text=True)
    if tls:
        listen = (f"port 0\ntls-port 6379\ntls-cert-file {tls['dir'] / 'server.crt'}\n"
                  f"tls-key-file {tls['dir'] / 'server.key'}\n"
                  f"tls-ca-cert-file {tls['dir'] / 'ca.crt'}\ntls-auth-clients no\n")
    else:
        listen = "port 6379\n"
    process.stdin.write(f"{listen}bind 127.0.0.1\nsave \"\"\nappendonly no\n"
                        f"requirepass {password}\n")
    process.stdin.close()
    if not network.run(pod_network.wait_for_tcp, 6379):
        process.kill()
        raise RuntimeError(f"redis-server did not start: {(Path(workdir) / 'redis.log').read_text()}")
    return process


def run_pod(args, overlay, plant, image, podman):
    pod = pod_spec.PodSpec(pod_spec.render(REPO, overlay))
    if plant:
        PLANTS[plant][2](pod)
    name = f"smlapi-pod-{os.getpid()}-{overlay}"
    workdir = tempfile.mkdtemp(prefix=f"{name}-", dir="/tmp")
    network = redis = kube = None
    try:
        network = pod_network.PodNetwork(name)
        fixtures = Fixtures(args.binary, workdir, pod)
        if fixtures.settings.get("SMLAPI_REDIS_HOST"):
            redis = start_redis(network, fixtures.redis_password, workdir, fixtures.redis_tls)
        kube = kubelet.Kubelet(pod, podman, image, network, workdir, log)
        kube.start(fixtures.secrets, name, fixtures.container_args())
        kube.wait_ready()
        log(f"{overlay}: ready")
        run = PodRun(kube, fixtures, network)
        run.check_hardening()
        if redis:
            run.check_redis()
        token = run.check_token_and_score()
        run.check_rotation(token)
        if kube.liveness_kills:
            raise PodFailure("liveness", f"the kubelet would restart the container: "
                             f"{kube.liveness_kills}")
        run.check_drain(token)
    finally:
        if kube:
            kube.remove()
        if redis:
            redis.terminate()
            redis.wait(10)
        if network:
            network.close()
        shutil.rmtree(workdir, ignore_errors=True)


def self_test(args, image, podman):
    missed = []
    for plant, (kind, reason, _) in PLANTS.items():
        log(f"--- planted: {plant} (must be caught as {kind}: {reason})")
        try:
            run_pod(args, "prod", plant, image, podman)
            missed.append(f"{plant}: not detected")
        except PodFailure as failure:
            log(f"caught: {str(failure)[:300]}")
            if failure.kind != kind or reason not in str(failure):
                missed.append(f"{plant}: caught as {failure}, expected {kind}: {reason}")
    for line in missed:
        log(f"SELF-TEST FAIL {line}")
    return 1 if missed else 0


def build_image(args, root):
    tag = f"localhost/secure-ml-api:pod-{os.getpid()}"
    result = subprocess.run([str(REPO / "scripts/container-smoke.sh"), "--build-only", tag,
                             "--binary", args.binary], env={**os.environ, "SMLAPI_CTR_ROOT": root},
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"image build failed ({result.returncode}): {result.stdout[-800:]}"
                           f"{result.stderr[-800:]}")
    return tag


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(REPO / "build/secure-ml-api"))
    parser.add_argument("--overlay", action="append", choices=["prod", "dev"])
    parser.add_argument("--plant", choices=sorted(PLANTS))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if shutil.which("podman") is None:
        print("SKIP: podman is not installed (scripts/install-deps.sh --test installs it)")
        return SKIP
    if os.geteuid() != 0:
        print("FAIL: the pod test needs root (network namespaces, root-owned Secret files)")
        return 1
    root = os.environ.get("SMLAPI_POD_CTR_ROOT", "/tmp/smlapi-pod-ctr")
    image = build_image(args, root)
    podman = kubelet.Podman(root)
    log(f"image {image} from {args.binary}")
    try:
        if args.self_test:
            return self_test(args, image, podman)
        for overlay in args.overlay or ["prod", "dev"]:
            log(f"=== overlay {overlay}" + (f", planted {args.plant}" if args.plant else ""))
            run_pod(args, overlay, args.plant, image, podman)
        log("all checks passed")
        return 0
    except PodFailure as failure:
        log(f"FAIL {failure}")
        return 1
    finally:
        podman("rmi", "--force", image, check=False)


if __name__ == "__main__":
    sys.exit(main())
