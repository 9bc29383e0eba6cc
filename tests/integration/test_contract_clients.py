"""Independent checks of the live server: every answer matches the OpenAPI
document (tests/openapi/check_responses.py), and an Open Inference Protocol
client built from the specification's examples passes (tests/oip-client/)."""
import os
import subprocess

from conftest import ROOT


def run_checker(script, service):
    env = dict(os.environ, BASE_URL=service.base_url, SMLAPI_TEST_TOKEN=service.token())
    result = subprocess.run(["/usr/bin/python3", str(ROOT / script)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 77, f"{script} skipped itself: {result.stdout}{result.stderr}"
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_answers_match_the_openapi_document(service):
    out = run_checker("tests/openapi/check_responses.py", service)
    assert "ok" in out


def test_open_inference_protocol_client_passes(service):
    out = run_checker("tests/oip-client/oip_client.py", service)
    assert "not ok" not in out
