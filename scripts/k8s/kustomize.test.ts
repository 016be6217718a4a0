import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { mergeStrategic, renderKustomization } from './kustomize.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: edge }
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: edge
          image: a
          env: [{ name: A, value: '1' }]
        - name: sidecar
          image: b
`;

describe('renderKustomization', () => {
  it('merges patches strategically: maps merge, named lists merge by name, null deletes, $patch: delete removes', () => {
    const dir = tree({
      'base/kustomization.yaml': 'resources: [d.yaml, s.yaml]\n',
      'base/d.yaml': deployment,
      'base/s.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: edge }\n',
      'o/kustomization.yaml': 'namespace: ns\nresources: [../base]\npatches:\n  - path: p.yaml\n',
      'o/p.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: edge }
spec:
  replicas: null
  template:
    spec:
      containers:
        - name: edge
          env: [{ name: B, value: '2' }]
---
$patch: delete
apiVersion: v1
kind: Service
metadata: { name: edge }
`,
    });
    const [edge, ...rest] = renderKustomization(join(dir, 'o'));
    expect(rest).toEqual([]);
    expect(edge).toMatchObject({ metadata: { name: 'edge', namespace: 'ns' } });
    const spec = edge!['spec'] as {
      replicas?: number;
      template: { spec: { containers: { name: string; image: string; env?: unknown[] }[] } };
    };
    expect(spec.replicas).toBeUndefined();
    expect(spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['edge', 'a'],
      ['sidecar', 'b'],
    ]);
    expect(spec.template.spec.containers[0]!.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  it('refuses fields it does not implement, patches that match nothing, and duplicates', () => {
    expect(() => renderKustomization(tree({ 'kustomization.yaml': 'images: [{ name: a }]\n' }))).toThrow(/field "images" is not supported/);
    const missing = tree({
      'kustomization.yaml': 'resources: [d.yaml]\npatches: [{ path: p.yaml }]\n',
      'd.yaml': deployment,
      'p.yaml': 'kind: Deployment\nmetadata: { name: other }\n',
    });
    expect(() => renderKustomization(missing)).toThrow(/patch target "Deployment"\/"other" not found/);
    const twice = tree({ 'kustomization.yaml': 'resources: [d.yaml, e.yaml]\n', 'd.yaml': deployment, 'e.yaml': deployment });
    expect(() => renderKustomization(twice)).toThrow(/Deployment\/edge appears twice/);
  });

  it('replaces lists without a merge key', () => {
    expect(mergeStrategic({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
  });
});
