// A stand-in for secure-ml-api while the real server is not ready: serves the Swagger UI assets
// exactly as src/api/assets/README.md says the service must (same paths, same strict
// Content-Security-Policy and security headers), the real src/api/assets/openapi.json, and a
// fake POST /predict that checks the bearer token. Loopback only.
//
//   node tests/browser/static-server.mjs [port]      (prints the base URL; stop with SIGTERM)
//   import { startStaticServer } from './static-server.mjs'
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The Content-Security-Policy recommended for /docs/ (src/api/assets/README.md). Swagger UI 5
// sets styles through the CSSOM only (allowed by style-src 'self'); its icons are data: SVGs.
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
// For JSON answers: nothing may load or run.
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

const assets = {
  '/docs/': ['src/api/assets/docs/index.html', 'text/html; charset=utf-8'],
  '/docs/index.html': ['src/api/assets/docs/index.html', 'text/html; charset=utf-8'],
  '/docs/swagger-init.js': ['src/api/assets/docs/swagger-init.js', 'text/javascript; charset=utf-8'],
  '/docs/swagger-ui-bundle.js': ['node_modules/swagger-ui-dist/swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  '/docs/swagger-ui.css': ['node_modules/swagger-ui-dist/swagger-ui.css', 'text/css; charset=utf-8'],
  '/openapi.json': ['src/api/assets/openapi.json', 'application/json'],
};

function securityHeaders(csp) {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

function sendJson(res, status, body) {
  res.writeHead(status, { ...securityHeaders(API_CSP), 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function fakePredict(req, res, token, body) {
  if (req.headers.authorization !== `Bearer ${token}`) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return sendJson(res, 401, { detail: 'Not authenticated' });
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return sendJson(res, 415, { detail: 'Content-Type must be application/json' });
  }
  let text;
  try { text = JSON.parse(body).text; } catch { /* answered below */ }
  if (typeof text !== 'string' || text.length === 0) {
    return sendJson(res, 422, { detail: [{ loc: ['body', 'text'], msg: 'Field required', type: 'missing' }] });
  }
  return sendJson(res, 200, {
    user: 'browser-test', label: 'POSITIVE', score: 0.6369,
    scores: { neg: 0, neu: 0.192, pos: 0.808, compound: 0.6369 },
    model: 'vader', model_version: 'fake-static-server',
  });
}

export function startStaticServer({ port = 0, token = 'test-token' } = {}) {
  const cache = new Map();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    if (path === '/docs') {
      res.writeHead(308, { ...securityHeaders(API_CSP), Location: '/docs/' });
      return res.end();
    }
    if (req.method === 'POST' && path === '/predict') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => { body += chunk; if (body.length > 65536) req.destroy(); });
      req.on('end', () => fakePredict(req, res, token, body));
      return undefined;
    }
    const asset = assets[path];
    if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return sendJson(res, 404, { detail: 'Not Found' });
    }
    if (!cache.has(path)) cache.set(path, readFileSync(join(root, asset[0])));
    const csp = asset[1].startsWith('text/html') ? DOCS_CSP : API_CSP;
    res.writeHead(200, { ...securityHeaders(csp), 'Content-Type': asset[1], 'Cache-Control': 'no-cache' });
    return res.end(req.method === 'HEAD' ? undefined : cache.get(path));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      resolve({ server, baseUrl: `http://127.0.0.1:${bound}` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { server, baseUrl } = await startStaticServer({
    port: Number(process.argv[2] ?? 0), token: process.env.SMLAPI_TEST_TOKEN ?? 'test-token',
  });
  console.log(baseUrl);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
