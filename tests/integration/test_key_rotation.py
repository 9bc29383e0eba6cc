"""Signing keys rotated without a restart, through a Secret volume laid out as the kubelet
does (tests/pod/kubelet_volume.py): the service notices the swapped `..data` link by itself.

Rotation follows docs/security.md: step 1 adds a new signing key and keeps the old public key,
so tokens signed before keep verifying; step 2 removes the old key, and its tokens die at once.
A bad update keeps the previous keys and logs why, without secret material.
"""
import sys
from pathlib import Path

import conftest
import helpers_auth as h

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pod"))
import kubelet_volume  # noqa: E402 - tests/pod is not a package

FS_GROUP = 65532
MODE = kubelet_volume.file_mode(default_mode=0o440, fs_group=FS_GROUP)  # the prod manifest's


def key_files(staging, alg, kid):
    h.generate_key(staging, alg, kid)
    return {name: data for name, data in kubelet_volume.read_files(staging).items()
            if name.startswith(kid + ".")}


def project(volume, files, mode=MODE):
    kubelet_volume.project(volume, {name: (data, mode) for name, data in files.items()},
                           fs_group=FS_GROUP)


def key_events(svc, level=None):
    return [line for line in svc.log_lines() if line.get("event") == "keys.reload"
            and (level is None or line.get("level") == level)]


def wait_for_key_event(svc, count, level="info"):
    conftest.wait_until(lambda: len(key_events(svc, level)) >= count, timeout=20)
    return key_events(svc, level)[count - 1]


def kid_of(token):
    return h.split_token(token)[0]["kid"]


def test_swapped_secret_rotates_the_signing_key_without_a_restart(tmp_path):
    workdir = h.prepare_workdir(tmp_path / "svc")
    volume = tmp_path / "volume" / "keys"
    old = key_files(tmp_path / "staging-old", "EdDSA", "old-key")
    project(volume, old)
    # One worker: every request meets the verified-token cache that step 2 must clear.
    svc = conftest.start_service(workdir, "--keys-dir", volume, "--threads", "1", keys=False)
    try:
        old_token = svc.token()
        assert kid_of(old_token) == "old-key"
        assert h.predict(svc, old_token).status_code == 200

        # Step 1: a new signing key; the old public key stays for the tokens already out.
        new = key_files(tmp_path / "staging-new", "ES256", "new-key")
        project(volume, {**new, "old-key.pub.pem": old["old-key.pub.pem"], "active": b"new-key\n"})
        event = wait_for_key_event(svc, 1)
        assert "signing with new-key" in event["message"], event
        new_token = svc.token()
        assert kid_of(new_token) == "new-key"
        assert h.predict(svc, new_token).status_code == 200
        assert h.predict(svc, old_token).status_code == 200
        assert {k["kid"] for k in h.fetch_jwks(svc)["keys"]} == {"old-key", "new-key"}
        assert h.pyjwt_verify(svc, new_token)["sub"] == "alice"

        # Step 2: the old key leaves the set; its tokens stop working now, even those the
        # workers had already verified and cached.
        project(volume, new)
        event = wait_for_key_event(svc, 2)
        assert "kids new-key," in event["message"], event
        h.assert_invalid_token(h.predict(svc, old_token))
        assert h.predict(svc, new_token).status_code == 200
        assert {k["kid"] for k in h.fetch_jwks(svc)["keys"]} == {"new-key"}
    finally:
        svc.stop()


def test_bad_update_keeps_the_previous_keys(tmp_path):
    workdir = h.prepare_workdir(tmp_path / "svc")
    volume = tmp_path / "volume" / "keys"
    first = key_files(tmp_path / "staging-a", "EdDSA", "a")
    project(volume, first)
    svc = conftest.start_service(workdir, "--keys-dir", volume, keys=False)
    try:
        token = svc.token()
        # A group-writable projection (defaultMode 0460): anyone in the group could plant a key.
        second = key_files(tmp_path / "staging-b", "EdDSA", "b")
        project(volume, second, mode=0o460)
        event = wait_for_key_event(svc, 1, level="error")
        assert "writable by group or others" in event["message"], event
        assert "keeping the previous one" in event["message"], event
        assert "PRIVATE KEY" not in svc.log_text()
        assert svc.alive()
        assert kid_of(svc.token()) == "a"
        assert h.predict(svc, token).status_code == 200

        project(volume, second)  # the next, correct update is taken
        wait_for_key_event(svc, 1, level="info")
        assert kid_of(svc.token()) == "b"
    finally:
        svc.stop()
