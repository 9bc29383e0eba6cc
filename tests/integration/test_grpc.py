"""The KServe V2 gRPC endpoint (--grpc-port, issue 19) against the real binary.

Clients are built the way tritonclient and KServe's Python client build them, with Debian's
python3-grpcio and stubs compiled at test time from the repository's own .proto
(python3-grpc-tools): BYTES tensors in raw_input_contents (4-byte little-endian length
prefixes, tritonclient) or in contents.bytes_contents (KServe). Whatever HTTP does, gRPC must
do the same: scores, auth, limits, metrics and logs come from the same handler.
"""
import importlib
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

import conftest
import helpers_auth as ha

grpc = pytest.importorskip("grpc")

ROOT = Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "src" / "grpc" / "proto"
TEXTS = ["what a good day", "this is terrible", "meh", "I love it :)"]


def _compile_stubs():
    """The stubs from the service's own .proto, as a client would generate them; imported, then
    their directory removed (the modules stay loaded), so no test run leaves files behind."""
    with tempfile.TemporaryDirectory(prefix="smlapi-grpc-stubs-") as out:
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO_DIR}",
                        f"--python_out={out}", f"--grpc_python_out={out}",
                        str(PROTO_DIR / "grpc_predict_v2.proto")], check=True)
        sys.path.insert(0, out)
        try:
            return (importlib.import_module("grpc_predict_v2_pb2"),
                    importlib.import_module("grpc_predict_v2_pb2_grpc"))
        finally:
            sys.path.remove(out)


pb, pb_grpc = _compile_stubs()


def start(workdir, *args):
    port = conftest.free_port()
    svc = conftest.start_service(workdir, "--grpc-port", port, *args)
    svc.grpc_port = port
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    grpc.channel_ready_future(channel).result(timeout=30)
    svc.stub = pb_grpc.GRPCInferenceServiceStub(channel)
    svc.channel = channel
    return svc


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    service = start(tmp_path_factory.mktemp("grpc"))
    yield service
    service.channel.close()
    service.stop()


@pytest.fixture(scope="module")
def token(svc):
    return svc.token()


def bearer(token):
    return (("authorization", f"Bearer {token}"),)


def raw_bytes(texts):
    """tritonclient's serialize_byte_tensor: each element as <u32 little-endian length><bytes>."""
    out = b""
    for text in texts:
        data = text.encode("utf-8")
        out += struct.pack("<I", len(data)) + data
    return out


def triton_request(model, texts, version="", request_id="", outputs=()):
    request = pb.ModelInferRequest(model_name=model, model_version=version, id=request_id)
    tensor = request.inputs.add(name="text", datatype="BYTES", shape=[len(texts)])
    del tensor  # raw contents: the tensor carries no contents of its own
    request.raw_input_contents.append(raw_bytes(texts))
    for name in outputs:
        request.outputs.add(name=name)
    return request


def kserve_request(model, texts, request_id=""):
    request = pb.ModelInferRequest(model_name=model, id=request_id)
    tensor = request.inputs.add(name="text", datatype="BYTES", shape=[len(texts)])
    tensor.contents.bytes_contents.extend(t.encode("utf-8") for t in texts)
    return request


def outputs_of(response):
    """{name: [values]} whichever way the server sent them (as tritonclient's as_numpy reads)."""
    result = {}
    for index, output in enumerate(response.outputs):
        if index < len(response.raw_output_contents):
            raw = response.raw_output_contents[index]
            fmt = "<%dq" if output.datatype == "INT64" else "<%dd"
            result[output.name] = list(struct.unpack(fmt % (len(raw) // 8), raw))
        elif output.datatype == "INT64":
            result[output.name] = list(output.contents.int64_contents)
        else:
            result[output.name] = list(output.contents.fp64_contents)
    return result


def http_infer(svc, token, model, texts):
    r = requests.post(svc.url(f"/v2/models/{model}/infer"), timeout=30,
                      headers={"Authorization": f"Bearer {token}"},
                      json={"inputs": [{"name": "text", "datatype": "BYTES",
                                        "shape": [len(texts)], "data": texts}]})
    assert r.status_code == 200, r.text
    return {o["name"]: o["data"] for o in r.json()["outputs"]}


def rpc_error(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as raised:
        call(*args, **kwargs)
    return raised.value


# ---- health and metadata ---------------------------------------------------------------------

def test_server_live_and_ready(svc):
    assert svc.stub.ServerLive(pb.ServerLiveRequest(), timeout=30).live is True
    assert svc.stub.ServerReady(pb.ServerReadyRequest(), timeout=30).ready is True


def test_server_metadata_matches_http(svc):
    answer = svc.stub.ServerMetadata(pb.ServerMetadataRequest(), timeout=30)
    http = requests.get(svc.url("/v2"), timeout=30).json()
    assert answer.name == http["name"] == "secure-ml-api"
    assert answer.version == http["version"]
    assert list(answer.extensions) == http["extensions"]


def test_model_ready_and_metadata(svc, token):
    assert svc.stub.ModelReady(pb.ModelReadyRequest(name="vader"), metadata=bearer(token),
                               timeout=30).ready is True
    meta = svc.stub.ModelMetadata(pb.ModelMetadataRequest(name="afinn"), metadata=bearer(token),
                                  timeout=30)
    http = requests.get(svc.url("/v2/models/afinn"), headers=svc.auth(token), timeout=30).json()
    assert meta.name == "afinn" and list(meta.versions) == http["versions"]
    assert meta.platform == http["platform"]
    assert [(t.name, t.datatype, list(t.shape)) for t in meta.inputs] == \
        [(t["name"], t["datatype"], t["shape"]) for t in http["inputs"]]
    assert [(t.name, t.datatype) for t in meta.outputs] == \
        [(t["name"], t["datatype"]) for t in http["outputs"]]


def test_unknown_model_is_not_found(svc, token):
    error = rpc_error(svc.stub.ModelMetadata, pb.ModelMetadataRequest(name="nope"),
                      metadata=bearer(token), timeout=30)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = rpc_error(svc.stub.ModelInfer, triton_request("../admin", ["x"]),
                      metadata=bearer(token), timeout=30)
    assert error.code() == grpc.StatusCode.NOT_FOUND


# ---- inference -------------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["vader", "afinn"])
def test_infer_raw_contents_like_tritonclient_equals_http(svc, token, model):
    response = svc.stub.ModelInfer(triton_request(model, TEXTS, request_id="req-7"),
                                   metadata=bearer(token), timeout=30)
    assert response.model_name == model and response.model_version
    assert response.id == "req-7"
    # Raw in, raw out: tritonclient reads non-BYTES outputs from raw_output_contents only.
    assert len(response.raw_output_contents) == len(response.outputs)
    assert all(list(o.shape) == [len(TEXTS)] for o in response.outputs)
    assert outputs_of(response) == http_infer(svc, token, model, TEXTS)


@pytest.mark.parametrize("model", ["vader", "afinn"])
def test_infer_bytes_contents_like_kserve_equals_http(svc, token, model):
    response = svc.stub.ModelInfer(kserve_request(model, TEXTS), metadata=bearer(token),
                                   timeout=30)
    assert not response.raw_output_contents and response.id == ""
    assert outputs_of(response) == http_infer(svc, token, model, TEXTS)


def test_infer_pinned_version_and_selected_outputs(svc, token):
    version = svc.stub.ModelMetadata(pb.ModelMetadataRequest(name="vader"),
                                     metadata=bearer(token), timeout=30).versions[0]
    response = svc.stub.ModelInfer(
        triton_request("vader", ["good"], version=version, outputs=["compound"]),
        metadata=bearer(token), timeout=30)
    assert response.model_version == version
    assert [o.name for o in response.outputs] == ["compound"]
    error = rpc_error(svc.stub.ModelInfer, triton_request("vader", ["good"], version="v0"),
                      metadata=bearer(token), timeout=30)
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_request_id_metadata_is_echoed(svc, token):
    call = svc.stub.ModelInfer.with_call(
        kserve_request("vader", ["ok"]), timeout=30,
        metadata=bearer(token) + (("x-request-id", "grpc-trace-0001"),))
    assert dict(call[1].initial_metadata())["x-request-id"] == "grpc-trace-0001"


# ---- bad input -------------------------------------------------------------------------------

def bad(svc, token, request):
    error = rpc_error(svc.stub.ModelInfer, request, metadata=bearer(token), timeout=30)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
    assert error.details()
    return error.details()


def test_wrong_datatype(svc, token):
    request = pb.ModelInferRequest(model_name="vader")
    tensor = request.inputs.add(name="text", datatype="FP32", shape=[1])
    tensor.contents.fp32_contents.append(1.0)
    assert "BYTES" in bad(svc, token, request)


def test_shape_mismatch(svc, token):
    request = kserve_request("vader", ["a", "b"])
    request.inputs[0].shape[:] = [3]
    assert "shape" in bad(svc, token, request)


def test_too_many_texts(svc, token):
    bad(svc, token, kserve_request("vader", ["x"] * 257))


def test_broken_raw_framing(svc, token):
    request = triton_request("vader", ["hello"])
    request.raw_input_contents[0] = struct.pack("<I", 99) + b"short"
    assert "raw BYTES" in bad(svc, token, request)
    request = triton_request("vader", ["hello"])
    request.raw_input_contents.append(b"")  # two raw entries for one input
    assert "one entry per input" in bad(svc, token, request)


def test_invalid_utf8(svc, token):
    request = kserve_request("vader", ["ok"])
    request.inputs[0].contents.bytes_contents[0] = b"\xff\xfe"
    assert "UTF-8" in bad(svc, token, request)


def test_texts_over_the_body_limit_and_oversized_messages(svc, token):
    # Texts beyond --max-body-bytes (64 KiB) in total: refused like HTTP's 413.
    bad(svc, token, kserve_request("vader", ["y" * 9000] * 8))
    # A message far beyond the bound: gRPC's own refusal, before any parsing.
    error = rpc_error(svc.stub.ModelInfer, kserve_request("vader", ["z" * 1_000_000]),
                      metadata=bearer(token), timeout=30)
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert svc.stub.ServerLive(pb.ServerLiveRequest(), timeout=30).live is True


# ---- auth like HTTP --------------------------------------------------------------------------

def test_no_token_is_unauthenticated(svc):
    error = rpc_error(svc.stub.ModelInfer, kserve_request("vader", ["ok"]), timeout=30)
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    error = rpc_error(svc.stub.ModelInfer, kserve_request("vader", ["ok"]), timeout=30,
                      metadata=bearer("not-a-token"))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_wrong_scope_is_permission_denied(svc):
    nobody = svc.token(user="nobody")
    error = rpc_error(svc.stub.ModelInfer, kserve_request("vader", ["ok"]), timeout=30,
                      metadata=bearer(nobody))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def test_revoked_token_is_unauthenticated(svc):
    victim = svc.token()
    assert svc.stub.ModelInfer(kserve_request("vader", ["ok"]), metadata=bearer(victim),
                               timeout=30).outputs
    assert ha.revoke(svc, victim, victim).status_code == 200
    error = rpc_error(svc.stub.ModelInfer, kserve_request("vader", ["ok"]), timeout=30,
                      metadata=bearer(victim))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


# ---- metrics and logs ------------------------------------------------------------------------

def metric(svc, name, **labels):
    text = requests.get(svc.url("/metrics"), timeout=30).text
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_rpcs_appear_in_metrics_and_the_access_log(svc, token):
    before = metric(svc, "smlapi_grpc_requests_total", rpc="ModelInfer", code="OK")
    before_http = metric(svc, "smlapi_http_requests_total", route="/v2/models/{model}/infer",
                         status="200")
    svc.stub.ModelInfer.with_call(kserve_request("vader", ["ok"]), timeout=30,
                                  metadata=bearer(token) + (("x-request-id", "grpc-log-0042"),))
    assert metric(svc, "smlapi_grpc_requests_total", rpc="ModelInfer", code="OK") == before + 1
    conftest.wait_until(lambda: metric(svc, "smlapi_http_requests_total",
                                       route="/v2/models/{model}/infer",
                                       status="200") == before_http + 1)

    def logged():
        lines = [line for line in svc.log_lines() if line.get("request_id") == "grpc-log-0042"]
        kinds = {line.get("event") for line in lines}
        return lines if {"grpc", "access"} <= kinds else None
    conftest.wait_until(logged)
    lines = logged()
    grpc_line = next(line for line in lines if line["event"] == "grpc")
    assert grpc_line["protocol"] == "grpc" and grpc_line["rpc"] == "ModelInfer"
    assert grpc_line["code"] == "OK" and grpc_line["client"] == "127.0.0.1"
    access = next(line for line in lines if line["event"] == "access")
    assert access["route"] == "/v2/models/{model}/infer" and access["status"] == 200
    assert token not in svc.log_text()


# ---- limits like HTTP ------------------------------------------------------------------------

def test_rate_limit_is_shared_with_http(tmp_path):
    limited = start(tmp_path / "limited", "--rate-limit-predict", "1/3600s+1")
    try:
        token = limited.token()
        assert http_infer(limited, token, "vader", ["ok"])  # HTTP spends one of the two
        assert limited.stub.ModelInfer(kserve_request("vader", ["ok"]), metadata=bearer(token),
                                       timeout=30).outputs
        with pytest.raises(grpc.RpcError) as raised:
            limited.stub.ModelInfer(kserve_request("vader", ["ok"]), metadata=bearer(token),
                                    timeout=30)
        error = raised.value
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        trailing = dict(error.trailing_metadata())
        assert 0 < int(trailing["retry-after"]) <= 3600
        assert "ratelimit" in trailing
        # ... and the limit gRPC spent holds for HTTP too.
        r = requests.post(limited.url("/v2/models/vader/infer"), headers=limited.auth(token),
                          json={"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1],
                                            "data": ["ok"]}]}, timeout=30)
        assert r.status_code == 429
    finally:
        limited.channel.close()
        limited.stop()


# ---- off by default, and drain ---------------------------------------------------------------

def test_off_by_default(tmp_path):
    plain = conftest.start_service(tmp_path / "plain")
    try:
        startup = next(line for line in plain.log_lines() if line.get("event") == "startup")
        assert startup["grpc_port"] == 0
    finally:
        plain.stop()


def test_sigterm_stops_cleanly(tmp_path):
    svc = start(tmp_path / "drain", "--shutdown-timeout", "5s")
    token = svc.token()
    assert svc.stub.ModelInfer(kserve_request("vader", ["ok"]), metadata=bearer(token),
                               timeout=30).outputs
    svc.channel.close()
    started = time.monotonic()
    assert svc.stop() == 0
    assert time.monotonic() - started < 30


# ---- TLS -------------------------------------------------------------------------------------

def test_tls_with_the_http_certificate(tmp_path):
    from test_tls import Pki  # the same test PKI: root -> intermediate -> 127.0.0.1
    (tmp_path / "pki").mkdir()
    pki = Pki(tmp_path / "pki")
    port = conftest.free_port()
    svc = conftest.start_service(tmp_path / "tls", "--tls-cert", pki.chain, "--tls-key", pki.key,
                                 "--grpc-port", port, wait_ready=False)
    svc.base_url = f"https://127.0.0.1:{svc.port}"
    try:
        conftest.wait_until(lambda: requests.get(svc.url("/readyz"), verify=str(pki.root),
                                                 timeout=5).status_code == 200)
        form = {"grant_type": "password", "username": "alice",
                "password": conftest.USERS["alice"][0]}
        token = requests.post(svc.url("/token"), data=form, verify=str(pki.root),
                              timeout=30).json()["access_token"]
        credentials = grpc.ssl_channel_credentials(root_certificates=pki.root.read_bytes())
        with grpc.secure_channel(f"127.0.0.1:{port}", credentials) as channel:
            stub = pb_grpc.GRPCInferenceServiceStub(channel)
            response = stub.ModelInfer(triton_request("vader", ["good"]), metadata=bearer(token),
                                       timeout=30)
            assert [o.name for o in response.outputs] == ["neg", "neu", "pos", "compound"]
        # Plaintext gRPC to the TLS port gets no answer.
        with grpc.insecure_channel(f"127.0.0.1:{port}") as plain:
            error = rpc_error(pb_grpc.GRPCInferenceServiceStub(plain).ServerLive,
                              pb.ServerLiveRequest(), timeout=5)
            assert error.code() in (grpc.StatusCode.UNAVAILABLE,
                                    grpc.StatusCode.DEADLINE_EXCEEDED)
        assert pki.key.read_text().splitlines()[1] not in svc.log_text()
    finally:
        svc.stop()


# ---- with Redis: the admission's store step answers later (the deferred path) ----------------

def test_with_redis_limits_and_answers_after_the_store_step(tmp_path, redis_server):
    svc = start(tmp_path / "redis", "--redis-host", "127.0.0.1", "--redis-port",
                redis_server.port, "--rate-limit-predict", "1/3600s+1")
    try:
        token = svc.token()
        for _ in range(2):
            response = svc.stub.ModelInfer(triton_request("vader", ["good"]),
                                           metadata=bearer(token), timeout=30)
            assert [o.name for o in response.outputs] == ["neg", "neu", "pos", "compound"]
        error = rpc_error(svc.stub.ModelInfer, triton_request("vader", ["good"]),
                          metadata=bearer(token), timeout=30)
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert int(dict(error.trailing_metadata())["retry-after"]) > 0
    finally:
        svc.channel.close()
        svc.stop()
