// Validates rendered manifests against the Kubernetes OpenAPI schemas shipped by `kubernetes-models`
// (pinned in package-lock.json; its schemas include resource.k8s.io/v1, so Kubernetes 1.34's API)
// and the CRD schemas of the Prometheus Operator and KEDA (`@kubernetes-models/*`). A kind without a
// schema here is an error, so every object that k8s/ renders is validated.
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { K8sObject } from './kustomize.js';

type Model = new (data: never) => { validate(): void };

const MODELS: Readonly<Record<string, Model>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Problems of one object (empty when valid): schema violations, or no schema for its kind. */
export function validateObject(object: K8sObject): string[] {
  const id = `${object.apiVersion}/${object.kind}`;
  const model = MODELS[id];
  const where = `${id} ${object.metadata?.name ?? '(no name)'}`;
  if (model === undefined) return [`${where}: no schema for this kind (add it to scripts/k8s/validate.ts)`];
  try {
    new model(object as never).validate();
    return [];
  } catch (err) {
    return [`${where}: ${err instanceof Error ? err.message : String(err)}`];
  }
}
