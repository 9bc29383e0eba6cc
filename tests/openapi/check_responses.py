#!/usr/bin/python3
"""Checks a running secure-ml-api against src/api/assets/openapi.json: sends one request per
documented situation and validates each answer's status, Content-Type and JSON body against the
schema the document gives for that operation and status. It keeps the document honest: a
response the document does not describe fails here.

Environment: BASE_URL (unset: skip, exit 77), SMLAPI_TEST_TOKEN (scope predict).
Needs python3-requests and python3-jsonschema. Start the server with --rate-limits off.
"""

import json
import os
import sys
from pathlib import Path

import requests

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)

DOC = json.loads((Path(__file__).resolve().parents[2] / "src/api/assets/openapi.json").read_text())


def node_ref(ref):
    return ref.removeprefix("#/").split("/")


def deref(node):
    while isinstance(node, dict) and "$ref" in node:
        target = DOC
        for part in node_ref(node["$ref"]):
            target = target[part]
        node = target
    return node


def closed(node):
    """The document's schemas with every object closed (no undocumented field). Response schemas
    are open in the document so that clients generated from it accept fields added later; the
    server's own answers must still be fully documented, so they are checked against these."""
    if isinstance(node, dict):
        node = {key: closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [closed(value) for value in node]
    return node


CLOSED_COMPONENTS = closed(DOC["components"])


def check(base, token, name, method, path, template, status, **kwargs):
    headers = kwargs.pop("headers", {})
    if token and kwargs.pop("auth", True):
        headers["Authorization"] = f"Bearer {token}"
    r = requests.request(method, base + path, headers=headers, timeout=10, **kwargs)
    if r.status_code != status:
        return f"{name}: status {r.status_code}, expected {status}: {r.text[:200]}"
    operation = DOC["paths"][template][method.lower()]
    response = deref(operation["responses"].get(str(status)))
    if response is None:
        return f"{name}: status {status} is not documented for {method} {template}"
    content = response.get("content", {})
    json_types = [media for media in content if media.endswith("json")]
    if json_types:
        received = r.headers.get("Content-Type", "").split(";")[0].strip()
        if received not in json_types:
            return f"{name}: Content-Type {received!r}, documented {json_types}"
        schema = {**closed(content[received]["schema"]), "components": CLOSED_COMPONENTS}
        try:
            jsonschema.Draft202012Validator(schema).validate(r.json())
        except jsonschema.ValidationError as error:
            return f"{name}: body does not match the document: {error.message}: {r.text[:200]}"
    for header in response.get("headers", {}):
        if header in ("X-Request-ID", "Retry-After", "WWW-Authenticate") and header not in r.headers:
            return f"{name}: missing documented header {header}"
    return None


def main():
    base = os.environ.get("BASE_URL", "").rstrip("/")
    if not base:
        print("SKIP: BASE_URL is not set")
        return 77
    token = os.environ.get("SMLAPI_TEST_TOKEN", "")
    json_headers = {"Content-Type": "application/json"}
    infer = {"inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "data": ["good", "bad"]}]}
    cases = [
        ("predict 200", "POST", "/predict", "/predict", 200, {"json": {"text": "I love it"}}),
        ("predict 422 missing", "POST", "/predict", "/predict", 422, {"json": {}}),
        ("predict 422 unknown field", "POST", "/predict", "/predict", 422, {"json": {"text": "a", "x": 1}}),
        ("predict 415", "POST", "/predict", "/predict", 415, {"data": "text=a",
                                                              "headers": {"Content-Type": "text/plain"}}),
        ("predict 401", "POST", "/predict", "/predict", 401, {"json": {"text": "a"}, "auth": False}),
        ("batch 200", "POST", "/predict/batch", "/predict/batch", 200, {"json": {"texts": ["a", "good"]}}),
        ("batch 422 empty", "POST", "/predict/batch", "/predict/batch", 422, {"json": {"texts": []}}),
        ("jwks 200", "GET", "/.well-known/jwks.json", "/.well-known/jwks.json", 200, {}),
        ("healthz 200", "GET", "/healthz", "/healthz", 200, {}),
        ("readyz 200", "GET", "/readyz", "/readyz", 200, {}),
        ("token 400 unsupported grant", "POST", "/token", "/token", 400,
         {"data": {"grant_type": "implicit"}, "auth": False}),
        ("token 400 bad password", "POST", "/token", "/token", 400,
         {"data": {"grant_type": "password", "username": "nobody", "password": "wrong"}, "auth": False}),
        ("revoke 400", "POST", "/token/revoke", "/token/revoke", 400, {"data": {"token": ""}}),
        ("v2 200", "GET", "/v2", "/v2", 200, {"auth": False}),
        ("v2 live", "GET", "/v2/health/live", "/v2/health/live", 200, {"auth": False}),
        ("v2 ready", "GET", "/v2/health/ready", "/v2/health/ready", 200, {"auth": False}),
        ("v2 model", "GET", "/v2/models/vader", "/v2/models/{model}", 200, {}),
        ("v2 model 404", "GET", "/v2/models/nope", "/v2/models/{model}", 404, {}),
        ("v2 model ready", "GET", "/v2/models/vader/ready", "/v2/models/{model}/ready", 200, {}),
        ("v2 infer 200", "POST", "/v2/models/vader/infer", "/v2/models/{model}/infer", 200,
         {"json": {**infer, "id": "7"}}),
        ("v2 infer 400", "POST", "/v2/models/vader/infer", "/v2/models/{model}/infer", 400, {"json": {}}),
        ("v2 infer 401", "POST", "/v2/models/vader/infer", "/v2/models/{model}/infer", 401,
         {"json": infer, "auth": False}),
        ("v2 infer 413", "POST", "/v2/models/vader/infer", "/v2/models/{model}/infer", 413,
         {"json": {"inputs": [{"name": "text", "shape": [300], "datatype": "BYTES", "data": ["a"] * 300}]}}),
        ("v2 infer 415", "POST", "/v2/models/vader/infer", "/v2/models/{model}/infer", 415,
         {"data": "x", "headers": {"Content-Type": "text/plain"}}),
    ]
    failures = 0
    for name, method, path, template, status, kwargs in cases:
        kwargs = dict(kwargs)
        if "json" in kwargs:
            kwargs["headers"] = {**json_headers, **kwargs.get("headers", {})}
        problem = check(base, token, name, method, path, template, status, **kwargs)
        if problem:
            failures += 1
            print(f"not ok - {problem}")
        else:
            print(f"ok - {name}")
    print(f"{len(cases) - failures}/{len(cases)} responses match the OpenAPI document")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
