"""Per-principal quotas (issue 16 item 7): plans in the users file set the per-subject limit of
the users and clients that name them, and the RateLimit headers say which policy counted —
with the in-process limiter and with a real redis-server.

Each request comes "from" another address (X-Forwarded-For through a trusted loopback proxy)
so that only the per-subject limit can refuse it.
"""
import json
import os
import signal

import pytest
import requests

import conftest
import helpers_auth as h

DEFAULT_PREDICT = "1/3600s+2"   # the server's subject (and address) policy: 3 at once
GOLD = ("600", "20")            # requests a minute, burst
PREFIX = "plans-test:"


def cli(workdir, *args):
    return conftest.run_cli(*args, "--users-file", str(workdir / "users.json"))


def gold_workdir(tmp_path):
    workdir = h.prepare_workdir(tmp_path / "svc")
    cli(workdir, "plans", "set", "gold", "--requests-per-minute", GOLD[0], "--burst", GOLD[1])
    cli(workdir, "users", "set-plan", "alice", "gold")
    return workdir


def start(workdir, *extra):
    return conftest.start_service(workdir, "--rate-limit-predict", DEFAULT_PREDICT,
                                  "--trusted-proxies", "127.0.0.1/32", *extra)


def predict_from(svc, token, i):
    return h.predict(svc, token, headers={"X-Forwarded-For": f"10.1.{i // 250}.{i % 250 + 1}"})


def subject_items(response, header):
    """The per-subject items of a RateLimit(-Policy) field (the address's are "predict")."""
    value = response.headers.get(header, "")
    return [item.strip() for item in value.split(",") if item.strip().startswith('"predict-user')]


def check_plans(svc):
    alice, root = svc.token("alice"), svc.token("root")
    # alice's plan: far more than the default's 3, and the headers name the plan's policy.
    for i in range(12):
        r = predict_from(svc, alice, i)
        assert r.status_code == 200, (i, r.status_code, r.text)
        assert subject_items(r, "RateLimit-Policy") == ['"predict-user.gold";q=600;w=60'], r.headers
        assert subject_items(r, "RateLimit")[0].startswith('"predict-user.gold";r='), r.headers
    # root has no plan: the server's --rate-limit-predict, burst 2.
    statuses = []
    for i in range(100, 104):
        r = predict_from(svc, root, i)
        statuses.append(r.status_code)
        assert subject_items(r, "RateLimit-Policy") == ['"predict-user";q=1;w=3600'], r.headers
    assert statuses == [200, 200, 200, 429], statuses
    return root


def test_gold_user_gets_its_plan_and_others_the_default(tmp_path):
    workdir = gold_workdir(tmp_path)
    svc = start(workdir)
    try:
        root = check_plans(svc)
        # Moved to gold while running: counted under the plan from the next reload on.
        cli(workdir, "users", "set-plan", "root", "gold")
        os.kill(svc.pid, signal.SIGHUP)
        conftest.wait_until(lambda: predict_from(svc, root, 200).status_code == 200)
        r = predict_from(svc, root, 201)
        assert subject_items(r, "RateLimit-Policy") == ['"predict-user.gold";q=600;w=60']
    finally:
        svc.stop()


def test_plans_with_redis(tmp_path, redis_server):
    workdir = gold_workdir(tmp_path)
    svc = start(workdir, "--redis-host", "127.0.0.1", "--redis-port", str(redis_server.port),
                "--redis-key-prefix", PREFIX)
    try:
        check_plans(svc)
        keys = redis_server.command("--scan", "--pattern", PREFIX + "*").split()
        assert any(k.endswith("sub:alice:plan:gold") for k in keys), keys
        assert any(k.endswith("sub:root") for k in keys), keys
    finally:
        svc.stop()


def test_a_plan_client_gets_its_plan(tmp_path):
    workdir = gold_workdir(tmp_path)
    cli(workdir, "clients", "set-plan", "batch-job", "gold")
    svc = start(workdir)
    try:
        token = svc.client_token("batch-job")
        for i in range(6):
            r = predict_from(svc, token, i)
            assert r.status_code == 200, r.text
            assert subject_items(r, "RateLimit-Policy") == ['"predict-user.gold";q=600;w=60']
    finally:
        svc.stop()


@pytest.mark.parametrize("edit, message", [
    (lambda f: f["users"][0].update(plan="platinum"), "users[0].plan: unknown plan 'platinum'"),
    (lambda f: f["plans"]["gold"].update(requests_per_minute=0),
     "plans.gold.requests_per_minute: must be an integer 1 to 1000000"),
    (lambda f: f["plans"]["gold"].update(burst=-1), "plans.gold.burst: must be an integer 0 to"),
])
def test_bad_plans_fail_the_load_naming_the_entry(tmp_path, edit, message):

    workdir = gold_workdir(tmp_path)
    path = workdir / "users.json"
    content = json.loads(path.read_text())
    edit(content)
    path.write_text(json.dumps(content))
    os.chmod(path, 0o600)
    result = conftest.run_cli("serve", "--users-file", str(path), "--port", "0", check=False)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr, result.stdout + result.stderr
    # And the CLI refuses to name an unknown plan.
    fresh = gold_workdir(tmp_path / "cli")
    bad = conftest.run_cli("users", "set-plan", "alice", "platinum", "--users-file",
                           str(fresh / "users.json"), check=False)
    assert bad.returncode != 0
    assert "unknown plan 'platinum'" in bad.stderr, bad.stderr
