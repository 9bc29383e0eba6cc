"""Open Inference Protocol (KServe V2 REST, issue 9) against the real binary: the protocol's
examples and edge cases, versions, errors as {"error": "..."} (the binary tensor data extension:
test_oip_binary.py), and
the independent client tests/oip-client/oip_client.py run against the live server."""
import json
import os
import subprocess
import sys

import pytest
import requests

from conftest import ROOT
from helpers_core import (REQUEST_TIMEOUT, assert_json, assert_oip_error, get, oip_request,
                          outputs_by_name, post_json)

OUTPUTS = ["neg", "neu", "pos", "compound"]
INFER = "/v2/models/vader/infer"


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


@pytest.fixture(scope="module")
def versions(service, token):
    return get(service, "/v2/models/vader", token).json()["versions"]


def infer(svc, token, body, path=INFER, headers=None):
    return post_json(svc, path, body, token, headers=headers)


def api_scores(svc, token, text):
    return post_json(svc, "/predict", {"text": text}, token).json()["scores"]


# ---- metadata and health --------------------------------------------------------------------

def test_server_metadata(service):
    r = get(service, "/v2")
    assert r.status_code == 200
    body = assert_json(r)
    assert isinstance(body["name"], str) and body["name"]
    assert isinstance(body["version"], str) and body["version"]
    assert isinstance(body["extensions"], list)
    assert "binary_tensor_data" in body["extensions"]  # test_oip_binary.py


def test_health_endpoints(service):
    live = get(service, "/v2/health/live")
    assert live.status_code == 200 and live.json() == {"live": True}
    ready = get(service, "/v2/health/ready")
    assert ready.status_code == 200 and ready.json() == {"ready": True}


def test_model_metadata(service, token, versions):
    r = get(service, "/v2/models/vader", token)
    assert r.status_code == 200
    body = assert_json(r)
    assert body["name"] == "vader"
    assert body["platform"]
    assert versions and all(isinstance(v, str) and v for v in versions)
    assert body["inputs"] == [{"name": "text", "datatype": "BYTES", "shape": [-1]}]
    assert [o["name"] for o in body["outputs"]] == OUTPUTS
    for output in body["outputs"]:
        assert output["datatype"] == "FP64" and output["shape"] == [-1]


def test_model_ready(service, token):
    r = get(service, "/v2/models/vader/ready", token)
    assert r.status_code == 200
    assert r.json() == {"name": "vader", "ready": True}


def test_every_listed_version_is_addressable(service, token, versions):
    for version in versions:
        metadata = get(service, f"/v2/models/vader/versions/{version}", token)
        assert metadata.status_code == 200, version
        assert metadata.json()["name"] == "vader"
        ready = get(service, f"/v2/models/vader/versions/{version}/ready", token)
        assert ready.status_code == 200 and ready.json()["ready"] is True
        r = infer(service, token, oip_request(["good"]),
                  f"/v2/models/vader/versions/{version}/infer")
        assert r.status_code == 200, r.text
        assert r.json()["model_version"] == version


def test_version_strings_are_stable_across_restarts(fresh_service, versions):
    svc = fresh_service()
    again = get(svc, "/v2/models/vader", svc.token()).json()["versions"]
    assert again == versions


def test_lexicon_overrides_become_a_pinnable_version(fresh_service, tmp_path, versions):
    overrides = tmp_path / "overrides.tsv"
    overrides.write_text("frobulous\t3.5\n")
    svc = fresh_service("--lexicon-overrides", str(overrides))
    token = svc.token()
    listed = get(svc, "/v2/models/vader", token).json()["versions"]
    assert len(listed) >= 2
    assert versions[0] in listed, "the built-in model is no longer pinnable"
    custom = [v for v in listed if v not in versions]
    assert len(custom) == 1
    scored = {}
    for version in (custom[0], versions[0]):
        r = infer(svc, token, oip_request(["frobulous"]),
                  f"/v2/models/vader/versions/{version}/infer")
        assert r.status_code == 200, r.text
        scored[version] = outputs_by_name(r.json())["compound"]["data"][0]
    assert scored[custom[0]] > 0.05
    assert scored[versions[0]] == 0.0
    restarted = fresh_service("--lexicon-overrides", str(overrides))
    assert get(restarted, "/v2/models/vader", restarted.token()).json()["versions"] == listed


# ---- inference ------------------------------------------------------------------------------

def test_specification_style_request(service, token):
    # inference_rest.md's example shape: id, inputs with name/shape/datatype/data, outputs.
    body = {"id": "42", "inputs": [{"name": "text", "shape": [2], "datatype": "BYTES",
                                    "data": ["I love it", "I hate it"]}],
            "outputs": [{"name": "compound"}]}
    r = infer(service, token, body)
    assert r.status_code == 200, r.text
    answer = assert_json(r)
    assert answer["model_name"] == "vader"
    assert answer["model_version"]
    assert answer["id"] == "42"
    assert answer["outputs"] == [{"name": "compound", "datatype": "FP64", "shape": [2],
                                  "data": [api_scores(service, token, "I love it")["compound"],
                                           api_scores(service, token, "I hate it")["compound"]]}]


def test_all_outputs_by_default_match_the_api(service, token):
    texts = ["I love it", "The table", "Terrible service"]
    r = infer(service, token, oip_request(texts))
    assert r.status_code == 200, r.text
    answer = r.json()
    assert "id" not in answer
    outputs = outputs_by_name(answer)
    assert sorted(outputs) == sorted(OUTPUTS)
    for name in OUTPUTS:
        assert outputs[name]["datatype"] == "FP64"
        assert outputs[name]["shape"] == [3]
    for i, text in enumerate(texts):
        scores = api_scores(service, token, text)
        assert {name: outputs[name]["data"][i] for name in OUTPUTS} == scores


def test_nested_data_with_a_matching_shape(service, token):
    r = infer(service, token, oip_request([["I love it"], ["I hate it"]], shape=[2, 1]))
    assert r.status_code == 200, r.text
    compound = outputs_by_name(r.json())["compound"]
    assert len(compound["data"]) == 2
    assert compound["data"][0] > 0 > compound["data"][1]


def test_requested_outputs_are_honoured(service, token):
    body = oip_request(["good"], outputs=[{"name": "pos"}, {"name": "neg"}])
    r = infer(service, token, body)
    assert r.status_code == 200, r.text
    assert sorted(o["name"] for o in r.json()["outputs"]) == ["neg", "pos"]


def test_parameters_are_accepted(service, token):
    body = oip_request(["good"], parameters={"custom": "value", "priority": 1},
                       outputs=[{"name": "compound", "parameters": {"note": "x"}}])
    body["inputs"][0]["parameters"] = {"content_type": "str"}
    r = infer(service, token, body)
    assert r.status_code == 200, r.text


def test_batch_at_the_limit(service, token):
    r = infer(service, token, oip_request(["ok"] * 256))
    assert r.status_code == 200, r.text
    assert outputs_by_name(r.json())["compound"]["shape"] == [256]


# ---- errors ---------------------------------------------------------------------------------

BAD_REQUESTS = [
    ("shape larger than data", oip_request(["a", "b"], shape=[3])),
    ("shape smaller than data", oip_request(["a", "b"], shape=[1])),
    ("nested shape mismatch", oip_request([["a", "b"]], shape=[2, 2])),
    ("negative shape", oip_request(["a"], shape=[-1])),
    ("shape not integers", oip_request(["a"], shape=["1"])),
    ("wrong datatype FP32", oip_request([1.0], datatype="FP32")),
    ("BYTES with numbers", oip_request([1, 2])),
    ("BYTES with null", oip_request([None])),
    ("empty batch", oip_request([], shape=[0])),
    ("missing inputs", {"id": "1"}),
    ("inputs not a list", {"inputs": {"name": "text"}}),
    ("empty inputs", {"inputs": []}),
    ("two inputs", {"inputs": [oip_request(["a"])["inputs"][0], oip_request(["b"])["inputs"][0]]}),
    ("unknown input name", oip_request(["a"], name="sentence")),
    ("input without data", {"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES"}]}),
    ("unknown output name", oip_request(["a"], outputs=[{"name": "label"}])),
    ("output requested twice", oip_request(["a"], outputs=[{"name": "neg"}, {"name": "neg"}])),
    ("id not a string", oip_request(["a"], id=5)),
    ("unknown top-level member", oip_request(["a"], extra=True)),
    ("specification example inputs", {
        "id": "42", "inputs": [
            {"name": "input0", "shape": [2, 2], "datatype": "UINT32", "data": [1, 2, 3, 4]},
            {"name": "input1", "shape": [3], "datatype": "BOOL", "data": [True]}],
        "outputs": [{"name": "output0"}]}),
]


@pytest.mark.parametrize("name, body", BAD_REQUESTS, ids=[case[0] for case in BAD_REQUESTS])
def test_malformed_inference_request_is_400(service, token, name, body):
    assert_oip_error(infer(service, token, body), 400)


@pytest.mark.parametrize("name, raw", [
    ("not JSON", b"{inputs"),
    ("array body", b"[]"),
    ("duplicate keys", b'{"inputs":[],"inputs":[]}'),
    ("invalid UTF-8", b'{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES",'
                      b'"data":["\xff"]}]}'),
    ("NaN", b'{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":[NaN]}]}'),
    ("malformed inside parameters", b'{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES",'
                                    b'"data":["a"]}],"parameters":{"x":[1,,]}}'),
    ("trailing garbage", b'{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES",'
                         b'"data":["a"]}]} trailing'),
])
def test_invalid_json_is_400(service, token, name, raw):
    assert_oip_error(infer(service, token, raw), 400)


def test_oversize_batch_is_refused(service, token):
    r = infer(service, token, oip_request(["a"] * 257))
    assert assert_oip_error(r, 413)["error"] == "too many texts: at most 256 per request"


def test_oversize_text_is_refused(service, token):
    r = infer(service, token, oip_request(["x" * 10_001]))
    assert assert_oip_error(r, 413)["error"] == "a text is longer than 10000 characters"


def test_body_over_the_limit_is_413(service, token):
    r = infer(service, token, oip_request(["word " * 2000] * 7))
    assert r.status_code == 413


@pytest.mark.parametrize("path", [
    "/v2/models/unknown", "/v2/models/unknown/ready", "/v2/models/unknown/versions/1",
    "/v2/models/vader/versions/no-such-version", "/v2/models/vader/versions/no-such-version/ready",
])
def test_unknown_model_or_version_metadata_is_404(service, token, path):
    assert_oip_error(get(service, path, token), 404)


@pytest.mark.parametrize("path", [
    "/v2/models/unknown/infer", "/v2/models/unknown/versions/1/infer",
    "/v2/models/vader/versions/no-such-version/infer"])
def test_unknown_model_or_version_infer_is_404(service, token, path):
    assert_oip_error(infer(service, token, oip_request(["a"]), path), 404)


def test_wrong_content_type_is_415(service, token):
    r = requests.post(service.url(INFER), data=json.dumps(oip_request(["a"])), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
        timeout=REQUEST_TIMEOUT)
    assert r.status_code == 415


def test_wrong_method_is_405_with_allow(service, token):
    r = requests.get(service.url(INFER), headers={"Authorization": f"Bearer {token}"},
                     timeout=REQUEST_TIMEOUT)
    assert r.status_code == 405
    assert "POST" in r.headers["Allow"]


def test_infer_needs_a_token_with_predict_scope(service):
    assert infer(service, None, oip_request(["a"])).status_code == 401
    nobody = service.token("nobody")
    assert infer(service, nobody, oip_request(["a"])).status_code == 403


# ---- the independent client -----------------------------------------------------------------

def test_independent_oip_client(service, token):
    client = ROOT / "tests" / "oip-client" / "oip_client.py"
    if not client.exists():
        pytest.skip(f"{client} not present")
    env = dict(os.environ, BASE_URL=service.base_url, SMLAPI_TEST_TOKEN=token)
    result = subprocess.run(["/usr/bin/python3" if os.path.exists("/usr/bin/python3")
                             else sys.executable, str(client)], capture_output=True, text=True,
                            env=env, timeout=120, cwd=str(ROOT))
    if result.returncode == 77:
        pytest.skip(result.stdout.strip() or "oip_client.py skipped")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "not ok" not in result.stdout
