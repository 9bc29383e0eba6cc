"""The OpenAPI document's examples are what the running service answers (issue 19): each request
example is sent to the real binary and the paired response example must equal the answer, so a
generated client's docs cannot drift from the service. Every example also validates against the
schema it illustrates (python3-jsonschema, JSON Schema 2020-12 as OpenAPI 3.1 uses it)."""
import json

import jsonschema
import pytest
import requests

from conftest import ROOT, USERS
from helpers_core import REQUEST_TIMEOUT

DOCUMENT = json.loads((ROOT / "src" / "api" / "assets" / "openapi.json").read_text())
SCHEMAS = DOCUMENT["components"]["schemas"]
# Fields whose value differs per request or per principal: present in both, value not compared.
VOLATILE = {"access_token", "user"}

# (request schema, how to send it, response schema): the answer to every request example must be
# one of the response examples (a response example may also illustrate a request not shown). `send` gets (service, token, example) and returns the requests.Response.
PAIRS = {
    "predict": ("PredictRequest", lambda svc, token, body: svc.session.post(
        svc.url("/predict"), json=body, headers=svc.auth(token), timeout=REQUEST_TIMEOUT),
        "PredictResponse"),
    "batch": ("BatchRequest", lambda svc, token, body: svc.session.post(
        svc.url("/predict/batch"), json=body, headers=svc.auth(token), timeout=REQUEST_TIMEOUT),
        "BatchResponse"),
    "oip_infer": ("OipInferenceRequest", lambda svc, token, body: svc.session.post(
        svc.url("/v2/models/vader/infer"), json=body, headers=svc.auth(token),
        timeout=REQUEST_TIMEOUT), "OipInferenceResponse"),
}

# Error examples and the request that produces each.
ERRORS = {
    "ErrorDetail": lambda svc, token: svc.session.post(
        svc.url("/predict"), json={"text": "hi"}, timeout=REQUEST_TIMEOUT),
    "ValidationError": lambda svc, token: svc.session.post(
        svc.url("/predict"), json={}, headers=svc.auth(token), timeout=REQUEST_TIMEOUT),
    "OAuthError": lambda svc, token: svc.session.post(
        svc.url("/token"), data={"grant_type": "password", "username": "alice",
                                 "password": "not-" + USERS["alice"][0]},
        timeout=REQUEST_TIMEOUT),
    "OipError": lambda svc, token: svc.session.post(
        svc.url("/v2/models/vader/infer"), headers=svc.auth(token), timeout=REQUEST_TIMEOUT,
        json={"inputs": [{"name": "text", "shape": [3], "datatype": "BYTES",
                          "data": ["a", "b"]}]}),
}


def examples(schema_name):
    found = SCHEMAS[schema_name].get("examples", [])
    assert found, f"{schema_name} has no example"
    return found


def validator():
    # References resolve against the whole document, as a generator would resolve them.
    resolver_root = {"components": DOCUMENT["components"]}
    return lambda instance, schema: jsonschema.validate(
        instance, {**schema, "components": resolver_root["components"]},
        cls=jsonschema.Draft202012Validator)


def without_volatile(value):
    if isinstance(value, dict):
        return {k: ("<varies>" if k in VOLATILE else without_volatile(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_example_validates_against_its_schema(name):
    validate = validator()
    for example in SCHEMAS[name].get("examples", []):
        validate(example, SCHEMAS[name])


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_response_examples_are_what_the_service_answers(service, token, pair):
    request_schema, send, response_schema = PAIRS[pair]
    shown = [without_volatile(example) for example in examples(response_schema)]
    for request_example in examples(request_schema):
        answer = send(service, token, request_example)
        assert answer.status_code == 200, answer.text
        assert without_volatile(answer.json()) in shown, (
            f"{request_schema} example {request_example}: no {response_schema} example shows "
            f"what the service answers: {answer.text}")


@pytest.mark.parametrize("schema", sorted(ERRORS))
def test_error_examples_are_what_the_service_answers(service, token, schema):
    answer = ERRORS[schema](service, token)
    assert answer.status_code >= 400, answer.text
    assert answer.json() == examples(schema)[0], f"{schema}: the service answers {answer.text}"
