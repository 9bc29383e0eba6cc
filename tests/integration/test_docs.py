"""GET /openapi.json describes every route the server answers, and GET /docs/ serves Swagger UI
from shipped assets under a strict Content-Security-Policy; the headless-Chromium test of
tests/browser/ runs against the live server when Chromium and playwright-core are present
(issue 3)."""
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import requests

from conftest import ROOT
from helpers_core import REQUEST_TIMEOUT, assert_security_headers

# Every (method, route template) the server answers (service contract and issue 9).
SERVED_ROUTES = {
    ("post", "/predict"), ("post", "/predict/batch"), ("post", "/token"),
    ("post", "/token/revoke"), ("get", "/.well-known/jwks.json"), ("get", "/healthz"),
    ("get", "/readyz"), ("get", "/metrics"), ("get", "/openapi.json"), ("get", "/docs"),
    ("get", "/v2"), ("get", "/v2/health/live"), ("get", "/v2/health/ready"),
    ("get", "/v2/models/{model}"), ("get", "/v2/models/{model}/versions/{version}"),
    ("get", "/v2/models/{model}/ready"), ("get", "/v2/models/{model}/versions/{version}/ready"),
    ("post", "/v2/models/{model}/infer"), ("post", "/v2/models/{model}/versions/{version}/infer"),
}
# Paths a scanner would try; each must be 404 unless the document describes it.
PROBES = ["/", "/index.html", "/admin", "/debug", "/status", "/health", "/ready", "/version",
          "/info", "/api", "/api/predict", "/v1/predict", "/v1/models/vader:predict",
          "/openapi.yaml", "/swagger.json", "/redoc", "/docs/openapi.json", "/metrics/",
          "/healthz/", "/predict/", "/v2/models", "/v2/repository/index", "/v2/models/vader/stats",
          "/v2/models/vader/generate", "/v2/models/vader/versions", "/.env", "/server-status"]
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def document(service):
    r = requests.get(service.url("/openapi.json"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


@pytest.fixture(scope="module")
def token(service):
    return service.token("alice")


def documented_operations(document):
    return {(method, path) for path, item in document["paths"].items()
            for method in item if method in HTTP_METHODS}


def template_to_regex(template):
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def is_documented(document, path):
    return any(template_to_regex(t).match(path) for t in document["paths"])


# ---- the document ---------------------------------------------------------------------------

def test_document_is_openapi_3_1(document):
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"]), document["openapi"]
    assert document["info"]["title"] and document["info"]["version"]


def test_served_document_is_the_linted_source(document):
    # tests/openapi lints src/api/assets/openapi.json; the binary must serve exactly that file.
    source = ROOT / "src" / "api" / "assets" / "openapi.json"
    if not source.exists():
        pytest.skip(f"{source} not present")
    assert document == json.loads(source.read_text()), \
        "the served document differs from the linted source (stale build?)"


def test_every_served_route_is_documented(document):
    missing = SERVED_ROUTES - documented_operations(document)
    assert not missing, f"routes the server answers but the document omits: {sorted(missing)}"


def test_every_documented_operation_is_served(service, document, token):
    version = requests.get(service.url("/v2/models/vader"), timeout=REQUEST_TIMEOUT, headers={
        "Authorization": f"Bearer {token}"}).json()["versions"][0]
    values = {"model": "vader", "version": version, "asset": "swagger-ui.css"}
    for method, template in sorted(documented_operations(document)):
        path = re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], template)
        r = requests.request(method, service.url(path), headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            data="{}" if method == "post" else None, timeout=REQUEST_TIMEOUT)
        assert r.status_code not in (404, 405), (method, template, r.status_code, r.text[:200])


def test_undocumented_paths_are_not_served(service, document):
    for path in PROBES:
        if is_documented(document, path):
            continue
        r = requests.get(service.url(path), timeout=REQUEST_TIMEOUT)
        assert r.status_code == 404, (path, r.status_code)


def test_references_resolve(document):
    refs = re.findall(r'"\$ref":\s*"([^"]+)"', json.dumps(document))
    assert refs
    for ref in set(refs):
        assert ref.startswith("#/"), ref
        node = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            assert isinstance(node, dict) and part in node, f"unresolvable $ref {ref}"
            node = node[part]


def test_error_responses_are_documented(document):
    def statuses(method, path):
        return set(document["paths"][path][method]["responses"])
    for path in ("/predict", "/predict/batch"):
        assert {"200", "401", "403", "413", "415", "422", "429"} <= statuses("post", path), path
    for path in ("/v2/models/{model}/infer", "/v2/models/{model}/versions/{version}/infer"):
        assert {"200", "400", "401", "404", "413", "415"} <= statuses("post", path), path
    assert {"200", "400", "401"} <= statuses("post", "/token")
    assert {"200", "503"} <= statuses("get", "/readyz")


def test_protected_operations_declare_security(document):
    for method, path in (("post", "/predict"), ("post", "/predict/batch"),
                         ("post", "/v2/models/{model}/infer")):
        assert document["paths"][path][method].get("security"), (method, path)
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme", "").lower() == "bearer"
               for s in schemes.values()), schemes


# ---- /docs ----------------------------------------------------------------------------------

class AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets, self.inline_scripts, self.inline_styles, self.handlers = [], 0, 0, []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "script":
            if attrs.get("src"):
                self.assets.append(attrs["src"])
            else:
                self._in_script = True
        if tag == "style":
            self.inline_styles += 1
        if tag == "link" and attrs.get("href") and not attrs["href"].startswith("data:"):
            self.assets.append(attrs["href"])

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


@pytest.fixture(scope="module")
def docs_page(service):
    r = requests.get(service.url("/docs/"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    return r


def test_docs_csp_is_strict(docs_page):
    csp = docs_page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("script-src") == ["'self'"], csp
    assert directives.get("default-src") in (["'none'"], ["'self'"]), csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src", directives["default-src"]) in (["'none'"], ["'self'"])
    assert not re.search(r"https?:", csp), "the CSP allows a remote origin (a CDN?)"
    assert_security_headers(docs_page.headers, "/docs/")


def test_docs_page_has_no_inline_code_and_only_local_assets(service, docs_page):
    page = AssetCollector()
    page.feed(docs_page.text)
    assert page.inline_scripts == 0
    assert page.inline_styles == 0
    assert page.handlers == []
    assert page.assets, "no script or stylesheet referenced"
    for asset in page.assets:
        assert not re.match(r"^(https?:)?//", asset), f"remote asset {asset}"
        url = requests.compat.urljoin(service.url("/docs/"), asset)
        r = requests.get(url, timeout=REQUEST_TIMEOUT)
        assert r.status_code == 200, asset
        expected = "text/javascript" if asset.endswith(".js") else "text/css"
        assert r.headers["Content-Type"].split(";")[0] in (expected, "application/javascript"), \
            (asset, r.headers["Content-Type"])
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        assert "unsafe-inline" not in r.headers["Content-Security-Policy"]


def test_docs_without_trailing_slash(service):
    r = requests.get(service.url("/docs"), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200  # after any redirect
    assert "swagger" in r.text.lower()


@pytest.mark.parametrize("path", [
    "/docs/%2e%2e/openapi.json", "/docs/..%2fopenapi.json", "/docs/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/docs/..%5c..%5cetc%5cpasswd", "/docs/.%2e/.%2e/etc/passwd", "/docs/nope.js",
    "/docs/swagger-ui.css%00.js"])
def test_docs_assets_cannot_escape(service, path):
    r = requests.get(service.url(path), timeout=REQUEST_TIMEOUT)
    assert r.status_code == 404, (path, r.status_code)
    assert r.json() == {"detail": "Not Found"}, r.text
    assert "root:" not in r.text


# ---- the browser test -----------------------------------------------------------------------

def test_swagger_ui_in_headless_chromium(service, token):
    script = ROOT / "tests" / "browser" / "run.sh"
    if not script.exists():
        pytest.skip(f"{script} not present")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("/usr/bin/chromium not installed")
    if not shutil.which("node"):
        pytest.skip("node not installed")
    if not (ROOT / "node_modules" / "playwright-core").exists():
        pytest.skip("node_modules/playwright-core missing (npm ci)")
    env = dict(os.environ, BASE_URL=service.base_url, SMLAPI_TEST_TOKEN=token)
    result = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env,
                            timeout=170, cwd=str(ROOT))
    if result.returncode == 77:
        pytest.skip(result.stdout.strip() or "browser test skipped itself")
    assert result.returncode == 0, result.stdout + result.stderr
