"""The client: one object per service, safe to share between threads."""
from __future__ import annotations

import json
import random
import threading
import time
import uuid
from typing import (Any, Callable, Collection, Dict, List, Mapping, Optional, Sequence, Tuple,
                    Union)
from urllib.parse import quote

import requests
import urllib3.exceptions

from . import batching
from .credentials import (ClientCredentials, Credentials, IssuedToken, PasswordCredentials,
                          TokenCache)
from .errors import (ApiError, AuthenticationError, NotFound, PermissionDenied, RateLimited,
                     ServerUnavailable, TransportError, ValidationError, ValidationIssue)
from .headers import RateLimitState, parse_rate_limit, parse_retry_after, rate_limit_wait
from .models import (BatchPrediction, InferResult, ModelMetadata, OutputTensor, Prediction)
from .retry import (Failure, RetryPolicy, next_wait, retryable_failure, retryable_status)

__all__ = ["Client"]

USER_AGENT = "secure-ml-api-client-python/0.1.0"
FORM = Dict[str, str]


class Client:
    """A client of one secure-ml-api service.

    base_url: e.g. "https://sentiment.example.com" (with the ingress prefix, if any).
    credentials: ClientCredentials (machines), PasswordCredentials (users) or StaticToken;
        None for the routes that need no token (health, /v2 metadata).
    timeout: seconds for connecting and for each read, per attempt.
    retry: bounds of the retry loop (see retry.py for what is retried).
    verify: TLS certificate verification (on by default); ca_bundle: a PEM file of the CAs
        to trust instead of the system's (a private CA).
    max_batch_texts: texts per request for predict_batch and infer (the server's
        --max-batch-texts, 256 by default). A server configured lower says so when it refuses
        a batch, and the client lowers its figure and re-sends in smaller requests.
    max_batch_text_bytes, max_body_bytes: the server's byte bounds (65536 each by default).
    token_refresh_margin: renew a token this many seconds before it expires (at most half
        its lifetime early).
    pace: after an answer whose RateLimit says a policy has no request left (r=0), wait
        before the next call of the same kind until one is back (window/quota, at most t)
        instead of spending a round trip on a certain 429.
    session, clock, sleep, rng: injectable for tests; clock is monotonic seconds.
    """

    def __init__(self, base_url: str, credentials: Optional[Credentials] = None, *,
                 timeout: float = 30.0, retry: Optional[RetryPolicy] = None,
                 verify: bool = True, ca_bundle: Optional[str] = None,
                 max_batch_texts: int = batching.DEFAULT_MAX_BATCH_TEXTS,
                 max_batch_text_bytes: int = batching.DEFAULT_MAX_BATCH_TEXT_BYTES,
                 max_body_bytes: int = batching.DEFAULT_MAX_BODY_BYTES,
                 token_refresh_margin: float = 60.0,
                 pace: bool = True,
                 session: Optional[requests.Session] = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[], float] = random.random,
                 user_agent: str = USER_AGENT) -> None:
        if max_batch_texts < 1:
            raise ValueError("max_batch_texts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry if retry is not None else RetryPolicy()
        self._session = session if session is not None else requests.Session()
        # Passed with every request, not set on the session: requests lets REQUESTS_CA_BUNDLE
        # override a session's CA bundle, never a per-request one.
        self._verify: Union[bool, str] = ca_bundle if (verify and ca_bundle) else verify
        self._owns_session = session is None
        self._clock = clock
        self._sleep = sleep
        self._rng = rng
        self._user_agent = user_agent
        self._lock = threading.Lock()
        self._max_batch_texts = max_batch_texts
        self.max_batch_text_bytes = max_batch_text_bytes
        self.max_body_bytes = max_body_bytes
        self._rate_limit: List[RateLimitState] = []
        self._pace = pace
        self._not_before: Dict[str, float] = {}  # pacing: route kind -> monotonic time
        self._tokens: Optional[TokenCache] = None
        if credentials is not None:
            self._tokens = TokenCache(credentials, self._fetch_token,
                                      refresh_margin=token_refresh_margin, clock=clock)

    def __repr__(self) -> str:
        return f"Client({self.base_url!r}, tokens={self._tokens!r})"

    # ---- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- what the client has learnt -------------------------------------------------------

    @property
    def max_batch_texts(self) -> int:
        """Texts per request: the constructor's figure, or the server's if it said less."""
        with self._lock:
            return self._max_batch_texts

    @property
    def rate_limit(self) -> List[RateLimitState]:
        """The RateLimit state of the last response that carried one."""
        with self._lock:
            return list(self._rate_limit)

    @property
    def token_fetches(self) -> int:
        """Tokens obtained from /token so far."""
        return self._tokens.fetches if self._tokens is not None else 0

    def token(self) -> str:
        """The current access token (fetched or renewed as needed), e.g. for another tool."""
        return self._require_tokens().get()

    # ---- the reference API ----------------------------------------------------------------

    def predict(self, text: str, model: Optional[str] = None, *,
                explain: bool = False) -> Prediction:
        """POST /predict: one text. explain=True sends "explain": true and returns whatever
        explanation the server adds in Prediction.explanation (and .extra)."""
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        body: Dict[str, Any] = {"text": text}
        if model is not None:
            body["model"] = model
        if explain:
            body["explain"] = True
        answer = self._json(self._send("POST", "/predict", json_body=body, idempotent=True))
        return Prediction.from_json(answer)

    def predict_batch(self, texts: Sequence[str], model: Optional[str] = None, *,
                      explain: bool = False) -> BatchPrediction:
        """POST /predict/batch for any number of texts: split into requests within the
        server's limits, results in input order. A ValidationError names positions in
        `texts` (loc ["body", "texts", i] counts from the first text passed here)."""
        items = batching.as_list(texts)
        results: List[Prediction] = []
        versions: List[str] = []
        users: List[str] = []
        models: List[str] = []
        extra: Dict[str, Any] = {}
        for count, body, chunk_results in self._batches(
                items, "/predict/batch", lambda part: self._batch_body(part, model, explain)):
            if len(chunk_results) != count:
                raise ApiError(f"/predict/batch answered {len(chunk_results)} results for "
                               f"{count} texts")
            for item in chunk_results:
                results.append(Prediction.from_json(
                    item if isinstance(item, dict) else {}, model=body.get("model"),
                    model_version=body.get("model_version"), user=body.get("user")))
            _remember(versions, body.get("model_version"))
            _remember(users, body.get("user"))
            _remember(models, body.get("model"))
            extra.update({k: v for k, v in body.items()
                          if k not in ("user", "model", "model_version", "results")})
        return BatchPrediction(results=results, model=models[0] if models else model,
                               model_versions=versions, user=users[0] if users else None,
                               extra=extra)

    # ---- the Open Inference Protocol --------------------------------------------------------

    def infer(self, model: str, texts: Sequence[str], version: Optional[str] = None, *,
              outputs: Optional[Sequence[str]] = None, request_id: Optional[str] = None,
              parameters: Optional[Mapping[str, Any]] = None) -> InferResult:
        """POST /v2/models/{model}[/versions/{version}]/infer with a BYTES `text` input of
        shape [N]; split like predict_batch, outputs concatenated in input order.

        outputs: the outputs to return (all when None); request_id: the protocol's `id`,
        echoed back; parameters: the protocol's request `parameters`, sent as given."""
        items = batching.as_list(texts)
        path = self._model_path(model, version) + "/infer"

        def body_for(part: List[str]) -> Dict[str, Any]:
            body: Dict[str, Any] = {"inputs": [{"name": "text", "datatype": "BYTES",
                                                "shape": [len(part)], "data": part}]}
            if outputs is not None:
                body["outputs"] = [{"name": name} for name in outputs]
            if request_id is not None:
                body["id"] = request_id
            if parameters is not None:
                body["parameters"] = dict(parameters)
            return body

        merged: Dict[str, OutputTensor] = {}
        model_name = model
        model_version: Optional[str] = None
        echoed: Optional[str] = None
        extra: Dict[str, Any] = {}
        for count, body, chunk_outputs in self._batches(items, path, body_for,
                                                        results_key="outputs"):
            model_name = str(body.get("model_name", model_name))
            model_version = body.get("model_version", model_version)
            echoed = body.get("id", echoed)
            extra.update({k: v for k, v in body.items()
                          if k not in ("model_name", "model_version", "id", "outputs")})
            for output in chunk_outputs:
                if not isinstance(output, dict):
                    continue
                name = str(output.get("name", ""))
                data = list(output.get("data", []))
                if len(data) != count:
                    raise ApiError(f"{path}: output {name!r} has {len(data)} values for "
                                   f"{count} texts")
                if name in merged:
                    merged[name].data.extend(data)
                    merged[name].shape[0] += len(data)
                else:
                    merged[name] = OutputTensor(
                        name=name, datatype=str(output.get("datatype", "")),
                        shape=[len(data)], data=data,
                        parameters=dict(output.get("parameters", {}) or {}))
        return InferResult(model_name=model_name, model_version=model_version, outputs=merged,
                           id=echoed, extra=extra)

    def server_metadata(self) -> Dict[str, Any]:
        """GET /v2: name, version, extensions (no token needed)."""
        return self._json(self._send("GET", "/v2", auth=False, idempotent=True))

    def models(self) -> List[Dict[str, Any]]:
        """GET /v2/models: every model with its versions (default first) and platform."""
        answer = self._json(self._send("GET", "/v2/models", idempotent=True))
        listed = answer.get("models", [])
        return [m for m in listed if isinstance(m, dict)] if isinstance(listed, list) else []

    def model_metadata(self, model: str, version: Optional[str] = None) -> ModelMetadata:
        """GET /v2/models/{model}[/versions/{version}]."""
        answer = self._json(self._send("GET", self._model_path(model, version),
                                       idempotent=True))
        return ModelMetadata.from_json(answer)

    def model_ready(self, model: str, version: Optional[str] = None) -> bool:
        response = self._send("GET", self._model_path(model, version) + "/ready",
                              idempotent=True, accept=(503,))
        return response.status_code == 200 and bool(self._json(response).get("ready"))

    # ---- health ---------------------------------------------------------------------------

    def health(self) -> bool:
        """GET /healthz: the process answers (liveness). Raises TransportError when nothing
        answers at all."""
        response = self._send("GET", "/healthz", auth=False, idempotent=True, accept=(503,),
                              retries=False)
        return response.status_code == 200

    def ready(self) -> bool:
        """GET /readyz: True when the service takes traffic; False while starting, draining
        or with a required dependency down (503). Not retried: the answer is the point."""
        response = self._send("GET", "/readyz", auth=False, idempotent=True, accept=(503,),
                              retries=False)
        return response.status_code == 200

    # ---- any other route ------------------------------------------------------------------

    def request(self, method: str, path: str, *, json_body: Any = None,
                auth: bool = True, idempotent: Optional[bool] = None) -> Any:
        """Any route, with the same tokens, retries and errors; returns the decoded JSON (None
        for an empty body). idempotent defaults to True for GET and HEAD only."""
        safe = idempotent if idempotent is not None else method.upper() in ("GET", "HEAD")
        response = self._send(method.upper(), path, json_body=json_body, auth=auth,
                              idempotent=safe)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text  # e.g. /metrics: text, not JSON

    # ---- internals: batching --------------------------------------------------------------

    @staticmethod
    def _batch_body(part: List[str], model: Optional[str], explain: bool) -> Dict[str, Any]:
        body: Dict[str, Any] = {"texts": part}
        if model is not None:
            body["model"] = model
        if explain:
            body["explain"] = True
        return body

    def _batches(self, items: List[str], path: str,
                 body_for: Callable[[List[str]], Dict[str, Any]], results_key: str = "results",
                 ) -> List[Tuple[int, Dict[str, Any], List[Any]]]:
        """Sends `items` in requests within the limits; returns, per request in order, its
        text count, its answer and the answer's list under `results_key`. Re-splits when the
        server refuses a request as too many texts and says its limit."""
        out: List[Tuple[int, Dict[str, Any], List[Any]]] = []
        position = 0
        while position < len(items):
            limit = self.max_batch_texts
            span = next(batching.chunks(items[position:position + limit], max_texts=limit,
                                        max_text_bytes=self.max_batch_text_bytes,
                                        max_body_bytes=self.max_body_bytes))
            part = items[position:position + len(span)]
            try:
                response = self._send("POST", path, json_body=body_for(part), idempotent=True)
            except ValidationError as error:
                if self._learn_batch_limit(error, len(part)):
                    continue
                raise _shift_locations(error, position) from None
            answer = self._json(response)
            listed = answer.get(results_key, [])
            out.append((len(part), answer, listed if isinstance(listed, list) else []))
            position += len(part)
        return out

    def _learn_batch_limit(self, error: ValidationError, sent: int) -> bool:
        """Lowers max_batch_texts to the limit the server named, if it is below what was
        sent (so the loop always makes progress)."""
        messages = [issue.msg for issue in error.issues]
        if isinstance(error.detail, str):
            messages.append(error.detail)
        for message in messages:
            limit = batching.limit_from_message(message)
            if limit is not None and limit < sent:
                with self._lock:
                    self._max_batch_texts = min(self._max_batch_texts, limit)
                return True
        return False

    # ---- internals: tokens ----------------------------------------------------------------

    def _require_tokens(self) -> TokenCache:
        if self._tokens is None:
            raise AuthenticationError("this route needs a token: construct the Client with "
                                      "credentials")
        return self._tokens

    def _fetch_token(self, credentials: Credentials) -> IssuedToken:
        assert isinstance(credentials, (ClientCredentials, PasswordCredentials))
        form, basic = credentials.form()
        response = self._send("POST", "/token", form=form, basic_auth=basic, auth=False,
                              idempotent=False)
        answer = self._json(response)
        token = answer.get("access_token")
        token_type = str(answer.get("token_type", ""))
        expires_in = answer.get("expires_in")
        if not isinstance(token, str) or not token or token_type.lower() != "bearer":
            raise AuthenticationError("/token answered no bearer token",
                                      status=response.status_code,
                                      request_id=response.headers.get("X-Request-ID"))
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 300.0
        scope = answer.get("scope")
        return IssuedToken(access_token=token, expires_in=lifetime,
                           scope=scope if isinstance(scope, str) else None)

    # ---- internals: one call, with retries --------------------------------------------------

    def _send(self, method: str, path: str, *, json_body: Any = None,
              form: Optional[FORM] = None, basic_auth: Optional[Tuple[str, str]] = None,
              auth: bool = True, idempotent: bool, accept: Collection[int] = (),
              retries: bool = True) -> requests.Response:
        """One logical call: attempts until a success (2xx or a status in `accept`), an error
        not worth retrying, or the retry budget's end. The X-Request-ID is the same on every
        attempt, so the server's logs tie the retries together."""
        request_id = uuid.uuid4().hex
        url = self.base_url + path
        data: Union[bytes, FORM, None] = form
        headers = {"Accept": "application/json", "User-Agent": self._user_agent,
                   "X-Request-ID": request_id}
        if json_body is not None:
            # UTF-8 as is (not \u escapes): the batch splitter counts these bytes.
            data = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        started = self._clock()
        attempt = 0
        renewed = False
        kind = _route_kind(path)
        while True:
            attempt += 1
            self._wait_for_quota(kind, started)
            token: Optional[str] = None
            if auth:
                token = self._require_tokens().get()
                headers["Authorization"] = "Bearer " + token
            try:
                response = self._session.request(method, url, data=data, headers=headers,
                                                 auth=basic_auth, timeout=self.timeout,
                                                 verify=self._verify, allow_redirects=False)
            except requests.RequestException as exc:
                failure = _classify(exc)
                wait = None
                if retries and retryable_failure(failure, idempotent):
                    wait = next_wait(self.retry, attempt=attempt,
                                     elapsed=self._clock() - started, hint=None, rng=self._rng)
                if wait is None:
                    raise TransportError(f"{method} {path}: {_describe(exc, failure)}",
                                         request_id=request_id) from exc
                self._sleep(wait)
                continue
            self._note_rate_limit(response, kind)
            status = response.status_code
            if status < 400 or status in accept:
                return response
            if (status == 401 and token is not None and not renewed
                    and self._require_tokens().invalidate(token)):
                renewed = True  # expired or revoked early: one fresh token, then give up
                attempt -= 1
                continue
            if retries and retryable_status(status, idempotent):
                hint = parse_retry_after(response.headers.get("Retry-After"))
                if hint is None and status == 429:
                    hint = rate_limit_wait(parse_rate_limit(response.headers))
                wait = next_wait(self.retry, attempt=attempt, elapsed=self._clock() - started,
                                 hint=hint, rng=self._rng)
                if wait is not None:
                    response.close()
                    self._sleep(wait)
                    continue
            raise _error_from(response, method, path)

    def _note_rate_limit(self, response: requests.Response, kind: str) -> None:
        states = parse_rate_limit(response.headers)
        if not states:
            return
        # On a refusal the retry loop waits already; pace after an answer that was served.
        wait = rate_limit_wait(states) if response.status_code < 400 else None
        with self._lock:
            self._rate_limit = states
            if self._pace and wait:
                self._not_before[kind] = self._clock() + wait

    def _wait_for_quota(self, kind: str, started: float) -> None:
        """Sleeps until the quota the last answer of this kind exhausted is back, unless that
        would overrun the retry budget (then the server decides, with Retry-After)."""
        with self._lock:
            not_before = self._not_before.pop(kind, None)
        if not_before is None:
            return
        now = self._clock()
        delay = not_before - now
        if 0 < delay and (now - started) + delay <= self.retry.max_total_seconds:
            self._sleep(delay)

    @staticmethod
    def _json(response: requests.Response) -> Dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise ApiError("the answer is not JSON", status=response.status_code,
                           request_id=response.headers.get("X-Request-ID")) from None
        if not isinstance(body, dict):
            raise ApiError("the answer is not a JSON object", status=response.status_code,
                           request_id=response.headers.get("X-Request-ID"))
        return body

    @staticmethod
    def _model_path(model: str, version: Optional[str]) -> str:
        path = "/v2/models/" + quote(model, safe="")
        if version is not None:
            path += "/versions/" + quote(version, safe="+")
        return path


# ---- helpers ----------------------------------------------------------------------------------

def _route_kind(path: str) -> str:
    """Which of the server's limit classes a path falls in, for pacing: scoring shares one
    quota (/predict, /predict/batch, OIP infer), /token another, the rest the default."""
    if path.startswith("/predict") or path.endswith("/infer"):
        return "predict"
    if path.startswith("/token"):
        return "token"
    return "default"


def _remember(seen: List[str], value: Any) -> None:
    if isinstance(value, str) and value not in seen:
        seen.append(value)


def _classify(exc: requests.RequestException) -> Failure:
    """Whether the request can have reached the server (see retry.py)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return Failure.FATAL  # a certificate that does not verify will not verify next time
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Failure.NOT_SENT
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, "reason", reason)
        if isinstance(inner, urllib3.exceptions.NewConnectionError):
            return Failure.NOT_SENT  # refused or unreachable: nothing was sent
        return Failure.MAYBE_SENT
    if isinstance(exc, (requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return Failure.MAYBE_SENT
    return Failure.FATAL  # a malformed URL and the like


def _describe(exc: requests.RequestException, failure: Failure) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake or certificate verification failed (SSLError)"
    kind = {Failure.NOT_SENT: "could not connect", Failure.MAYBE_SENT: "no complete answer",
            Failure.FATAL: "request failed"}[failure]
    return f"{kind} ({type(exc).__name__})"


def _body(response: requests.Response) -> Dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _issues(detail: Any) -> List[ValidationIssue]:
    if not isinstance(detail, list):
        return []
    issues = []
    for entry in detail:
        if not isinstance(entry, dict):
            continue
        loc = entry.get("loc", [])
        issues.append(ValidationIssue(
            loc=tuple(x for x in loc if isinstance(x, (str, int))) if isinstance(loc, list)
            else (), msg=str(entry.get("msg", "")), type=str(entry.get("type", ""))))
    return issues


def _error_from(response: requests.Response, method: str, path: str) -> ApiError:
    """The typed exception for a refused call, from the status and the server's body only."""
    status = response.status_code
    body = _body(response)
    request_id = response.headers.get("X-Request-ID")
    oauth_error = body.get("error") if path.startswith("/token") else None
    detail: Any = body.get("detail")
    if detail is None:
        detail = body.get("error_description", body.get("error"))
    summary = detail if isinstance(detail, str) else None
    issues = _issues(detail)
    if summary is None and issues:
        summary = "; ".join(f"{'.'.join(str(p) for p in i.loc)}: {i.msg}" for i in issues)
    message = f"{method} {path}: {summary or response.reason or 'refused'}"
    common: Dict[str, Any] = {"status": status, "detail": detail, "request_id": request_id}
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if path.startswith("/token") and status in (400, 401):
        return AuthenticationError(message, error=oauth_error if isinstance(oauth_error, str)
                                   else None, **common)
    if status == 401:
        return AuthenticationError(message, **common)
    if status == 403:
        return PermissionDenied(message, **common)
    if status == 404:
        return NotFound(message, **common)
    if status in (400, 413, 422):
        if not issues and isinstance(detail, str):
            issues = [ValidationIssue(loc=(), msg=detail, type="refused")]
        return ValidationError(message, issues=issues, **common)
    if status == 429:
        if retry_after is None:
            retry_after = rate_limit_wait(parse_rate_limit(response.headers))
        return RateLimited(message, retry_after=retry_after,
                           error=oauth_error if isinstance(oauth_error, str) else None,
                           **common)
    if status in (502, 503, 504):
        return ServerUnavailable(message, retry_after=retry_after, **common)
    return ApiError(message, **common)


def _shift_locations(error: ValidationError, offset: int) -> ValidationError:
    """The error with positions in a chunk turned into positions in the caller's list."""
    if offset == 0:
        return error
    shifted = []
    for issue in error.issues:
        loc = list(issue.loc)
        if len(loc) >= 3 and loc[:2] == ["body", "texts"] and isinstance(loc[2], int):
            loc[2] += offset
        shifted.append(ValidationIssue(loc=tuple(loc), msg=issue.msg, type=issue.type))
    return ValidationError(error.message, issues=shifted, status=error.status,
                           detail=error.detail, request_id=error.request_id)
