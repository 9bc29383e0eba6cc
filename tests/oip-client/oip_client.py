#!/usr/bin/python3
"""Independent Open Inference Protocol (KServe V2 REST) client for secure-ml-api (issue 9).

Builds requests the way the specification's examples do (kserve/open-inference-protocol,
specification/protocol/inference_rest.md: JSON body, Content-Type: application/json) and checks
every response against the specification's own schemas (schemas/, vendored from
open_inference_rest.yaml) plus what this model promises (one BYTES input `text`; outputs
neg/neu/pos/compound, FP64 [N]).

Environment:
  BASE_URL            server, e.g. http://127.0.0.1:8000 (unset: skip with exit code 77)
  SMLAPI_TEST_TOKEN   bearer token with scope predict (required when BASE_URL is set)
  OIP_MODEL           model name (default: vader)
  OIP_CHECK_AUTH      "0" to skip the missing-token check (for servers without auth)
The run sends about 35 requests within a second: start the server with --rate-limits off (or a
predict limit above that), otherwise checks fail with a message saying so.
Exit: 0 all checks passed, 1 some failed, 77 skipped.
Needs only Debian packages: python3-requests and python3-jsonschema.
"""

import json
import math
import os
import sys
from pathlib import Path

import requests

try:
    import jsonschema
except ImportError:  # pragma: no cover - reported as a skip, not a failure
    print("SKIP: python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)

SKIP = 77
TIMEOUT = 10
SCHEMAS = json.loads(
    (Path(__file__).parent / "schemas" / "open_inference_rest.components.json").read_text())

# Health bodies are described only in inference_rest.md ("$live_server_response" etc.). The
# document literally gives the server-ready object a "live" member, which looks like a typo;
# accept "ready" (what servers send) or "live".
LOCAL_SCHEMAS = {
    "live_server_response": {
        "type": "object", "properties": {"live": {"type": "boolean"}}, "required": ["live"]},
    "ready_server_response": {
        "type": "object",
        "anyOf": [{"properties": {"ready": {"type": "boolean"}}, "required": ["ready"]},
                  {"properties": {"live": {"type": "boolean"}}, "required": ["live"]}]},
    "ready_model_response": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "ready": {"type": "boolean"}},
        "required": ["name", "ready"]},
}
OUTPUT_NAMES = ["neg", "neu", "pos", "compound"]


def validate(instance, name):
    """Validates against the vendored specification schema `name` (or a local one)."""
    if name in LOCAL_SCHEMAS:
        jsonschema.Draft7Validator(LOCAL_SCHEMAS[name]).validate(instance)
        return
    resolver = jsonschema.RefResolver.from_schema(SCHEMAS)
    schema = {"$ref": f"#/components/schemas/{name}"}
    jsonschema.Draft7Validator(schema, resolver=resolver).validate(instance)


class Client:
    def __init__(self, base_url, token, model):
        self.base = base_url.rstrip("/")
        self.token = token
        self.model = model
        self.session = requests.Session()
        self.passed = 0
        self.failed = []

    # --- HTTP -------------------------------------------------------------------------------
    def headers(self, auth=True, extra=None):
        headers = {"Accept": "application/json"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path, auth=True):
        return self.session.get(self.base + path, headers=self.headers(auth), timeout=TIMEOUT)

    def post_json(self, path, body, auth=True, extra_headers=None):
        # As in the specification's example: a JSON object with Content-Type and Content-Length.
        data = body if isinstance(body, bytes) else json.dumps(body, indent=2).encode()
        headers = self.headers(auth, {"Content-Type": "application/json", **(extra_headers or {})})
        return self.session.post(self.base + path, data=data, headers=headers, timeout=TIMEOUT)

    def infer_path(self, version=None):
        if version is None:
            return f"/v2/models/{self.model}/infer"
        return f"/v2/models/{self.model}/versions/{version}/infer"

    # --- bookkeeping --------------------------------------------------------------------------
    def check(self, name, function):
        try:
            function()
        except Exception as error:  # every failure is reported, the run goes on
            self.failed.append(name)
            print(f"not ok - {name}: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
            return
        self.passed += 1
        print(f"ok - {name}")

    # --- expectations -------------------------------------------------------------------------
    @staticmethod
    def expect_status(response, *statuses):
        if response.status_code == 429 and 429 not in statuses:
            raise AssertionError("rate limited (429): run the server with --rate-limits off or a "
                                 "higher --rate-limit-predict for this conformance run")
        if response.status_code not in statuses:
            raise AssertionError(
                f"status {response.status_code}, expected {statuses}: {response.text[:200]}")

    def expect_error(self, response, *statuses):
        """A failed request: the status, and the protocol's $inference_error_response."""
        self.expect_status(response, *statuses)
        body = response.json()
        validate(body, "inference_error_response")
        if not isinstance(body.get("error"), str) or not body["error"]:
            raise AssertionError(f"error body without an error message: {body}")

    def expect_inference(self, response, texts, outputs=None, request_id=None, version=None):
        self.expect_status(response, 200)
        body = response.json()
        validate(body, "inference_response")
        if body["model_name"] != self.model:
            raise AssertionError(f"model_name {body['model_name']!r}")
        if version is not None and body.get("model_version") != version:
            raise AssertionError(f"model_version {body.get('model_version')!r}, pinned {version!r}")
        if request_id is not None and body.get("id") != request_id:
            raise AssertionError(f"id {body.get('id')!r} not echoed as {request_id!r}")
        if request_id is None and "id" in body:
            raise AssertionError("id present although the request had none")
        names = [output["name"] for output in body["outputs"]]
        wanted = outputs or OUTPUT_NAMES
        if sorted(names) != sorted(wanted):
            raise AssertionError(f"outputs {names}, requested {wanted}")
        for output in body["outputs"]:
            if output["datatype"] != "FP64" or output["shape"] != [len(texts)]:
                raise AssertionError(f"output {output['name']}: {output['datatype']} {output['shape']}")
            if len(output["data"]) != len(texts) or not all(
                    isinstance(v, (int, float)) and math.isfinite(v) for v in output["data"]):
                raise AssertionError(f"output {output['name']} data {output['data']}")
        return {output["name"]: output["data"] for output in body["outputs"]}


def text_input(data, shape=None):
    return {"name": "text", "shape": shape if shape is not None else [len(data)],
            "datatype": "BYTES", "data": data}


def run(client):
    c = client
    pinned = {}

    def server_metadata():
        r = c.get("/v2")
        c.expect_status(r, 200)
        validate(r.json(), "metadata_server_response")

    def server_live():
        r = c.get("/v2/health/live", auth=False)
        c.expect_status(r, 200)
        validate(r.json(), "live_server_response")

    def server_ready():
        r = c.get("/v2/health/ready", auth=False)
        c.expect_status(r, 200)
        validate(r.json(), "ready_server_response")

    def model_metadata():
        r = c.get(f"/v2/models/{c.model}")
        c.expect_status(r, 200)
        body = r.json()
        validate(body, "metadata_model_response")
        if body["name"] != c.model:
            raise AssertionError(f"name {body['name']!r}")
        inputs = [(t["name"], t["datatype"], t["shape"]) for t in body.get("inputs", [])]
        if inputs != [("text", "BYTES", [-1])]:
            raise AssertionError(f"inputs {inputs}")
        outputs = {t["name"]: (t["datatype"], t["shape"]) for t in body.get("outputs", [])}
        if outputs != {name: ("FP64", [-1]) for name in OUTPUT_NAMES}:
            raise AssertionError(f"outputs {outputs}")
        if not body.get("versions"):
            raise AssertionError("no versions listed: a canary cannot pin one")
        pinned["version"] = body["versions"][0]

    def model_ready():
        r = c.get(f"/v2/models/{c.model}/ready")
        c.expect_status(r, 200)
        validate(r.json(), "ready_model_response")
        if r.json() != {"name": c.model, "ready": True}:
            raise AssertionError(f"body {r.json()}")

    def version_metadata_and_ready():
        version = pinned["version"]
        r = c.get(f"/v2/models/{c.model}/versions/{version}")
        c.expect_status(r, 200)
        validate(r.json(), "metadata_model_response")
        r = c.get(f"/v2/models/{c.model}/versions/{version}/ready")
        c.expect_status(r, 200)
        validate(r.json(), "ready_model_response")

    def infer_spec_example():
        # The specification's example request, shaped for this model: id, inputs, outputs.
        texts = ["I love this, it is wonderful!", "This is terrible and I hate it."]
        request = {"id": "42", "inputs": [text_input(texts)], "outputs": [{"name": "compound"}]}
        validate(request, "inference_request")
        data = c.expect_inference(c.post_json(c.infer_path(), request), texts, ["compound"], "42")
        if not (data["compound"][0] >= 0.05 and data["compound"][1] <= -0.05):
            raise AssertionError(f"compound scores {data['compound']} have the wrong signs")

    def infer_all_outputs():
        texts = ["The food was good.", "It is a chair."]
        data = c.expect_inference(c.post_json(c.infer_path(), {"inputs": [text_input(texts)]}), texts)
        for i in range(len(texts)):
            total = data["neg"][i] + data["neu"][i] + data["pos"][i]
            if abs(total - 1.0) > 0.01:
                raise AssertionError(f"neg+neu+pos = {total} for text {i}")

    def infer_nested_data():
        texts = [["good", "bad"], ["great", "awful"]]
        request = {"inputs": [text_input(texts, [2, 2])], "outputs": [{"name": "pos"}, {"name": "neg"}]}
        validate(request, "inference_request")
        c.expect_inference(c.post_json(c.infer_path(), request), ["good", "bad", "great", "awful"],
                           ["pos", "neg"])

    def infer_with_parameters():
        request = {"id": "p-1", "parameters": {"content_type": "str"},
                   "inputs": [{**text_input(["nice"]), "parameters": {"content_type": "str"}}]}
        c.expect_inference(c.post_json(c.infer_path(), request), ["nice"], request_id="p-1")

    def infer_pinned_version():
        version = pinned["version"]
        c.expect_inference(c.post_json(c.infer_path(version), {"inputs": [text_input(["ok"])]}),
                           ["ok"], version=version)

    def error_shape_mismatch():
        c.expect_error(c.post_json(c.infer_path(), {"inputs": [text_input(["a", "b"], [3])]}), 400)

    def error_wrong_datatype():
        request = {"inputs": [{"name": "text", "shape": [2, 2], "datatype": "UINT32", "data": [1, 2, 3, 4]}]}
        c.expect_error(c.post_json(c.infer_path(), request), 400)

    def error_spec_example_inputs():
        # The specification's example verbatim: inputs this model does not have.
        request = {"id": "42", "inputs": [
            {"name": "input0", "shape": [2, 2], "datatype": "UINT32", "data": [1, 2, 3, 4]},
            {"name": "input1", "shape": [3], "datatype": "BOOL", "data": [True]}],
            "outputs": [{"name": "output0"}]}
        validate(request, "inference_request")
        c.expect_error(c.post_json(c.infer_path(), request), 400)

    def error_empty_batch():
        c.expect_error(c.post_json(c.infer_path(), {"inputs": [text_input([], [0])]}), 400)

    def error_oversize_batch():
        texts = ["x"] * 257
        c.expect_error(c.post_json(c.infer_path(), {"inputs": [text_input(texts)]}), 413)

    def error_missing_inputs():
        c.expect_error(c.post_json(c.infer_path(), {"id": "1"}), 400)

    def error_unknown_output():
        request = {"inputs": [text_input(["a"])], "outputs": [{"name": "output0"}]}
        c.expect_error(c.post_json(c.infer_path(), request), 400)

    def error_duplicate_keys():
        body = b'{"inputs":[{"name":"text","name":"text","shape":[1],"datatype":"BYTES","data":["a"]}]}'
        c.expect_error(c.post_json(c.infer_path(), body), 400)

    def error_invalid_utf8():
        body = b'{"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","data":["\xc3\x28"]}]}'
        c.expect_error(c.post_json(c.infer_path(), body), 400)

    def error_malformed_json():
        c.expect_error(c.post_json(c.infer_path(), b'{"inputs": ['), 400)

    def error_unknown_model():
        r = c.post_json("/v2/models/no-such-model/infer", {"inputs": [text_input(["a"])]})
        c.expect_error(r, 404)
        r = c.get("/v2/models/no-such-model")
        c.expect_status(r, 404)
        validate(r.json(), "metadata_model_error_response")

    def error_unknown_version():
        c.expect_error(c.post_json(c.infer_path("no-such-version"), {"inputs": [text_input(["a"])]}), 404)

    def error_binary_extension():
        body = json.dumps({"inputs": [{"name": "text", "shape": [1], "datatype": "BYTES",
                                       "parameters": {"binary_data_size": 5}}]}).encode()
        r = c.post_json(c.infer_path(), body + b"\x05\x00\x00\x00hello",
                        extra_headers={"Inference-Header-Content-Length": str(len(body))})
        c.expect_error(r, 400, 415)

    def error_missing_token():
        r = c.post_json(c.infer_path(), {"inputs": [text_input(["a"])]}, auth=False)
        c.expect_status(r, 401)

    def error_wrong_content_type():
        r = c.session.post(c.base + c.infer_path(), data=b"text=a",
                           headers=c.headers(extra={"Content-Type": "application/x-www-form-urlencoded"}),
                           timeout=TIMEOUT)
        c.expect_status(r, 415)

    def error_wrong_method():
        r = c.get(c.infer_path())
        c.expect_status(r, 405)
        if "POST" not in r.headers.get("Allow", ""):
            raise AssertionError(f"Allow: {r.headers.get('Allow')!r}")

    checks = [
        ("server metadata", server_metadata),
        ("server live", server_live),
        ("server ready", server_ready),
        ("model metadata", model_metadata),
        ("model ready", model_ready),
        ("pinned version metadata and ready", version_metadata_and_ready),
        ("infer: specification example (id, outputs)", infer_spec_example),
        ("infer: all outputs by default", infer_all_outputs),
        ("infer: nested data", infer_nested_data),
        ("infer: parameters accepted", infer_with_parameters),
        ("infer: pinned version", infer_pinned_version),
        ("error: shape/data mismatch -> 400", error_shape_mismatch),
        ("error: wrong datatype -> 400", error_wrong_datatype),
        ("error: specification example inputs -> 400", error_spec_example_inputs),
        ("error: empty batch -> 400", error_empty_batch),
        ("error: oversize batch -> 413", error_oversize_batch),
        ("error: missing inputs -> 400", error_missing_inputs),
        ("error: unknown output name -> 400", error_unknown_output),
        ("error: duplicate keys -> 400", error_duplicate_keys),
        ("error: invalid UTF-8 -> 400", error_invalid_utf8),
        ("error: malformed JSON -> 400", error_malformed_json),
        ("error: unknown model -> 404", error_unknown_model),
        ("error: unknown version -> 404", error_unknown_version),
        ("error: binary tensor extension refused", error_binary_extension),
        ("error: wrong Content-Type -> 415", error_wrong_content_type),
        ("error: wrong method -> 405 with Allow", error_wrong_method),
    ]
    if os.environ.get("OIP_CHECK_AUTH", "1") != "0":
        checks.append(("error: missing token -> 401", error_missing_token))
    for name, function in checks:
        c.check(name, function)


def main():
    base_url = os.environ.get("BASE_URL", "")
    if not base_url:
        print("SKIP: BASE_URL is not set (point it at a running secure-ml-api)")
        return SKIP
    token = os.environ.get("SMLAPI_TEST_TOKEN", "")
    if not token and os.environ.get("OIP_CHECK_AUTH", "1") != "0":
        print("FAIL: SMLAPI_TEST_TOKEN is not set")
        return 1
    client = Client(base_url, token, os.environ.get("OIP_MODEL", "vader"))
    run(client)
    total = client.passed + len(client.failed)
    print(f"{client.passed}/{total} checks passed")
    return 1 if client.failed else 0


if __name__ == "__main__":
    sys.exit(main())
