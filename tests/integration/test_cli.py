"""The command line (issue 3 and the service contract): score, users/clients, keys, healthcheck,
--help documenting every option with its environment twin, and configuration validated at start
(exit 2 with a clear message)."""
import json
import os
import re
import signal
import stat
import subprocess

import pytest
import requests

from conftest import BIN, ROOT, free_port, run_cli, start_service, wait_until
from helpers_core import REQUEST_TIMEOUT, assert_config_refused, post_json, serve_refused

# Options `serve` documents (TLS termination is left to the ingress/sidecar for
# now: see the closing note of issue 3).
CONTRACT_OPTIONS = [
    "host", "port", "threads", "max-connections", "max-concurrent-hashes", "users-file", "keys-dir",
    "signing-kid", "issuer", "audience", "token-ttl", "lexicon", "lexicon-overrides",
    "redis-host", "redis-port", "redis-username", "redis-password-file", "redis-key-prefix",
    "redis-timeout-ms", "redis-failure-mode", "rate-limit-default", "rate-limit-token",
    "rate-limit-predict", "rate-limits", "trusted-proxies", "cors-origins",
    "shutdown-delay", "shutdown-timeout", "access-log",
]


def cli(*args, stdin="", env=None):
    return run_cli(*args, stdin=stdin, env=env, check=False)


def help_text():
    result = cli("--help")
    assert result.returncode == 0, result.stderr
    return result.stdout


def documented_options(text):
    """Option names from the Options section of --help."""
    options_section = text.split("\nOptions", 1)[1]
    return re.findall(r"^\s+--([a-z0-9-]+)\b", options_section, flags=re.MULTILINE)


# ---- score ----------------------------------------------------------------------------------

def test_score_one_json_per_line():
    lines = ["I love it", "I hate it", "The chair is brown", "😀 great"]
    result = cli("score", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert len(out) == len(lines)
    for raw in out:
        scores = json.loads(raw)
        assert set(scores) >= {"neg", "neu", "pos", "compound"}, scores
    assert json.loads(out[0])["compound"] >= 0.05
    assert json.loads(out[1])["compound"] <= -0.05


def test_score_matches_the_api(service):
    token = service.token("alice")
    texts = ["I love it", "This is awful", "The table"]
    result = cli("score", stdin="\n".join(texts) + "\n")
    for raw, text in zip(result.stdout.splitlines(), texts):
        api = post_json(service, "/predict", {"text": text}, token).json()["scores"]
        assert {k: json.loads(raw)[k] for k in api} == api


def test_score_invalid_utf8_line_reports_and_continues():
    data = b"I love it\n\xff\xfe not utf-8\nI hate it\n"
    result = subprocess.run([BIN, "score"], input=data, capture_output=True, timeout=60)
    assert result.returncode == 1, result.stderr  # rows failed (docs/scoring-files.md)
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(out) == 3
    assert out[0]["compound"] > 0
    assert set(out[1]) == {"error"} and isinstance(out[1]["error"], str) and out[1]["error"]
    assert out[2]["compound"] < 0


def test_score_last_line_without_newline_and_crlf():
    result = cli("score", stdin="I love it\r\nI hate it")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 2
    assert out[0]["compound"] > 0 and out[1]["compound"] < 0


def test_score_empty_input():
    result = cli("score", stdin="")
    assert result.returncode == 0
    assert result.stdout == ""


def test_score_rejects_arguments():
    result = cli("score", "extra")
    assert result.returncode == 2
    assert "usage" in result.stderr.lower()


def test_score_with_the_second_model():
    result = cli("score", "--model", "afinn", stdin="good\nnot good\ntable\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out == [{"label": "POSITIVE", "score": 3, "comparative": 3.0},
                   {"label": "NEGATIVE", "score": -3, "comparative": -1.5},
                   {"label": "NEUTRAL", "score": 0, "comparative": 0.0}], out


def test_score_refuses_an_unknown_model():
    result = cli("score", "--model", "gpt", stdin="x\n")
    assert result.returncode == 2
    assert "unknown --model" in result.stderr and "vader" in result.stderr, result.stderr
    assert result.stdout == ""


# ---- the environment ------------------------------------------------------------------------

def test_every_environment_variable_of_the_manifests_is_an_option():
    # serve ignores variables it does not know (with a warning): a ConfigMap entry that is no
    # option, as SMLAPI_MAX_IN_FLIGHT and SMLAPI_LOG_LEVEL once were, configures nothing.
    known = set(re.findall(r"env (SMLAPI_[A-Z0-9_]+)", help_text()))
    used = set()
    for manifest in (ROOT / "deploy" / "k8s").rglob("*.yaml"):
        used |= {name for name in re.findall(r"\b(SMLAPI_[A-Z0-9_]+)=", manifest.read_text())}
        used |= set(re.findall(r"name:\s*(SMLAPI_[A-Z0-9_]+)", manifest.read_text()))
    assert used, "the manifests set no SMLAPI_ variable: the scan is broken"
    assert used <= known, sorted(used - known)


def test_unknown_environment_variable_is_warned_about_at_start(tmp_path):
    svc = start_service(tmp_path, env={"SMLAPI_MAX_IN_FLIGHT": "4096", "SMLAPI_PORTT": "1"})
    try:
        warnings = [line for line in svc.log_lines() if line.get("event") == "startup.config"]
        names = {line["message"].split()[0] for line in warnings}
        # The runner's environment may hold other stray SMLAPI_ names: ours must be reported,
        # and never the name of a real option.
        assert {"SMLAPI_MAX_IN_FLIGHT", "SMLAPI_PORTT"} <= names, warnings
        options = set(re.findall(r"env (SMLAPI_[A-Z0-9_]+)", help_text()))
        assert not names & options, warnings
        assert all(line["level"] == "warn" for line in warnings), warnings
    finally:
        svc.stop()


# ---- users and clients ----------------------------------------------------------------------

def test_users_lifecycle(tmp_path):
    users = tmp_path / "users.json"
    password = "bob-password-123456"
    added = cli("users", "add", "bob", "--users-file", str(users), "--scopes", "predict",
                stdin=password + "\n")
    assert added.returncode == 0, added.stderr
    assert stat.S_IMODE(users.stat().st_mode) & 0o077 == 0, "users file readable by others"
    assert password not in users.read_text()
    assert "$argon2id$" in users.read_text()

    listed = cli("users", "list", "--users-file", str(users))
    assert listed.returncode == 0
    assert re.search(r"^bob\s+predict$", listed.stdout, flags=re.MULTILINE), listed.stdout
    assert "argon2" not in listed.stdout

    duplicate = cli("users", "add", "bob", "--users-file", str(users), stdin="other-password-1\n")
    assert duplicate.returncode == 1, duplicate
    assert "user 'bob' already exists" in duplicate.stderr, duplicate.stderr

    before = users.read_text()
    changed = cli("users", "passwd", "bob", "--users-file", str(users),
                  stdin="new-password-654321\n")
    assert changed.returncode == 0, changed.stderr
    assert users.read_text() != before
    assert "new-password-654321" not in users.read_text()

    unknown = cli("users", "passwd", "nobody-here", "--users-file", str(users),
                  stdin="x-password-12345\n")
    assert unknown.returncode == 1 and "no user 'nobody-here'" in unknown.stderr, unknown
    removed = cli("users", "remove", "bob", "--users-file", str(users))
    assert removed.returncode == 0
    assert "bob" not in cli("users", "list", "--users-file", str(users)).stdout
    gone = cli("users", "remove", "bob", "--users-file", str(users))
    assert gone.returncode == 1 and "no user 'bob'" in gone.stderr, gone


@pytest.mark.parametrize("argv, reason", [
    (["users", "add", "carol", "--password", "carol-password-123"], "unknown option --password"),
    (["users", "add", "carol", "carol-password-123"], "users add needs exactly one NAME"),
    (["users", "add", "carol", "--password=carol-password-123"], "unknown option --password"),
    (["users", "passwd", "alice", "--password", "carol-password-123"],
     "unknown option --password"),
    (["clients", "add", "job", "--secret", "carol-password-12345678"], "unknown option --secret"),
])
def test_password_is_never_taken_from_argv(tmp_path, argv, reason):
    users = tmp_path / "users.json"
    run_cli("users", "add", "alice", "--users-file", str(users), stdin="alice-password-123\n")
    before = users.read_text()
    result = cli(*argv, "--users-file", str(users), stdin="stdin-password-12345\n")
    assert result.returncode == 1, result
    assert reason in result.stderr, result.stderr
    assert users.read_text() == before, "the file changed although the password was on argv"
    assert "carol-password" not in result.stdout + result.stderr


@pytest.mark.parametrize("name, password, why", [
    ("dave", "short", "password"),
    ("bad name!", "dave-password-1234", "name"),
    ("eve", "eve-password-12345", "scope"),
])
def test_users_add_validation(tmp_path, name, password, why):
    users = tmp_path / "users.json"
    scopes = "bogus" if why == "scope" else "predict"
    result = cli("users", "add", name, "--users-file", str(users), "--scopes", scopes,
                 stdin=password + "\n")
    assert result.returncode == 1, result
    assert why in result.stderr.lower(), result.stderr
    assert password not in result.stderr


def test_clients_lifecycle(tmp_path):
    users = tmp_path / "users.json"
    secret = "job-secret-0123456789abcdef"
    added = cli("clients", "add", "nightly-job", "--users-file", str(users), "--scopes",
                "predict", stdin=secret + "\n")
    assert added.returncode == 0, added.stderr
    assert secret not in users.read_text()
    assert "nightly-job" in cli("clients", "list", "--users-file", str(users)).stdout
    assert cli("clients", "remove", "nightly-job", "--users-file", str(users)).returncode == 0
    assert "nightly-job" not in cli("clients", "list", "--users-file", str(users)).stdout


def test_passwd_takes_effect_in_a_running_service(tmp_path):
    svc = start_service(tmp_path / "svc")
    try:
        users = tmp_path / "svc" / "users.json"
        changed = cli("users", "passwd", "alice", "--users-file", str(users),
                      stdin="alice-new-password-42\n")
        assert changed.returncode == 0, changed.stderr
        svc.proc.send_signal(signal.SIGHUP)

        def new_password_works():
            r = requests.post(svc.url("/token"), data={
                "grant_type": "password", "username": "alice",
                "password": "alice-new-password-42"}, timeout=REQUEST_TIMEOUT)
            return r.status_code == 200

        wait_until(new_password_works, timeout=30, interval=0.5)
        old = requests.post(svc.url("/token"), data={
            "grant_type": "password", "username": "alice", "password": "alice-password-123"},
            timeout=REQUEST_TIMEOUT)
        assert old.status_code == 400, old.text
        assert old.json()["error"] == "invalid_grant", old.text
    finally:
        svc.stop()


# ---- keys -----------------------------------------------------------------------------------

@pytest.mark.parametrize("alg, files", [
    ("EdDSA", ["k1.pem", "k1.pub.pem"]), ("ES256", ["k1.pem", "k1.pub.pem"]),
    ("RS256", ["k1.pem", "k1.pub.pem"]), ("HS256", ["k1.hs256"])])
def test_keys_generate(tmp_path, alg, files):
    out = tmp_path / "keys"
    result = cli("keys", "generate", "--alg", alg, "--kid", "k1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    secret = out / files[0]
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    if alg != "HS256":
        assert secret.read_text().startswith("-----BEGIN PRIVATE KEY-----")
        assert (out / "k1.pub.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    else:
        assert len(secret.read_bytes()) >= 32
    again = cli("keys", "generate", "--alg", alg, "--kid", "k1", "--out", str(out))
    assert again.returncode == 1, "an existing key was overwritten"
    assert "k1" in again.stderr, again.stderr


@pytest.mark.parametrize("args, code, reason", [
    (["--alg", "none", "--kid", "k", "--out", "OUT"], 1,
     "--alg must be one of EdDSA, ES256, RS256, HS256"),
    (["--alg", "EdDSA", "--kid", "../escape", "--out", "OUT"], 1, "invalid kid '../escape'"),
    (["--alg", "EdDSA", "--kid", "k"], 2, "usage: secure-ml-api keys generate"),
])
def test_keys_generate_refuses_bad_arguments(tmp_path, args, code, reason):
    args = [str(tmp_path / "keys") if a == "OUT" else a for a in args]
    result = cli("keys", "generate", *args)
    assert result.returncode == code, result
    assert reason in result.stderr, result.stderr
    assert not (tmp_path / "keys").exists() or not list((tmp_path / "keys").iterdir())
    assert not (tmp_path / "escape.pem").exists()


# ---- healthcheck ----------------------------------------------------------------------------

def test_healthcheck_uses_the_port_from_the_environment(service):
    env = dict(os.environ, SMLAPI_PORT=str(service.port))
    assert cli("healthcheck", env=env).returncode == 0
    nothing = free_port()
    assert cli("healthcheck", env=dict(os.environ, SMLAPI_PORT=str(nothing))).returncode == 1


def test_healthcheck_url(service):
    # The documented form: healthcheck [--url URL].
    ok = cli("healthcheck", "--url", service.url("/healthz"))
    assert ok.returncode == 0, ok.stderr
    nothing = free_port()
    assert cli("healthcheck", "--url", f"http://127.0.0.1:{nothing}/healthz").returncode == 1
    assert cli("healthcheck", "--url", service.url("/not-health")).returncode == 1


# ---- help and configuration -----------------------------------------------------------------

def test_help_lists_commands_and_exits_zero():
    text = help_text()
    for command in ("serve", "score", "users", "clients", "keys", "healthcheck", "sleep",
                    "version"):
        assert re.search(rf"^\s+{command}\b", text, flags=re.MULTILINE), command
    assert cli("serve", "--help").returncode == 0


def test_help_documents_every_option_with_its_env_twin():
    text = help_text()
    options = documented_options(text)
    assert len(options) >= 20, options
    options_section = text.split("\nOptions", 1)[1]
    for option in options:
        env = "SMLAPI_" + option.upper().replace("-", "_")
        block = options_section.split(f"--{option} ", 1)[1].split("\n  --", 1)[0]
        assert f"env {env}" in block, (option, block)


def test_help_documents_every_contract_option():
    documented = set(documented_options(help_text()))
    missing = [option for option in CONTRACT_OPTIONS if option not in documented]
    assert missing == [], f"options of the service contract missing from --help: {missing}"


def test_every_documented_option_is_recognised():
    # Without a value each option must be reported as needing one (not as unknown).
    for option in documented_options(help_text()):
        result = cli("serve", f"--{option}")
        assert result.returncode == 2, (option, result.returncode)
        assert "unknown" not in result.stderr.lower(), (option, result.stderr)


def test_version():
    result = cli("version")
    assert result.returncode == 0
    assert re.search(r"\d+\.\d+\.\d+", result.stdout)


def test_unknown_command_is_a_usage_error():
    result = cli("frobnicate")
    assert result.returncode == 2
    assert "frobnicate" in result.stderr


BAD_CONFIGURATION = [
    (["--port", "abc"], "--port"),
    (["--port", "70000"], "--port"),
    (["--threads", "-1"], "--threads"),
    (["--max-body-bytes", "0"], "--max-body-bytes"),
    (["--max-connections", "0"], "--max-connections"),
    (["--token-ttl", "5"], "--token-ttl"),
    (["--rate-limit-default", "5"], "--rate-limit-default"),
    (["--rate-limit-predict", "0/60s"], "--rate-limit-predict"),
    (["--rate-limits", "maybe"], "--rate-limits"),
    (["--shutdown-delay", "5x"], "--shutdown-delay"),
    (["--shutdown-timeout", "-1s"], "--shutdown-timeout"),
    (["--header-timeout", "forever"], "--header-timeout"),
    (["--redis-failure-mode", "maybe"], "--redis-failure-mode"),
    (["--redis-port", "0"], "--redis-port"),
    (["--access-log", "sometimes"], "--access-log"),
    (["--cors-origins", "*"], "--cors-origins"),
    (["--trusted-proxies", "not-a-cidr"], "--trusted-proxies"),
    (["--no-such-option", "1"], "--no-such-option"),
    (["--port"], "--port"),
]


@pytest.mark.parametrize("args, option", BAD_CONFIGURATION,
                         ids=[" ".join(case[0]) for case in BAD_CONFIGURATION])
def test_bad_configuration_exits_2_with_a_clear_message(args, option):
    # The reason goes to stderr and names the offending option; nothing starts.
    assert_config_refused(serve_refused(BIN, args), option)


@pytest.mark.parametrize("env, name", [
    ({"SMLAPI_PORT": "abc"}, "port"),
    ({"SMLAPI_MAX_BODY_BYTES": "ten"}, "max-body-bytes"),
    ({"SMLAPI_RATE_LIMITS": "maybe"}, "rate-limits"),
])
def test_bad_environment_value_exits_2(env, name):
    # An environment twin is reported under its option's name, with what it accepts.
    result = serve_refused(BIN, [], env=env, add_port="SMLAPI_PORT" not in env)
    assert_config_refused(result, f"--{name} must be")


@pytest.mark.parametrize("args, reason", [
    (["--users-file", "/nonexistent/users.json"], "--users-file: /nonexistent/users.json: "),
    (["--keys-dir", "/nonexistent/keys"], "--keys-dir: /nonexistent/keys: "),
    (["--lexicon", "/nonexistent/lexicon.txt"], "cannot read --lexicon file"),
])
def test_missing_files_stop_the_start_with_a_clear_message(args, reason):
    """Valid options whose files cannot be read: exit 1 after one startup.failed error event
    that names the option (and the path), and no startup event."""
    code, out, _ = serve_refused(BIN, args)
    assert code == 1, (code, out[-500:])
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    failed = [e for e in events if e.get("event") == "startup.failed"]
    assert len(failed) == 1 and failed[0]["level"] == "error", events
    assert reason in failed[0]["message"], failed[0]
    assert not any(e.get("event") == "startup" for e in events), events


def test_environment_twin_configures_the_service(tmp_path):
    svc = start_service(tmp_path / "svc", env={"SMLAPI_MAX_TEXT_CHARS": "7"})
    try:
        token = svc.token()
        ok = post_json(svc, "/predict", {"text": "x" * 7}, token)
        assert ok.status_code == 200
        too_long = post_json(svc, "/predict", {"text": "x" * 8}, token)
        assert too_long.status_code == 422
        assert "7" in too_long.json()["detail"][0]["msg"]
    finally:
        svc.stop()


def test_sleep():
    assert cli("sleep", "0").returncode == 0
    assert cli("sleep", "-1").returncode == 2
