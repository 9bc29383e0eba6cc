// Checks that the OpenAPI document describes the service contract (docs/api.md,
// /work/notes/service-contract.md): every endpoint and method, the security of each, the error
// responses and their body shapes, and the rate-limit headers. A linter checks that the
// document is valid; this checks that it says what the service does.
// Usage: node tests/openapi/check-contract.mjs src/api/assets/openapi.json
import { readFileSync } from 'node:fs';

const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const failures = [];
const check = (condition, message) => { if (!condition) failures.push(message); };

const resolve = (node) => {
  let current = node;
  while (current && current.$ref) {
    current = current.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o[k], doc);
  }
  return current;
};
// The component name of a response's JSON schema; "A|B" for a oneOf of two components.
const schemaName = (response) => {
  const schema = resolve(response)?.content?.['application/json']?.schema;
  if (schema?.oneOf) return schema.oneOf.map((s) => s.$ref?.split('/').pop()).join('|');
  return schema?.$ref?.split('/').pop();
};

check(doc.openapi?.startsWith('3.1'), 'openapi must be 3.1.x');
check(doc.servers?.length === 1 && doc.servers[0].url === '/', 'servers must be the relative "/"');
const bearer = doc.components?.securitySchemes?.bearerAuth;
check(bearer?.type === 'http' && bearer?.scheme === 'bearer' && bearer?.bearerFormat === 'JWT',
      'bearerAuth must be an http bearer JWT scheme');

// [path, method, security: 'none' | 'bearer' | scope name, error family]
const endpoints = [
  ['/predict', 'post', 'predict', 'detail'],
  ['/predict/batch', 'post', 'predict', 'detail'],
  ['/token', 'post', 'none', 'oauth'],
  ['/token/revoke', 'post', 'bearer', 'oauth'],
  ['/.well-known/jwks.json', 'get', 'none', 'detail'],
  ['/healthz', 'get', 'none', 'detail'],
  ['/readyz', 'get', 'none', 'detail'],
  ['/metrics', 'get', 'none', 'detail'],
  ['/openapi.json', 'get', 'none', 'detail'],
  ['/docs', 'get', 'none', 'detail'],
  ['/v2', 'get', 'none', 'oip'],
  ['/v2/health/live', 'get', 'none', 'oip'],
  ['/v2/health/ready', 'get', 'none', 'oip'],
  ['/v2/models/{model}', 'get', 'predict', 'oip'],
  ['/v2/models/{model}/versions/{version}', 'get', 'predict', 'oip'],
  ['/v2/models/{model}/ready', 'get', 'predict', 'oip'],
  ['/v2/models/{model}/versions/{version}/ready', 'get', 'predict', 'oip'],
  ['/v2/models/{model}/infer', 'post', 'predict', 'oip'],
  ['/v2/models/{model}/versions/{version}/infer', 'post', 'predict', 'oip'],
];

for (const [path, method, auth, family] of endpoints) {
  const op = doc.paths?.[path]?.[method];
  const where = `${method.toUpperCase()} ${path}`;
  if (!op) { failures.push(`${where} is missing`); continue; }
  const responses = op.responses ?? {};
  const security = op.security ?? doc.security;
  if (auth === 'none') {
    check(Array.isArray(op.security) && op.security.length === 0, `${where} must need no auth`);
  } else {
    check(security?.some((req) => req.bearerAuth), `${where} must accept bearerAuth`);
    check(responses['401'], `${where} must document 401`);
    if (auth !== 'bearer') {
      check(security.every((req) => Object.values(req).every((s) => s.includes(auth))),
            `${where} must require scope ${auth}`);
      check(responses['403'], `${where} must document 403`);
    }
  }
  check(Object.keys(responses).some((s) => s.startsWith('2')), `${where} needs a 2xx response`);
  for (const status of ['400', '408', '431', '500']) {
    check(responses[status], `${where} must document ${status}`);
  }
  if (method === 'post') {
    for (const status of ['413', '415', '429']) check(responses[status], `${where} must document ${status}`);
  }
  if (responses['429']) {
    const headers = resolve(responses['429']).headers ?? {};
    check(headers['Retry-After'] && headers.RateLimit && headers['RateLimit-Policy'],
          `${where} 429 must carry Retry-After, RateLimit and RateLimit-Policy`);
  }
  if (family === 'detail' && path.startsWith('/predict')) {
    check(schemaName(responses['422']) === 'ValidationError', `${where} 422 must be ValidationError`);
    for (const status of ['401', '403', '413', '415', '429']) {
      check(schemaName(responses[status]) === 'ErrorDetail', `${where} ${status} must be ErrorDetail`);
    }
  }
  // The /v2 handler's own errors are the protocol's {"error"}; errors raised before it
  // (HTTP parsing, body limit, authentication, rate limits) keep {"detail"}.
  if (family === 'oip' && path.startsWith('/v2/models')) {
    check(schemaName(responses['400']) === 'OipError|ErrorDetail', `${where} 400 must allow {"error"}`);
    check(schemaName(responses['404']) === 'OipError', `${where} 404 must be {"error"}`);
    if (method === 'post') {
      check(schemaName(responses['415']) === 'OipError', `${where} 415 must be {"error"}`);
      check(schemaName(responses['413']) === 'OipError|ErrorDetail', `${where} 413 must allow {"error"}`);
    }
  }
  if (family === 'oauth' && responses['400']) {
    check(schemaName(responses['400']) === 'OAuthError', `${where} 400 must be an RFC 6749 error`);
  }
}

check(doc.paths['/token']?.post?.requestBody?.content?.['application/x-www-form-urlencoded'],
      '/token must take a form-urlencoded body');
const grants = resolve(doc.components.schemas.TokenRequest).oneOf.map((s) => resolve(s).properties.grant_type.const);
check(grants.includes('password') && grants.includes('client_credentials'), '/token must offer both grants');
check(doc.paths['/metrics']?.get?.responses?.['200']?.content?.['text/plain'], '/metrics must be text/plain');

const predict = resolve(doc.components.schemas.PredictResponse);
check(JSON.stringify(predict.required.sort()) ===
      JSON.stringify(['label', 'model', 'model_version', 'score', 'scores', 'user']),
      'PredictResponse must require user, label, score, scores, model, model_version');
check(JSON.stringify(resolve(doc.components.schemas.Label).enum) === JSON.stringify(['POSITIVE', 'NEGATIVE', 'NEUTRAL']),
      'label enum must be POSITIVE|NEGATIVE|NEUTRAL');
const issue = resolve(doc.components.schemas.ValidationIssue);
check(['loc', 'msg', 'type'].every((k) => issue.required.includes(k)), '422 items need loc, msg, type');

if (failures.length) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  process.exit(1);
}
console.log(`contract check: ${endpoints.length} operations OK`);
