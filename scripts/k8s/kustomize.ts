// A renderer for the subset of kustomize that k8s/ uses, so `npm test` can render every
// kustomization offline and validate what `kubectl apply -k` would send. The subset: `resources`
// (files and directories with a kustomization.yaml), `patches` with a `path` (strategic merge:
// maps merge, lists of named items merge by name, `$patch: delete` removes a resource) and
// `namespace`. Any other field is an error, so k8s/ cannot drift into features this renderer would
// silently ignore; `kubectl kustomize` renders the same files the same way.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'patches', 'namespace']);
/** Kinds that live outside namespaces (namespace is not set on them). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

export function readYamlDocuments(file: string): JsonMap[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as JsonMap | null;
    })
    .filter((doc): doc is JsonMap => doc !== null);
}

/** Renders the kustomization in `dir` (a directory holding kustomization.yaml). */
export function renderKustomization(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const [kustomization] = readYamlDocuments(file);
  if (kustomization === undefined) throw new Error(`${file}: empty`);
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key)) throw new Error(`${file}: field "${key}" is not supported by scripts/k8s/kustomize.ts`);
  }
  let objects: K8sObject[] = [];
  for (const entry of (kustomization['resources'] ?? []) as string[]) {
    const path = resolve(dir, entry);
    const rendered = statSync(path).isDirectory() ? renderKustomization(path) : (readYamlDocuments(path) as unknown as K8sObject[]);
    objects.push(...rendered.map((o) => structuredClone(o)));
  }
  for (const patch of (kustomization['patches'] ?? []) as { path?: string }[]) {
    if (patch.path === undefined || Object.keys(patch).length !== 1) throw new Error(`${file}: only patches with a path are supported`);
    for (const doc of readYamlDocuments(join(dir, patch.path))) objects = applyPatch(objects, doc, join(dirname(file), patch.path));
  }
  const namespace = kustomization['namespace'];
  if (typeof namespace === 'string') {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = namespace;
  }
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (seen.has(id)) throw new Error(`${dir}: ${id} appears twice`);
    seen.add(id);
  }
  return objects;
}

function applyPatch(objects: K8sObject[], patch: JsonMap, from: string): K8sObject[] {
  const meta = patch['metadata'] as JsonMap | undefined;
  const index = objects.findIndex((o) => o.kind === patch['kind'] && o.metadata.name === meta?.['name']);
  if (index < 0) throw new Error(`${from}: patch target ${JSON.stringify(patch['kind'])}/${JSON.stringify(meta?.['name'])} not found`);
  if (patch['$patch'] === 'delete') return objects.filter((_, i) => i !== index);
  const next = [...objects];
  next[index] = mergeStrategic(objects[index] as unknown as Json, patch) as unknown as K8sObject;
  return next;
}

const isMap = (v: Json | undefined): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Strategic merge for what we patch: maps merge, `null` deletes, named lists merge by name. */
export function mergeStrategic(base: Json, patch: Json): Json {
  if (Array.isArray(base) && Array.isArray(patch)) return mergeList(base, patch);
  if (!isMap(base) || !isMap(patch)) return structuredClone(patch);
  const out: JsonMap = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = key in base ? mergeStrategic(base[key]!, value) : structuredClone(value);
  }
  return out;
}

function mergeList(base: Json[], patch: Json[]): Json[] {
  const key = ['name', 'containerPort'].find((k) => [...base, ...patch].every((item) => isMap(item) && k in item));
  if (key === undefined) return structuredClone(patch);
  const out = [...base];
  for (const item of patch as JsonMap[]) {
    const at = out.findIndex((b) => (b as JsonMap)[key] === item[key]);
    if (at < 0) out.push(structuredClone(item));
    else out[at] = mergeStrategic(out[at]!, item);
  }
  return out;
}
