// Headless-Chromium test of Swagger UI on /docs/ (issue 3): the page loads under the strict
// Content-Security-Policy, lists the operations of /openapi.json, accepts a bearer token in
// "Authorize", and "Try it out" on POST /predict gets a 200 result. Fails on any request to a
// host other than 127.0.0.1, any CSP violation, any page error.
//
// Environment:
//   BASE_URL            server to test, e.g. http://127.0.0.1:8000 (default: start the stand-in
//                       tests/browser/static-server.mjs on a free loopback port)
//   SMLAPI_TEST_TOKEN   bearer token with scope predict (default for the stand-in: test-token)
//   CHROMIUM            browser binary (default /usr/bin/chromium)
//   SCREENSHOT          optional path of a PNG screenshot taken after the 200 answer
// Exit: 0 pass, 1 fail, 77 skipped (no Chromium or playwright-core).
import { existsSync } from 'node:fs';
import { startStaticServer } from './static-server.mjs';

const SKIP = 77;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`SKIP: ${chromiumPath} not found (apt-get install --no-install-recommends chromium)`);
  process.exit(SKIP);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('SKIP: playwright-core not installed (npm ci)');
  process.exit(SKIP);
}

const failures = [];
const fail = (message) => { failures.push(message); console.error(`FAIL: ${message}`); };
const step = (message) => console.log(`- ${message}`);

let standIn = null;
let baseUrl = process.env.BASE_URL || '';
let token = process.env.SMLAPI_TEST_TOKEN || '';
if (!baseUrl) {
  token = token || 'test-token';
  standIn = await startStaticServer({ token });
  baseUrl = standIn.baseUrl;
  step(`no BASE_URL: testing the static stand-in at ${baseUrl}`);
}
if (!token) {
  console.error('FAIL: SMLAPI_TEST_TOKEN must be set when BASE_URL is');
  process.exit(1);
}
baseUrl = baseUrl.replace(/\/$/, '');

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);

  // Loopback only: the docs must not reach a CDN, the validator service or anything else.
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.hostname !== '127.0.0.1') fail(`request to a non-loopback host: ${request.url()}`);
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) fail(`CSP console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => fail(`page error: ${error.message}`));
  // Record violations as the page sees them (init scripts run outside the page's CSP).
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });

  step('GET /docs/');
  const response = await page.goto(`${baseUrl}/docs/`, { waitUntil: 'networkidle' });
  if (response.status() !== 200) fail(`/docs/ answered ${response.status()}`);
  const csp = response.headers()['content-security-policy'] ?? '';
  if (!csp) fail('/docs/ has no Content-Security-Policy header');
  if (/unsafe-inline|unsafe-eval/.test(csp)) fail(`CSP is not strict: ${csp}`);
  step(`CSP: ${csp}`);

  step('operations are listed');
  await page.waitForSelector('.opblock-summary-path');
  const spec = await (await fetch(`${baseUrl}/openapi.json`)).json();
  const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);
  const expected = Object.values(spec.paths)
    .reduce((n, item) => n + Object.keys(item).filter((k) => methods.has(k)).length, 0);
  const listed = await page.locator('.opblock').count();
  if (listed !== expected) fail(`Swagger UI lists ${listed} operations, the document has ${expected}`);
  const paths = await page.locator('.opblock-summary-path').allTextContents();
  for (const p of ['/predict', '/predict/batch', '/token', '/v2/models/{model}/infer']) {
    if (!paths.some((text) => text.replace(/\u200b/g, '') === p)) fail(`operation ${p} is not listed`);
  }
  step(`${listed} operations listed`);

  step('Authorize with the bearer token');
  await page.click('.auth-wrapper .authorize');
  const bearerForm = page.locator('.auth-container').filter({ hasText: 'bearerAuth' });
  await bearerForm.locator('input').fill(token);
  await bearerForm.locator('button.authorize').click();
  await bearerForm.getByText('Authorized').waitFor();
  await page.click('.modal-ux .close-modal');

  step('Try it out on POST /predict');
  const operation = page.locator('#operations-predict-predict');
  await operation.locator('.opblock-summary').click();
  await operation.locator('.try-out__btn').click();
  await operation.locator('textarea.body-param__text').fill('{"text": "I love how fast this API is!"}');
  const predictRequest = page.waitForRequest((r) => r.url() === `${baseUrl}/predict` && r.method() === 'POST');
  await operation.locator('.execute').click();
  const sent = await predictRequest;
  if (sent.headers().authorization !== `Bearer ${token}`) fail('POST /predict was sent without the bearer token');
  const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor();
  const statusText = (await status.textContent()).trim();
  if (!statusText.startsWith('200')) fail(`POST /predict answered ${statusText}`);
  const body = await operation.locator('.live-responses-table tr.response .response-col_description pre').first().textContent();
  if (!/"label"\s*:\s*"(POSITIVE|NEGATIVE|NEUTRAL)"/.test(body)) fail(`unexpected /predict body: ${body}`);
  step(`POST /predict answered ${statusText}`);

  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: false });
  const violations = await page.evaluate(() => window.__cspViolations);
  for (const v of violations) fail(`CSP violation: ${v}`);
} catch (error) {
  fail(`${error.message.split('\n')[0]}`);
} finally {
  await browser.close();
  if (standIn) standIn.server.close();
}

if (failures.length) {
  console.error(`${failures.length} failure(s)`);
  process.exit(1);
}
console.log('PASS: Swagger UI works under the strict CSP with loopback-only requests');
