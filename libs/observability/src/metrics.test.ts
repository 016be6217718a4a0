import { Counter, register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRegistry } from './metrics.js';

describe('createRegistry', () => {
  it('returns a fresh registry each time, never the global one', () => {
    const a = createRegistry({ service: 'edge', defaultMetrics: false });
    const b = createRegistry({ service: 'edge', defaultMetrics: false });
    expect(a).not.toBe(b);
    expect(a).not.toBe(globalRegistry);
    // The same metric name registers in both without a clash.
    new Counter({ name: 'edge_test_total', help: 'Test.', registers: [a] });
    new Counter({ name: 'edge_test_total', help: 'Test.', registers: [b] });
    expect(globalRegistry.getSingleMetric('edge_test_total')).toBeUndefined();
  });

  it('labels every metric with the service', async () => {
    const registry = createRegistry({ service: 'signal-engine', defaultMetrics: false });
    new Counter({ name: 'signals_published_total', help: 'Published.', registers: [registry] }).inc();
    expect(await registry.metrics()).toContain('signals_published_total{service="signal-engine"} 1');
  });

  it('collects the default process metrics into the registry unless turned off', async () => {
    const withDefaults = createRegistry({ service: 'edge' });
    expect(await withDefaults.metrics()).toMatch(/^process_cpu_user_seconds_total\{service="edge"\} /m);
    const without = createRegistry({ service: 'edge', defaultMetrics: false });
    expect(await without.metrics()).toBe('\n');
  });
});
