// Prometheus rules, their unit tests, the Grafana dashboard and the canary
// AnalysisTemplate queries, checked with the real promtool (Debian
// `prometheus`): `promtool check rules` parses every PromQL expression and
// `promtool test rules` proves each alert fires (and stays quiet) as intended.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { Checks, repoPath, requireTool } from './lib/common.mjs';

requireTool('promtool');
const obs = (...p) => repoPath('deploy', 'observability', ...p);
const work = mkdtempSync(path.join(tmpdir(), 'smlapi-obs-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const promtool = (...args) => {
  try {
    execFileSync('promtool', args, { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return [];
  } catch (err) {
    return [`promtool ${args.join(' ')}:\n${err.stdout ?? ''}${err.stderr ?? ''}`];
  }
};
const checks = new Checks('observability');

// ---- PrometheusRule -> plain rule file -> promtool
const rule = YAML.parse(readFileSync(obs('prometheusrule.yaml'), 'utf8'));
writeFileSync(path.join(work, 'secure-ml-api-rules.yaml'), YAML.stringify(rule.spec));
copyFileSync(obs('tests', 'alerts-test.yaml'), path.join(work, 'alerts-test.yaml'));
checks.run('promtool check rules (PrometheusRule spec)', () => promtool('check', 'rules', 'secure-ml-api-rules.yaml'));
checks.run('promtool test rules (alert unit tests)', () => promtool('test', 'rules', 'alerts-test.yaml'));

const alerts = rule.spec.groups.flatMap((g) => g.rules).filter((r) => r.alert);
checks.run('alerts cover errors, latency, saturation, auth, rate limits, Redis', () => {
  const need = {
    'error rate': /smlapi_http_requests_total\{status=~"5\.\."\}/,
    latency: /histogram_quantile\(0\.99,[\s\S]*smlapi_http_request_duration_seconds_bucket/,
    saturation: /smlapi_http_requests_shed_total|smlapi_http_requests_in_flight/,
    'auth failures': /smlapi_auth_failures_total/,
    'rate-limit surge': /smlapi_ratelimit_limited_total/,
    'Redis errors': /smlapi_ratelimit_store_errors_total/,
    'Redis down': /smlapi_redis_up/,
  };
  return Object.entries(need).filter(([, re]) => !alerts.some((a) => re.test(a.expr))).map(([what]) => `no alert on ${what}`);
});
checks.run('every alert has severity, summary, description and a unit test', () => {
  const tests = readFileSync(obs('tests', 'alerts-test.yaml'), 'utf8');
  return alerts.flatMap((a) => [
    ...(['critical', 'warning'].includes(a.labels?.severity) ? [] : [`${a.alert}: severity`]),
    ...(a.annotations?.summary && a.annotations?.description ? [] : [`${a.alert}: annotations`]),
    ...(new RegExp(`alertname: ${a.alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`).test(tests) ? [] : [`${a.alert}: no firing test case`]),
  ]);
});

// ---- Grafana dashboard: structure + every panel query through promtool
const dash = JSON.parse(readFileSync(obs('dashboards', 'secure-ml-api.json'), 'utf8'));
const panels = dash.panels ?? [];
checks.run('dashboard structure', () => {
  const v = [];
  if (!dash.uid || !dash.title) v.push('uid and title required');
  const ids = panels.map((p) => p.id);
  if (new Set(ids).size !== ids.length) v.push('panel ids must be unique');
  for (const p of panels.filter((x) => x.type !== 'row')) {
    if (!p.targets?.length) v.push(`panel ${p.id} "${p.title}" has no query`);
    if (p.datasource?.uid !== '${datasource}') v.push(`panel ${p.id} must use the \${datasource} variable`);
    for (const t of p.targets ?? []) if (!t.expr || !t.refId) v.push(`panel ${p.id}: target without expr/refId`);
  }
  const vars = (dash.templating?.list ?? []).map((x) => x.name);
  for (const name of ['datasource', 'namespace']) if (!vars.includes(name)) v.push(`template variable ${name} missing`);
  return v;
});
const grafanaToPromQL = (expr) =>
  expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$namespace|\$\{namespace\}/g, '.+');
const dashRules = {
  groups: [{
    name: 'dashboard',
    rules: panels.filter((p) => p.targets).flatMap((p) => p.targets.map((t) => ({ record: `panel_${p.id}_${t.refId}`, expr: grafanaToPromQL(t.expr) }))),
  }],
};
writeFileSync(path.join(work, 'dashboard-rules.json'), JSON.stringify(dashRules));
checks.run(`dashboard: ${dashRules.groups[0].rules.length} panel queries parse (promtool check rules)`, () => promtool('check', 'rules', 'dashboard-rules.json'));
checks.run('dashboard covers traffic, errors, latency, predictions, auth, limits, saturation', () => {
  const all = dashRules.groups[0].rules.map((r) => r.expr).join('\n');
  return ['smlapi_http_requests_total', 'smlapi_errors_total', 'smlapi_http_request_duration_seconds_bucket', 'smlapi_predictions_total',
    'smlapi_auth_failures_total', 'smlapi_ratelimit_limited_total', 'smlapi_http_requests_in_flight', 'smlapi_http_requests_shed_total', 'smlapi_redis_up']
    .filter((m) => !all.includes(m)).map((m) => `no panel on ${m}`);
});

// ---- Canary AnalysisTemplate queries through promtool (args substituted), and unit
// tests on synthetic series (deploy/observability/tests/analysis-test.yaml): probes and
// scrapes excluded, too little traffic fails closed. The self-test re-runs them on the
// pre-issue-14 query shapes (probes counted; no guard) and expects promtool to fail.
const analysis = YAML.parse(readFileSync(repoPath('deploy', 'k8s', 'base', 'analysis-template.yaml'), 'utf8'));
const sample = {
  ...Object.fromEntries((analysis.spec.args ?? []).filter((a) => a.value !== undefined).map((a) => [a.name, a.value])),
  'canary-hash': '5d8f9c7b6', namespace: 'secure-ml-api',
};
const analysisRulesFor = (rewrite = (q) => q) => ({
  groups: [{
    name: 'analysis',
    rules: analysis.spec.metrics.map((m) => ({
      record: `analysis_${m.name.replaceAll('-', '_')}`,
      expr: rewrite(m.provider.prometheus.query.replace(/\{\{\s*args\.([a-z0-9-]+)\s*\}\}/g, (_, a) => sample[a] ?? `<${a}>`)),
    })),
  }],
});
writeFileSync(path.join(work, 'analysis-rules.json'), JSON.stringify(analysisRulesFor()));
copyFileSync(repoPath('deploy', 'observability', 'tests', 'analysis-test.yaml'), path.join(work, 'analysis-test.yaml'));
checks.run('canary AnalysisTemplate queries parse (promtool check rules)', () => promtool('check', 'rules', 'analysis-rules.json'));
checks.run('canary analysis on synthetic series: probes/scrapes excluded, low traffic fails closed (promtool test rules)', () => promtool('test', 'rules', 'analysis-test.yaml'));
checks.run('every analysis query excludes probe and scrape routes and has a traffic guard', () =>
  analysis.spec.metrics.flatMap((m) => {
    const q = m.provider.prometheus.query;
    const v = [];
    for (const sel of q.match(/smlapi_[a-z_]+\{[\s\S]*?\}\[/g) ?? [])
      if (!sel.includes('route!~"/healthz|/readyz|/livez|/metrics"')) v.push(`${m.name}: selector without the probe/scrape exclusion: ${sel}`);
    if (!/\band on \(\)[\s\S]*>= \{\{args\.min-requests\}\}[\s\S]*\bor on \(\)\s*vector\(/.test(q)) v.push(`${m.name}: no minimum-traffic guard with a failing fallback`);
    if (!/!isNaN\(result\[0\]\)/.test(m.successCondition)) v.push(`${m.name}: successCondition must reject NaN`);
    return v;
  }));
const PLANTED_QUERIES = [
  ['probes and scrapes counted', (q) => q.replaceAll(', route!~"/healthz|/readyz|/livez|/metrics"', '').replaceAll('route!~"/healthz|/readyz|/livez|/metrics"', 'route!=""')],
  ['no minimum-traffic guard', (q) => q.replace(/\s*and on \(\)[\s\S]*$/, '')],
];
checks.run(`self-test: promtool analysis tests fail on ${PLANTED_QUERIES.length} pre-fix query shapes`, () => PLANTED_QUERIES.flatMap(([label, rewrite]) => {
  writeFileSync(path.join(work, 'analysis-rules.json'), JSON.stringify(analysisRulesFor(rewrite)));
  const failed = promtool('test', 'rules', 'analysis-test.yaml').length > 0;
  return failed ? [] : [`${label}: promtool tests still pass`];
}));

// ---- Contract sample exposition is valid
checks.run('fixture contract-metrics.prom passes promtool check metrics', () => {
  try {
    execFileSync('promtool', ['check', 'metrics'], { input: readFileSync(repoPath('tests', 'deploy', 'fixtures', 'contract-metrics.prom')), stdio: ['pipe', 'pipe', 'pipe'] });
    return [];
  } catch (err) {
    return [`${err.stdout ?? ''}${err.stderr ?? ''}`];
  }
});
checks.finish();
