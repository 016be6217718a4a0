import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERTS } from './alerts.js';
import { DASHBOARD_ROWS, SEL, dashboardExpressions } from './dashboard.js';
import { ROOT, renderObservabilityFiles } from './generate.js';

describe('generated observability files', () => {
  it.each([...renderObservabilityFiles()])('%s is up to date (regenerate with npm run observability)', (path, content) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(content);
  });

  it('ships the same dashboard in the ConfigMap, with the sidecar label, and the same rules in the PrometheusRule', () => {
    const files = renderObservabilityFiles();
    const configMap = parse(files.get('k8s/monitoring/grafana-dashboard.yaml')!) as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(configMap.metadata.labels['grafana_dashboard']).toBe('1');
    expect(configMap.data['krx-realtime.json']).toBe(files.get('deploy/grafana/dashboards/krx-realtime.json'));
    const rule = parse(files.get('k8s/monitoring/prometheus-rule.yaml')!) as { spec: unknown };
    const plain = parse(files.get('deploy/prometheus/alerts.yml')!) as { groups: unknown };
    expect(rule.spec).toEqual({ groups: plain.groups });
  });
});

describe('dashboard', () => {
  it('templates every query by namespace and pod', () => {
    for (const { expr } of dashboardExpressions()) expect(expr).toContain(SEL);
  });

  it('has unique panel titles', () => {
    const titles = DASHBOARD_ROWS.flatMap((row) => row.panels.map((p) => p.title));
    expect(new Set(titles).size).toBe(titles.length);
  });
});

describe('alerts', () => {
  const runbook = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');

  it.each(ALERTS.map((a) => [a.alert, a] as const))(
    '%s has a runbook section, a probe inside its expression, and a severity',
    (name, alert) => {
      expect(runbook).toContain(`### ${name}`);
      expect(name.toLowerCase()).toBe(alert.runbook);
      expect(alert.expr).toContain(alert.probe);
      expect(alert.for).toMatch(/^\d+m$/);
    },
  );
});
