"""The Open Inference Protocol's binary tensor data extension (issue 19), against the real
binary, with requests built the way tritonclient's HTTP client builds them: the JSON inference
header, then each BYTES element as a 4-byte little-endian length and its bytes, the header's
length in `Inference-Header-Content-Length`, no Content-Type (or application/octet-stream);
outputs asked for as binary come back after the JSON as little-endian FP64/INT64, their sizes
in `binary_data_size`. Scores must equal the JSON protocol's for the same texts."""
import json
import struct

import pytest
import requests

from helpers_core import REQUEST_TIMEOUT, assert_oip_error, oip_request, outputs_by_name, post_json

INFER = "/v2/models/vader/infer"
TEXTS = ["I love this API!", "The docs are confusing and slow.", "café ☕ is great"]


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def bytes_tensor(texts):
    return b"".join(struct.pack("<I", len(t.encode())) + t.encode() for t in texts)


def binary_request(texts, outputs=None, binary_outputs=False, shape=None, size=None, id=None):
    """What tritonclient.http.InferenceServerClient.infer sends for a BYTES InferInput with
    set_data_from_numpy(binary_data=True): (body, headers)."""
    blob = bytes_tensor(texts)
    header = {"inputs": [{"name": "text", "shape": shape or [len(texts)], "datatype": "BYTES",
                          "parameters": {"binary_data_size": len(blob) if size is None else size}}]}
    if id is not None:
        header["id"] = id
    if outputs is not None:
        header["outputs"] = [{"name": name, "parameters": {"binary_data": binary_outputs}}
                             for name in outputs]
    elif binary_outputs:
        header["parameters"] = {"binary_data_output": True}
    encoded = json.dumps(header).encode()
    return encoded + blob, {"Inference-Header-Content-Length": str(len(encoded))}


def post(svc, token, body, headers, path=INFER):
    headers = {"Authorization": f"Bearer {token}", **headers}
    return requests.post(svc.url(path), data=body, headers=headers, timeout=REQUEST_TIMEOUT)


def decode(response):
    """Splits an answer like tritonclient's InferResult: the JSON header, then binary outputs."""
    length = int(response.headers.get("Inference-Header-Content-Length", len(response.content)))
    header = json.loads(response.content[:length])
    binary, offset, outputs = response.content[length:], 0, {}
    for output in header["outputs"]:
        if "data" in output:
            outputs[output["name"]] = output["data"]
            continue
        size = output["parameters"]["binary_data_size"]
        fmt = "<%dq" if output["datatype"] == "INT64" else "<%dd"
        outputs[output["name"]] = list(struct.unpack(fmt % (size // 8), binary[offset:offset + size]))
        offset += size
    assert offset == len(binary), "binary part longer than the outputs say"
    return header, outputs


def json_scores(svc, token, texts, model="vader"):
    r = post_json(svc, f"/v2/models/{model}/infer", oip_request(texts), token)
    assert r.status_code == 200, r.text
    return outputs_by_name(r.json())


def test_binary_inputs_score_like_json(service, token):
    body, headers = binary_request(TEXTS, id="7")
    r = post(service, token, body, headers)  # no Content-Type, as tritonclient sends it
    assert r.status_code == 200, r.text
    header, outputs = decode(r)
    assert header["id"] == "7"
    assert "Inference-Header-Content-Length" not in r.headers  # JSON outputs: plain JSON answer
    assert outputs == {name: o["data"] for name, o in json_scores(service, token, TEXTS).items()}


def test_binary_outputs_are_little_endian_doubles_after_the_json(service, token):
    body, headers = binary_request(TEXTS, binary_outputs=True)
    r = post(service, token, body, {**headers, "Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/octet-stream")
    header, outputs = decode(r)
    for output in header["outputs"]:
        assert output["parameters"]["binary_data_size"] == 8 * len(TEXTS)
        assert "data" not in output
    expected = json_scores(service, token, TEXTS)
    assert outputs == {name: o["data"] for name, o in expected.items()}


def test_some_outputs_binary_others_json(service, token):
    body, headers = binary_request(TEXTS[:2], outputs=["compound"], binary_outputs=True)
    header, outputs = decode(post(service, token, body, headers))
    assert [o["name"] for o in header["outputs"]] == ["compound"]
    both = json.dumps(oip_request(TEXTS[:2], outputs=[
        {"name": "neg", "parameters": {"binary_data": False}},
        {"name": "pos", "parameters": {"binary_data": True}}])).encode()
    r = post(service, token, both, {"Inference-Header-Content-Length": str(len(both))})
    header, mixed = decode(r)
    assert "data" in header["outputs"][0] and "data" not in header["outputs"][1]
    expected = json_scores(service, token, TEXTS[:2])
    assert mixed == {"neg": expected["neg"]["data"], "pos": expected["pos"]["data"]}
    assert outputs["compound"] == expected["compound"]["data"]


def test_int64_outputs_in_binary(service, token):
    body, headers = binary_request(["good", "bad bad"], binary_outputs=True)
    header, outputs = decode(post(service, token, body, headers,
                                  path="/v2/models/afinn/infer"))
    assert outputs == {name: o["data"]
                       for name, o in json_scores(service, token, ["good", "bad bad"],
                                                  "afinn").items()}
    assert {o["name"]: o["datatype"] for o in header["outputs"]}["score"] == "INT64"


def test_null_id_is_no_id(service, token):
    r = post_json(service, INFER, {**oip_request(["good"]), "id": None}, token)
    assert r.status_code == 200, r.text
    assert "id" not in r.json()


@pytest.mark.parametrize("case", ["size mismatch", "shape mismatch", "truncated", "trailing",
                                  "header too long", "header not a number", "unclaimed binary",
                                  "invalid utf-8", "empty text"])
def test_malformed_binary_bodies_are_400_with_a_reason(service, token, case):
    body, headers = binary_request(["good", "bad"])
    length = int(headers["Inference-Header-Content-Length"])
    if case == "size mismatch":
        body, headers = binary_request(["good", "bad"], size=3)
    elif case == "shape mismatch":
        body, headers = binary_request(["good", "bad"], shape=[3])
    elif case == "truncated":
        body = body[:-2]
    elif case == "trailing":
        body, headers = binary_request(["good", "bad"], size=len(bytes_tensor(["good", "bad"])) + 1)
        body += b"x"
    elif case == "header too long":
        headers = {"Inference-Header-Content-Length": str(len(body) + 1)}
    elif case == "header not a number":
        headers = {"Inference-Header-Content-Length": "12abc"}
    elif case == "unclaimed binary":
        plain = json.dumps(oip_request(["good"])).encode()
        body, headers = plain + b"\x00" * 4, {"Inference-Header-Content-Length": str(len(plain))}
    elif case == "invalid utf-8":
        header = json.loads(body[:length])
        blob = struct.pack("<I", 1) + b"\xff"
        header["inputs"][0]["shape"] = [1]
        header["inputs"][0]["parameters"]["binary_data_size"] = len(blob)
        encoded = json.dumps(header).encode()
        body, headers = encoded + blob, {"Inference-Header-Content-Length": str(len(encoded))}
    elif case == "empty text":
        body, headers = binary_request([""])
    error = assert_oip_error(post(service, token, body, headers), 400)["error"]
    assert error and "Traceback" not in error


def test_binary_texts_obey_the_text_limits(service, token):
    body, headers = binary_request(["x"] * 300)
    assert_oip_error(post(service, token, body, headers), 413)


def test_other_content_types_are_still_refused(service, token):
    body, headers = binary_request(["good"])
    r = post(service, token, body, {**headers, "Content-Type": "text/plain"})
    assert r.status_code == 415
