"""A users file or key directory that a reload finds missing, corrupt or untrusted is a visible
degraded state (issue 16, item 3): the last good identities stay live, and the service says so
in the log (naming the file and the failure, never the contents), in metrics
(smlapi_identity_source_ok, smlapi_identity_reload_failures_total) and in /readyz's body, which
stays 200 with "degraded": [...]. A later good load is logged as recovered.
"""
import os

import requests

import conftest
import helpers_auth as h
from helpers_auth import services_fixture  # noqa: F401 - provides the `services` fixture
from helpers_core import metric_sum, parse_metrics, scrape


def source_metrics(svc, source):
    samples, _ = parse_metrics(scrape(svc))
    return (metric_sum(samples, "smlapi_identity_source_ok", source=source),
            metric_sum(samples, "smlapi_identity_reload_failures_total", source=source),
            metric_sum(samples, "smlapi_identity_last_load_timestamp_seconds", source=source))


def readiness(svc):
    r = requests.get(svc.url("/readyz"), timeout=10)
    return r.status_code, r.json()


def events(svc, event, **fields):
    return [line for line in svc.log_lines() if line.get("event") == event
            and all(line.get(k) == v for k, v in fields.items())]


def wait_for_event(svc, event, count, **fields):
    conftest.wait_until(lambda: len(events(svc, event, **fields)) >= count, timeout=20)
    return events(svc, event, **fields)[count - 1]


def assert_degraded(svc, source, name, failures_at_least):
    conftest.wait_until(lambda: source_metrics(svc, source)[0] == 0, timeout=20)
    ok, failures, last_load = source_metrics(svc, source)
    assert failures >= failures_at_least and last_load > 0, (ok, failures, last_load)
    status, body = readiness(svc)
    assert status == 200 and body["status"] == "ready", body
    assert body.get("degraded") == [name], body


def assert_recovered(svc, source):
    conftest.wait_until(lambda: source_metrics(svc, source)[0] == 1, timeout=20)
    status, body = readiness(svc)
    assert status == 200 and "degraded" not in body, body


def test_deleted_or_corrupt_users_file_is_a_visible_degraded_state(services):
    svc = services()
    users = svc.workdir / "users.json"
    original = users.read_bytes()
    kept = svc.workdir / "users.json.kept"
    assert source_metrics(svc, "users")[0] == 1
    assert readiness(svc) == (200, {"status": "ready"})

    os.rename(users, kept)  # deleted
    line = wait_for_event(svc, "users.reload", 1, level="error", state="degraded")
    assert line["file"] == str(users), line
    assert "not loaded, keeping the previous one" in line["message"], line
    assert_degraded(svc, "users", "users_file", 1)
    # The last good accounts are still served.
    assert h.post_token(svc, h.password_form("alice")).status_code == 200

    os.rename(kept, users)  # restored (same mode and owner)
    line = wait_for_event(svc, "users.reload", 2, level="info", state="ok")  # 1: start-up
    assert "recovered" in line["message"], line
    assert_recovered(svc, "users")

    users.write_bytes(b'{"users": [ not json')  # corrupted in place
    line = wait_for_event(svc, "users.reload", 2, level="error", state="degraded")
    assert "not json" not in line["message"] and "argon2" not in line["message"], line
    assert_degraded(svc, "users", "users_file", 2)

    users.write_bytes(original)
    wait_for_event(svc, "users.reload", 3, level="info", state="ok")
    assert_recovered(svc, "users")
    assert "$argon2id$" not in svc.log_text()


def test_untrusted_users_file_is_a_degraded_state(services):
    svc = services()
    users = svc.workdir / "users.json"
    os.chmod(users, 0o666)  # writable by others: refused by the file-trust rule
    line = wait_for_event(svc, "users.reload", 1, level="error", state="degraded")
    assert "writable by group or others" in line["message"], line
    assert_degraded(svc, "users", "users_file", 1)
    os.chmod(users, 0o600)
    line = wait_for_event(svc, "users.reload", 2, level="info", state="ok")
    assert "recovered" in line["message"], line
    assert_recovered(svc, "users")


def test_missing_key_directory_is_a_degraded_state(services):
    svc = services()
    keys = svc.workdir / "keys"
    moved = svc.workdir / "keys.moved"
    token = svc.token()
    os.rename(keys, moved)
    line = wait_for_event(svc, "keys.reload", 1, level="error", state="degraded")
    assert line["file"] == str(keys), line
    assert_degraded(svc, "keys", "keys_dir", 1)
    # The last good keys still sign and verify.
    assert h.predict(svc, token).status_code == 200
    assert h.predict(svc, svc.token()).status_code == 200
    os.rename(moved, keys)
    line = wait_for_event(svc, "keys.reload", 1, level="info", state="ok")
    assert "recovered" in line["message"], line
    assert_recovered(svc, "keys")
