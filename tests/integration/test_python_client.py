"""The Python client package (clients/python, issue 19 item 2) against the real binary.

The package is installed the way a user installs it — pip from the checkout (Debian's
python3-pip and python3-setuptools, no index, no build isolation) into a temporary target
directory — and imported from there, so a packaging mistake (a missing module, py.typed)
fails here. Covered: both grants, tokens cached (counted by the server's
smlapi_auth_tokens_issued_total) and renewed before expiry (the client's clock moved on),
one new token after a revoked one answers 401, 429 retried after Retry-After, typed errors
(401, 403, 404, 422 with the server's detail list), batches split to the server's limit
(learnt from its refusal, or given) with every result in order, the Open Inference Protocol,
health and readiness (503 while draining), TLS verification and a CA bundle, the explain
option, the examples of docs/python-client.md and clients/python/README.md run as written,
the package's unit tests, and mypy --strict over the package.
"""
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

import conftest
import helpers_auth as h
from helpers_auth import services_fixture  # noqa: F401 - provides the `services` fixture
from helpers_core import metric_sum, parse_metrics, scrape, wait_for_access_line

ROOT = conftest.ROOT
PACKAGE = ROOT / "clients" / "python"
CLIENT_ID, CLIENT_SECRET = "batch-job", conftest.CLIENTS["batch-job"][0]
TEXTS = ["I love this API!", "The docs are confusing and slow.", "It is a chair."]
LABELS = ["POSITIVE", "NEGATIVE", "NEUTRAL"]


# ---- the package, installed from the checkout ------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """pip-installs a copy of clients/python (pip builds in the source tree: a copy keeps the
    checkout clean) into a target directory and puts that directory first on sys.path."""
    work = tmp_path_factory.mktemp("pyclient")
    source = work / "src"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", ".mypy_cache"))
    target = work / "site"
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PIP_ROOT_USER_ACTION": "ignore"}
    result = subprocess.run(
        ["/usr/bin/python3", "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)], capture_output=True, text=True, env=env,
        timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(target))
    yield target
    sys.path.remove(str(target))


@pytest.fixture(scope="module")
def smlapi(site):
    import secure_ml_api_client  # noqa: PLC0415 - importable only once installed

    assert Path(secure_ml_api_client.__file__).is_relative_to(site)
    return secure_ml_api_client


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    """One service for the module's plain tests (rate limits lifted)."""
    workdir = h.prepare_workdir(tmp_path_factory.mktemp("svc"))
    service = conftest.start_service(workdir)
    yield service
    service.stop()


def machine_client(smlapi, svc, **kwargs):
    return smlapi.Client(svc.base_url, smlapi.ClientCredentials(CLIENT_ID, CLIENT_SECRET),
                         **kwargs)


def user_client(smlapi, svc, user="alice", **kwargs):
    return smlapi.Client(svc.base_url,
                         smlapi.PasswordCredentials(user, conftest.USERS[user][0]), **kwargs)


def tokens_issued(svc, grant):
    samples, _ = parse_metrics(scrape(svc))
    return metric_sum(samples, "smlapi_auth_tokens_issued_total", grant_type=grant)


def answers(svc, route, status):
    samples, _ = parse_metrics(scrape(svc))
    return metric_sum(samples, "smlapi_http_request_duration_seconds_count", route=route,
                      status=str(status))


# ---- the package itself ---------------------------------------------------------------------

def test_installed_package_is_typed(site, smlapi):
    assert (site / "secure_ml_api_client" / "py.typed").is_file()
    assert smlapi.__version__ == "0.1.0"


def test_package_unit_tests_pass(site):
    result = subprocess.run(
        ["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(PACKAGE / "tests")], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(site)}, cwd=PACKAGE)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_mypy_strict_passes(tmp_path):
    mypy = shutil.which("mypy")
    assert mypy, "mypy is missing: scripts/install-deps.sh --test installs mypy and python3-typeshed"
    result = subprocess.run(
        [mypy, "--strict", "--cache-dir", str(tmp_path / "cache"),
         str(PACKAGE / "src" / "secure_ml_api_client")], capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


# ---- tokens ---------------------------------------------------------------------------------

@pytest.mark.parametrize("grant", ["client_credentials", "password"])
def test_one_token_serves_many_calls(smlapi, svc, grant):
    before = tokens_issued(svc, grant)
    with (machine_client(smlapi, svc) if grant == "client_credentials"
          else user_client(smlapi, svc)) as client:
        for text in TEXTS:
            client.predict(text)
        client.predict_batch(TEXTS)
        client.infer("vader", TEXTS)
        assert client.token_fetches == 1
    assert tokens_issued(svc, grant) - before == 1


def test_threads_share_one_token(smlapi, svc):
    before = tokens_issued(svc, "client_credentials")
    client = machine_client(smlapi, svc)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        labels = list(pool.map(lambda i: client.predict(TEXTS[i % 3]).label, range(32)))
    assert labels == [LABELS[i % 3] for i in range(32)]
    assert tokens_issued(svc, "client_credentials") - before == 1


def test_token_is_renewed_before_it_expires(smlapi, svc):
    now = [1000.0]
    before = tokens_issued(svc, "client_credentials")
    refused = answers(svc, "/predict", 401)
    client = machine_client(smlapi, svc, clock=lambda: now[0], token_refresh_margin=60)
    client.predict("good")
    now[0] += 900 - 60 - 1  # the server's default lifetime is 900 s: still inside the margin
    client.predict("good")
    assert tokens_issued(svc, "client_credentials") - before == 1
    now[0] += 2  # 60 s before expiry: renewed before the token could be refused
    client.predict("good")
    assert client.token_fetches == 2
    assert tokens_issued(svc, "client_credentials") - before == 2
    assert answers(svc, "/predict", 401) == refused


def test_a_revoked_token_is_replaced_once(smlapi, svc):
    client = user_client(smlapi, svc)
    token = client.token()
    revoked = requests.post(svc.url("/token/revoke"), data={"token": token},
                            headers=svc.auth(token), timeout=30)
    assert revoked.status_code == 200, revoked.text
    assert client.predict("good").label == "POSITIVE"
    assert client.token_fetches == 2
    # the server saw the refused attempt and the retry under one request id
    refused = wait_for_access_line(svc, lambda line: line.get("route") == "/predict"
                                   and line.get("status") == 401)
    wait_for_access_line(svc, lambda line: line.get("request_id") == refused["request_id"]
                         and line.get("status") == 200)


def test_a_static_token_that_was_revoked_is_an_authentication_error(smlapi, svc):
    token = svc.token()
    requests.post(svc.url("/token/revoke"), data={"token": token}, headers=svc.auth(token),
                  timeout=30)
    client = smlapi.Client(svc.base_url, smlapi.StaticToken(token))
    with pytest.raises(smlapi.AuthenticationError) as caught:
        client.predict("good")
    assert caught.value.status == 401 and caught.value.detail
    assert token not in str(caught.value) + repr(caught.value) + repr(client)


# ---- typed errors ----------------------------------------------------------------------------

def test_wrong_client_secret_and_password_are_authentication_errors(smlapi, svc):
    bad_secret = "not-the-secret-" + uuid.uuid4().hex
    with pytest.raises(smlapi.AuthenticationError) as caught:
        smlapi.Client(svc.base_url, smlapi.ClientCredentials(CLIENT_ID, bad_secret)).predict("x")
    assert (caught.value.status, caught.value.error) == (401, "invalid_client")
    assert caught.value.request_id
    bad_password = "not-the-password-" + uuid.uuid4().hex
    with pytest.raises(smlapi.AuthenticationError) as caught_user:
        smlapi.Client(svc.base_url, smlapi.PasswordCredentials("root", bad_password)).predict("x")
    assert (caught_user.value.status, caught_user.value.error) == (400, "invalid_grant")
    for error in (caught.value, caught_user.value):
        assert bad_secret not in str(error) + repr(error)
        assert bad_password not in str(error) + repr(error)


def test_missing_scope_is_permission_denied(smlapi, svc):
    with pytest.raises(smlapi.PermissionDenied) as caught:
        user_client(smlapi, svc, "nobody").predict("good")
    assert caught.value.status == 403 and isinstance(caught.value.detail, str)


def test_invalid_input_is_a_validation_error_with_the_servers_detail(smlapi, svc):
    client = machine_client(smlapi, svc)
    with pytest.raises(smlapi.ValidationError) as caught:
        client.predict("")
    assert caught.value.status == 422
    assert [(i.loc, i.type) for i in caught.value.issues] == [(("body", "text"),
                                                               "string_too_short")]
    assert caught.value.detail[0]["type"] == "string_too_short"
    # positions are the caller's, across the requests a long batch is split into
    texts = ["fine"] * 300
    texts[270] = ""
    with pytest.raises(smlapi.ValidationError) as caught_batch:
        client.predict_batch(texts)
    assert caught_batch.value.issues[0].loc == ("body", "texts", 270)
    with pytest.raises(smlapi.NotFound):
        client.predict("good", model="no-such-model")
    with pytest.raises(smlapi.ValidationError) as caught_oip:
        client.infer("vader", [""])
    assert caught_oip.value.status == 400 and caught_oip.value.issues[0].msg


# ---- rate limits ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """One /predict every 3 s per address and per principal, no burst."""
    workdir = h.prepare_workdir(tmp_path_factory.mktemp("limited"))
    service = conftest.start_service(workdir, "--rate-limit-predict", "1/3s+0")
    yield service
    service.stop()


def spend_the_quota(svc, token):
    r = h.predict(svc, token)
    assert r.status_code in (200, 429), r.text


def test_429_is_retried_after_retry_after(smlapi, limited):
    client = machine_client(smlapi, limited)
    spend_the_quota(limited, client.token())
    before = answers(limited, "/predict", 429)
    result = client.predict("good")  # refused for ~3 s, then served
    assert result.label == "POSITIVE"
    assert answers(limited, "/predict", 429) - before >= 1
    names = {state.policy: state for state in client.rate_limit}
    assert names["predict"].quota == 1 and names["predict"].window == 3


def test_an_exhausted_quota_is_waited_out_without_a_429(smlapi, limited):
    """RateLimit r=0 on a served answer: the client waits for the next slot itself (its wait
    starts after the server counted the request, so it can only be late, never early)."""
    client = machine_client(smlapi, limited)
    client.predict("good")  # served (after a 429 and Retry-After if the quota was spent): r=0
    assert [s.remaining for s in client.rate_limit if s.policy == "predict"] == [0]
    refused = answers(limited, "/predict", 429)
    client.predict("good")  # paced, not refused
    assert answers(limited, "/predict", 429) == refused


def test_429_beyond_the_budget_is_rate_limited_with_retry_after(smlapi, limited):
    client = machine_client(smlapi, limited, retry=smlapi.RetryPolicy(max_total_seconds=1))
    spend_the_quota(limited, client.token())
    with pytest.raises(smlapi.RateLimited) as caught:
        client.predict("good")
    assert caught.value.status == 429 and caught.value.retry_after >= 1
    assert caught.value.detail == "Rate limit exceeded" and caught.value.request_id


# ---- batches --------------------------------------------------------------------------------

def numbered_texts(count):
    """Texts whose labels cycle POSITIVE, NEGATIVE, NEUTRAL, numbered so order shows."""
    return [f"{TEXTS[i % 3]} id{i}" for i in range(count)]


def test_a_batch_beyond_the_servers_limit_returns_every_result_in_order(smlapi, svc):
    client = machine_client(smlapi, svc)
    texts = numbered_texts(600)  # 3 requests at the default 256
    before = answers(svc, "/predict/batch", 200)
    result = client.predict_batch(texts)
    assert answers(svc, "/predict/batch", 200) - before == 3
    assert [r.label for r in result.results] == [LABELS[i % 3] for i in range(600)]
    assert result.model == "vader" and len(result.model_versions) == 1
    single = client.predict(texts[301])
    assert result.results[301].scores == single.scores


@pytest.fixture(scope="module")
def small_batches(tmp_path_factory):
    workdir = h.prepare_workdir(tmp_path_factory.mktemp("small"))
    service = conftest.start_service(workdir, "--max-batch-texts", "5")
    yield service
    service.stop()


def test_the_client_learns_a_lower_limit_from_the_servers_refusal(smlapi, small_batches):
    client = machine_client(smlapi, small_batches)  # believes the default, 256
    result = client.predict_batch(numbered_texts(23))
    assert [r.label for r in result.results] == [LABELS[i % 3] for i in range(23)]
    assert client.max_batch_texts == 5
    oip_client = machine_client(smlapi, small_batches)  # learns it from the protocol's 413
    oip = oip_client.infer("vader", numbered_texts(12), outputs=["compound"])
    assert oip_client.max_batch_texts == 5
    assert oip.outputs["compound"].shape == [12]
    assert oip["compound"] == [r.score for r in result.results[:12]]


def test_a_configured_limit_needs_no_refusal(smlapi, small_batches):
    refused = answers(small_batches, "/predict/batch", 422)
    client = machine_client(smlapi, small_batches, max_batch_texts=5)
    assert len(client.predict_batch(numbered_texts(11))) == 11
    assert answers(small_batches, "/predict/batch", 422) == refused


# ---- Open Inference Protocol, health --------------------------------------------------------

def test_infer_and_model_metadata(smlapi, svc):
    client = machine_client(smlapi, svc)
    metadata = client.model_metadata("vader")
    assert metadata.platform == "vader_sentiment"
    assert [t.name for t in metadata.outputs] == ["neg", "neu", "pos", "compound"]
    version = metadata.versions[0]
    assert "+" in version  # the pinned path must carry it intact
    result = client.infer("vader", TEXTS, version=version, request_id="42")
    assert (result.model_name, result.model_version, result.id) == ("vader", version, "42")
    assert list(result.outputs) == ["neg", "neu", "pos", "compound"]
    batch = client.predict_batch(TEXTS)
    assert result["compound"] == [r.score for r in batch.results]
    afinn = client.infer("afinn", TEXTS, outputs=["score"])
    assert afinn.outputs["score"].datatype == "INT64"
    assert afinn["score"] == [r.score for r in client.predict_batch(TEXTS, "afinn").results]
    assert [m["name"] for m in client.models()] == ["vader", "afinn"]
    assert client.model_ready("vader")
    assert client.server_metadata()["name"] == "secure-ml-api"
    with pytest.raises(smlapi.NotFound):
        client.infer("vader", TEXTS, version="no-such-version")


def test_health_and_ready(smlapi, svc):
    client = smlapi.Client(svc.base_url)  # no credentials needed
    assert client.health() and client.ready()


def test_ready_is_false_while_draining(smlapi, services):
    draining = services("--shutdown-delay", "5s")
    client = smlapi.Client(draining.base_url)
    assert client.ready()
    draining.proc.send_signal(signal.SIGTERM)
    conftest.wait_until(lambda: not client.ready())
    assert client.health()


# ---- TLS ------------------------------------------------------------------------------------

def test_tls_is_verified_and_a_ca_bundle_is_honoured(smlapi, services, tmp_path, monkeypatch):
    from test_tls import Pki  # noqa: PLC0415 - the certificate maker of the TLS tests

    # requests lets this variable replace a Session's CA bundle; the client's must still win
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    pki = Pki(tmp_path)
    tls = services("--tls-cert", pki.chain, "--tls-key", pki.key, wait_ready=False)
    base = f"https://127.0.0.1:{tls.port}"
    waits = []
    untrusted = smlapi.Client(base, smlapi.ClientCredentials(CLIENT_ID, CLIENT_SECRET),
                              sleep=waits.append)
    with pytest.raises(smlapi.TransportError):
        untrusted.predict("good")
    assert waits == []  # a certificate that does not verify is not retried
    trusted = smlapi.Client(base, smlapi.ClientCredentials(CLIENT_ID, CLIENT_SECRET),
                            ca_bundle=str(pki.root))
    conftest.wait_until(trusted.ready)
    assert trusted.predict("good").label == "POSITIVE"


# ---- explanations ---------------------------------------------------------------------------

def test_explain_is_sent_and_whatever_comes_back_is_kept(smlapi, svc):
    """Until the service explains (issue 17), it refuses the field by name, which shows the
    client sent it; once it does, scores stay the same and the explanation is returned."""
    client = machine_client(smlapi, svc)
    plain = client.predict("The food is not good!")
    try:
        explained = client.predict("The food is not good!", explain=True)
    except smlapi.ValidationError as refused:
        assert [(i.loc, i.type) for i in refused.issues] == [(("body", "explain"),
                                                              "extra_forbidden")]
        with pytest.raises(smlapi.ValidationError) as refused_batch:
            client.predict_batch(TEXTS, explain=True)
        assert refused_batch.value.issues[0].loc == ("body", "explain")
        return
    assert explained.scores == plain.scores and explained.label == plain.label
    assert explained.extra, "explain=True answered without any added field"
    batch = client.predict_batch(TEXTS, explain=True)
    assert [r.scores for r in batch.results] == [r.scores for r in client.predict_batch(TEXTS).results]
    assert all(r.extra for r in batch.results) or batch.extra


# ---- documented examples, run as written ----------------------------------------------------

PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
PRINTS = re.compile(r"#\s*prints:\s?(.*)$")


def run_examples(document, site, svc, tmp_path):
    """Runs a document's ```python blocks in order as one program, with the service's address
    and credentials in the environment variables the examples read. Each print in them is
    followed by `# prints: <output>`; the output must match (non-deterministic lines say
    `# prints: ...` with a regular expression after `re:`)."""
    blocks = PYTHON_BLOCK.findall(document.read_text())
    assert blocks, f"no python examples in {document}"
    program = "\n".join(blocks)
    expected = []
    for line in program.splitlines():
        if re.search(r"\bprint\(", line):
            match = PRINTS.search(line)
            assert match, f"{document}: a print without '# prints:': {line}"
            expected.append(match.group(1).strip())
    script = tmp_path / (document.stem + "_examples.py")
    script.write_text(program)
    env = {**os.environ, "PYTHONPATH": str(site), "SMLAPI_URL": svc.base_url,
           "SMLAPI_CLIENT_ID": CLIENT_ID, "SMLAPI_CLIENT_SECRET": CLIENT_SECRET,
           "SMLAPI_USERNAME": "alice", "SMLAPI_PASSWORD": conftest.USERS["alice"][0]}
    result = subprocess.run(["/usr/bin/python3", str(script)], capture_output=True, text=True,
                            env=env, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = [line.strip() for line in result.stdout.splitlines()]
    assert len(printed) == len(expected), (printed, expected)
    for got, want in zip(printed, expected):
        if want.startswith("re:"):
            assert re.fullmatch(want[3:].strip(), got), (got, want)
        else:
            assert got == want, (got, want)


def test_docs_examples_run(site, svc, tmp_path):
    run_examples(ROOT / "docs" / "python-client.md", site, svc, tmp_path)


def test_readme_examples_run(site, svc, tmp_path):
    run_examples(PACKAGE / "README.md", site, svc, tmp_path)
