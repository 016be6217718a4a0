import { Registry, collectDefaultMetrics } from 'prom-client';

export interface RegistryOptions {
  /** Added as the `service` label of every metric in the registry. */
  readonly service: string;
  /**
   * Registers prom-client's process and Node.js metrics (CPU, memory, event-loop lag, GC).
   * @default true
   */
  readonly defaultMetrics?: boolean;
}

/**
 * A fresh registry for one process. Never prom-client's global one: a global registry makes
 * tests order-dependent and lets two apps in one process (standalone) collide on names.
 */
export function createRegistry(options: RegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
