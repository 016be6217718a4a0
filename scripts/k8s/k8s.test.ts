// k8s/, rendered offline and validated: every kustomization against the Kubernetes and CRD
// schemas, the ConfigMaps against the config schemas, and the operating rules the manifests
// promise (probes, drain timing, rollout fraction, autoscaling on connections, ingress timeouts).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '@repo/config';
import { describe, expect, it } from 'vitest';
import { SERVICE_CONFIGS, configData, renderConfigMaps, secretVariables } from './config.js';
import { readYamlDocuments, renderKustomization, type K8sObject } from './kustomize.js';
import { validateObject } from './validate.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const k8s = join(root, 'k8s');

/** Every directory under k8s/ with a kustomization.yaml. */
function kustomizations(dir = k8s): string[] {
  const own = readdirSync(dir).includes('kustomization.yaml') ? [dir] : [];
  const nested = readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((path) => kustomizations(path));
  return [...own, ...nested];
}

const rendered = new Map(kustomizations().map((dir) => [dir.slice(k8s.length + 1), renderKustomization(dir)]));
const find = (overlay: string, kind: string, name: string): K8sObject => {
  const object = rendered.get(overlay)?.find((o) => o.kind === kind && o.metadata.name === name);
  if (object === undefined) throw new Error(`${overlay}: no ${kind}/${name}`);
  return object;
};
// Loosely typed access into rendered manifests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const podSpec = (deployment: K8sObject): Any => (deployment as Any).spec.template.spec;

describe('kustomizations', () => {
  it('finds base, the three overlays and monitoring', () => {
    expect([...rendered.keys()].sort()).toEqual(['base', 'monitoring', 'overlays/dev', 'overlays/prod', 'overlays/prod-keda']);
  });

  it.each([...rendered])('%s: every object is valid against its schema', (_dir, objects) => {
    expect(objects.length).toBeGreaterThan(2);
    expect(objects.flatMap(validateObject)).toEqual([]);
  });

  it('rejects a broken field and a kind without a schema (the validator is not a no-op)', () => {
    const edge = structuredClone(find('overlays/prod', 'Deployment', 'edge')) as Any;
    edge.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    edge.spec.replicas = 'three';
    const problems = validateObject(edge);
    expect(problems.join('\n')).toMatch(/containerPort must be integer/);
    expect(problems.join('\n')).toMatch(/replicas must be integer/);
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'example.com/v1/Widget w: no schema for this kind (add it to scripts/k8s/validate.ts)',
    ]);
  });

  it('runs kiwoom-sim in dev only, and monitoring in prod', () => {
    expect(() => find('overlays/dev', 'Deployment', 'kiwoom-sim')).not.toThrow();
    expect(rendered.get('overlays/prod')!.some((o) => o.metadata.name === 'kiwoom-sim')).toBe(false);
    expect(find('overlays/dev', 'ConfigMap', 'price-ingest-config').data).toMatchObject({ KIWOOM_BASE_URL: 'http://kiwoom-sim:5116' });
    for (const kind of ['PrometheusRule', 'PodMonitor', 'ConfigMap']) {
      expect(rendered.get('overlays/prod')!.some((o) => o.kind === kind && o.metadata.name.startsWith('krx-realtime'))).toBe(true);
    }
    expect(rendered.get('overlays/prod')!.every((o) => o.metadata.namespace === 'krx-realtime')).toBe(true);
  });

  it('swaps the HPA for a KEDA ScaledObject on the same metric, target and behaviour in prod-keda', () => {
    const keda = rendered.get('overlays/prod-keda')!;
    expect(keda.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    const scaled = find('overlays/prod-keda', 'ScaledObject', 'edge') as Any;
    const hpa = find('overlays/prod', 'HorizontalPodAutoscaler', 'edge') as Any;
    const [trigger] = scaled.spec.triggers;
    expect(trigger.metadata.query).toContain('edge_ws_connections');
    expect(trigger.metadata.threshold).toBe(hpa.spec.metrics[0].pods.target.averageValue);
    expect(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual(hpa.spec.behavior);
    expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas]);
  });
});

describe('config from the schemas', () => {
  it.each([...renderConfigMaps()])('%s is up to date (regenerate with npm run k8s:config)', (path, content) => {
    expect(readFileSync(join(root, path), 'utf8')).toBe(content);
  });

  it.each(SERVICE_CONFIGS.map((s) => [s.service, s] as const))(
    '%s: every variable is in its ConfigMap or its Secret, and the two parse with the schema',
    (service, spec) => {
      const overlay = service === 'kiwoom-sim' ? 'overlays/dev' : 'overlays/prod';
      const data = find(overlay, 'ConfigMap', `${service}-config`).data as Record<string, string>;
      expect(data).toEqual(configData(spec));
      const deployment = find('overlays/dev', 'Deployment', service);
      const container = podSpec(deployment).containers[0];
      const fromSecret = new Set<string>(
        (container.env ?? []).filter((e: Any) => e.valueFrom?.secretKeyRef?.name === spec.secret).map((e: Any) => e.name),
      );
      const secretRef = (container.envFrom ?? []).some((e: Any) => e.secretRef?.name === spec.secret);
      const secret = find('overlays/dev', 'Secret', spec.secret) as Any;
      for (const variable of secretVariables(spec)) {
        expect(fromSecret.has(variable) || secretRef, `${variable} reaches ${service}`).toBe(true);
        expect(Object.keys(secret.stringData)).toContain(variable);
      }
      for (const field of Object.values(spec.schema)) expect(field.env in data || fromSecret.has(field.env) || secretRef).toBe(true);
      // What the pod would see parses: ConfigMap plus the dev Secret.
      expect(() => parseConfig(spec.schema, { ...data, ...secret.stringData }, { service, prefixes: [] })).not.toThrow();
    },
  );
});

describe('edge operating rules', () => {
  const deployment = find('overlays/prod', 'Deployment', 'edge') as Any;
  const spec = podSpec(deployment);
  const [container] = spec.containers;
  const config = find('overlays/prod', 'ConfigMap', 'edge-config').data as Record<string, string>;

  it('probes readiness on /ready and liveness on /health', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health');
  });

  it('lets endpoint removal propagate, then drains, all within the grace period', () => {
    const preStopSeconds = Number(container.lifecycle.preStop.exec.command[1]);
    const drainMs = Number(config['EDGE_DRAIN_MS']);
    const deadlineMs = Number(config['EDGE_SHUTDOWN_DEADLINE_MS']);
    expect(preStopSeconds).toBeGreaterThanOrEqual(5);
    expect(deadlineMs).toBeGreaterThan(drainMs);
    expect(spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopSeconds * 1000 + deadlineMs + 5_000);
  });

  it('replaces one pod at a time, never below the desired count, and spreads pods', () => {
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(find('overlays/prod', 'PodDisruptionBudget', 'edge').spec).toMatchObject({ maxUnavailable: 1 });
    expect(spec.topologySpreadConstraints.map((c: Any) => c.topologyKey)).toEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
  });

  it('scales on open connections per pod, fed by the adapter rule, and scales down slowly', () => {
    const hpa = find('overlays/prod', 'HorizontalPodAutoscaler', 'edge') as Any;
    const [metric] = hpa.spec.metrics;
    expect(metric.type).toBe('Pods');
    expect(metric.pods.metric.name).toBe('edge_ws_connections');
    expect(readFileSync(join(root, 'services/edge/src/metrics.ts'), 'utf8')).toContain(`name: '${metric.pods.metric.name}'`);
    const [adapter] = readYamlDocuments(join(k8s, 'deps/prometheus-adapter-values.yaml')) as Any[];
    expect(adapter.rules.custom.map((r: Any) => r.name.as)).toContain(metric.pods.metric.name);
    const down = hpa.spec.behavior.scaleDown;
    expect(down.stabilizationWindowSeconds).toBeGreaterThanOrEqual(300);
    expect(down.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 300 }]);
    // Room under the process's connection cap and its fd limit (about 19,900 sockets).
    expect(Number(metric.pods.target.averageValue) * 2).toBeLessThan(Number(config['EDGE_MAX_CONNECTIONS']));
  });

  it('routes the public paths through ingress-nginx with timeouts above the idle timeout and no buffering', () => {
    const ingress = find('overlays/prod', 'Ingress', 'edge') as Any;
    const notes = ingress.metadata.annotations as Record<string, string>;
    const idleSeconds = Number(config['EDGE_IDLE_TIMEOUT_MS']) / 1000;
    expect(Number(notes['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(idleSeconds);
    expect(Number(notes['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThan(idleSeconds);
    expect(notes['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    const paths = ingress.spec.rules[0].http.paths.map((p: Any) => p.path);
    expect(paths).toContain('/ws');
    expect(paths).not.toContain('/metrics');
    expect(paths.filter((p: string) => p === '/')).toHaveLength(1);
    expect(ingress.spec.rules[0].http.paths.find((p: Any) => p.path === '/').pathType).toBe('Exact');
  });
});

describe('the other services', () => {
  it('runs price-ingest as a leader and a standby, and one signal-engine replaced with Recreate', () => {
    expect((find('overlays/prod', 'Deployment', 'price-ingest') as Any).spec.replicas).toBe(2);
    const engine = find('overlays/prod', 'Deployment', 'signal-engine') as Any;
    expect([engine.spec.replicas, engine.spec.strategy.type]).toEqual([1, 'Recreate']);
  });

  it('runs every container as a non-root user without privilege escalation', () => {
    for (const [, objects] of rendered) {
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        const pod = podSpec(deployment);
        expect(pod.securityContext.runAsNonRoot, deployment.metadata.name).toBe(true);
        for (const c of pod.containers) expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      }
    }
  });
});
