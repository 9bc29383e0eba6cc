"""--root-path (issue 18 item 6): behind an ingress that routes /sentiment/... to the service and
strips the prefix (HAProxy here, as an ingress controller would), the docs UI, every link it
loads and the OpenAPI `servers` entry carry the prefix, so a reader and a generated client both
reach the API through the ingress."""
import re

import pytest
import requests

import conftest
import topology
from helpers_core import assert_config_refused, serve_refused

PREFIX = "/sentiment"

INGRESS = """global
  maxconn 256
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend ingress
  bind 127.0.0.1:{port}
  http-request deny deny_status 404 unless {{ path_beg {prefix}/ }}
  http-request replace-path {prefix}(/.*) \\1
  default_backend api
backend api
  server api 127.0.0.1:{service_port}
"""


@pytest.fixture(scope="module")
def ingress(tmp_path_factory):
    missing = topology.tool_missing()
    if missing:
        pytest.skip(missing)
    workdir = tmp_path_factory.mktemp("root-path")
    svc = conftest.start_service(workdir, "--root-path", PREFIX)
    port = conftest.free_port()
    proxy = topology.Haproxy(workdir, "ingress", port,
                             INGRESS.format(port=port, prefix=PREFIX, service_port=svc.port))
    proxy.start()
    yield svc, f"http://127.0.0.1:{port}"
    proxy.stop()
    svc.stop()


def test_docs_page_and_everything_it_loads_are_reachable_through_the_ingress(ingress):
    _, base = ingress
    page = requests.get(base + PREFIX + "/docs/", timeout=30)
    assert page.status_code == 200, page.text[:300]
    links = re.findall(r'(?:href|src)="(/[^"]*)"', page.text)
    assert links and all(link.startswith(PREFIX + "/docs/") for link in links), links
    for link in links:
        assert requests.get(base + link, timeout=30).status_code == 200, link
    init = requests.get(base + PREFIX + "/docs/swagger-init.js", timeout=30).text
    assert f"'{PREFIX}/openapi.json'" in init, init


def test_openapi_servers_entry_leads_a_client_to_the_api(ingress):
    svc, base = ingress
    document = requests.get(base + PREFIX + "/openapi.json", timeout=30).json()
    server = document["servers"][0]["url"]
    assert server == PREFIX, document["servers"]
    # A client generated from the document prefixes every path with the server URL.
    token = requests.post(base + server + "/token",
                          data={"grant_type": "password", "username": "alice",
                                "password": conftest.USERS["alice"][0]}, timeout=30)
    assert token.status_code == 200, token.text
    answer = requests.post(base + server + "/predict", json={"text": "a great day"},
                           headers={"Authorization": "Bearer " + token.json()["access_token"]},
                           timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["label"] == "POSITIVE"


def test_without_a_root_path_the_documents_are_unchanged(service):
    assert requests.get(service.url("/openapi.json"), timeout=30).json()["servers"][0]["url"] == "/"
    assert 'href="/docs/swagger-ui.css"' in requests.get(service.url("/docs/"), timeout=30).text


@pytest.mark.parametrize("bad", ["sentiment", "/sentiment/", "/a//b", "/a/../b", "/a b",
                                 "/<script>", "/" + "a" * 200])
def test_bad_root_path_is_refused_at_start(bad):
    assert_config_refused(serve_refused(conftest.BIN, ["--root-path", bad]), "--root-path")
