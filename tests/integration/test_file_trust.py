"""Every file the service takes secrets or keys from passes one file-trust rule
(src/auth/secure_file.h): owned by root or the service's uid, writable by nobody else, on a path
nobody else can rewrite; secrets may be group-readable (a pod's fsGroup) but not world-readable.
"""
import os
import sys
from pathlib import Path

import pytest

import conftest
import helpers_auth as h
from helpers_core import assert_config_refused, serve_refused

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pod"))
import kubelet_volume  # noqa: E402 - tests/pod is not a package

FS_GROUP = 65532


def project(volume, source_dir, mode):
    files = kubelet_volume.read_files(source_dir)
    return kubelet_volume.project(volume, {n: (d, mode) for n, d in files.items()},
                                  fs_group=FS_GROUP)


def startup_failure(args):
    code, out, _ = serve_refused(conftest.BIN, args)
    assert code == 1, (code, out[-800:])
    return out


def test_kubelet_projected_keys_and_users_start_the_service(tmp_path):
    """The prod manifest's shape: both Secrets 0440 root:fsGroup behind ..data links."""
    workdir = h.prepare_workdir(tmp_path / "svc", "EdDSA", "k1")
    keys = tmp_path / "volumes" / "keys"
    users = tmp_path / "volumes" / "users"
    project(keys, workdir / "keys", 0o440)
    kubelet_volume.project(users, {"users.json": ((workdir / "users.json").read_bytes(), 0o440)},
                           fs_group=FS_GROUP)
    svc = conftest.start_service(workdir, "--keys-dir", keys, "--users-file",
                                 users / "users.json", keys=False, users_file=False)
    try:
        assert h.predict(svc, svc.token()).status_code == 200
    finally:
        svc.stop()


@pytest.mark.parametrize("mode, reason", [(0o460, "writable by group or others"),
                                          (0o444, "accessible by others")])
def test_untrusted_signing_keys_stop_the_start(tmp_path, mode, reason):
    workdir = h.prepare_workdir(tmp_path / "svc", "EdDSA", "k1")
    project(tmp_path / "keys", workdir / "keys", mode)
    out = startup_failure(["--keys-dir", tmp_path / "keys", "--users-file", workdir / "users.json"])
    assert reason in out, out[-800:]


def test_users_file_writable_by_the_group_stops_the_start(tmp_path):
    workdir = h.prepare_workdir(tmp_path / "svc", "EdDSA", "k1")
    users = workdir / "users.json"
    os.chmod(users, 0o620)
    out = startup_failure(["--keys-dir", workdir / "keys", "--users-file", users])
    assert "--users-file" in out and "writable by group or others" in out, out[-800:]


def test_users_file_of_another_account_stops_the_start(tmp_path):
    workdir = h.prepare_workdir(tmp_path / "svc", "EdDSA", "k1")
    users = workdir / "users.json"
    os.chown(users, FS_GROUP, FS_GROUP)
    out = startup_failure(["--keys-dir", workdir / "keys", "--users-file", users])
    assert "owned by uid 65532" in out, out[-800:]


def test_redis_password_file_readable_by_others_is_refused(tmp_path):
    secret = tmp_path / "redis-password"
    secret.write_text("not-a-real-password\n")
    secret.chmod(0o644)
    result = serve_refused(conftest.BIN, ["--redis-host", "127.0.0.1", "--redis-password-file",
                                          secret])
    assert_config_refused(result, "--redis-password-file", "accessible by others")
    assert "not-a-real-password" not in result[1] + result[2]


def test_tls_key_writable_by_the_group_is_refused(tmp_path):
    key = tmp_path / "tls.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    key.chmod(0o660)
    result = serve_refused(conftest.BIN, ["--tls-cert", tmp_path / "tls.crt", "--tls-key", key])
    assert_config_refused(result, "--tls-key", "writable by group or others")


def test_redis_ca_file_writable_by_others_is_refused(tmp_path):
    # A CA bundle is public, but whoever can write it decides which Redis the service trusts.
    ca = tmp_path / "redis-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    ca.chmod(0o666)
    result = serve_refused(conftest.BIN, ["--redis-host", "127.0.0.1", "--redis-tls", "on",
                                          "--redis-tls-ca-file", ca])
    assert_config_refused(result, "--redis-tls-ca-file", "writable by group or others")


def test_tls_certificate_writable_by_the_group_is_refused(tmp_path):
    cert = tmp_path / "tls.crt"
    cert.write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    cert.chmod(0o664)
    key = tmp_path / "tls.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    key.chmod(0o600)
    result = serve_refused(conftest.BIN, ["--tls-cert", cert, "--tls-key", key])
    assert_config_refused(result, "--tls-cert", "writable by group or others")
