import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '@repo/bus';
import { DEMAND_SUBJECT, decodeDemand, type DemandMessage } from '@repo/protocol';
import { waitFor } from '../../../test/fixtures/wait-for.js';
import { ofType, startTestEdge, useEdgeScope } from './harness.js';

const { edgeWith, client } = useEdgeScope();

function recordDemand(bus: ReturnType<typeof createMemoryBus>): DemandMessage[] {
  const seen: DemandMessage[] = [];
  bus.subscribe(DEMAND_SUBJECT, (data) => seen.push(decodeDemand(data)));
  return seen;
}

describe('edge demand on ctl.demand', () => {
  it('sends a delta when a ticker gains its first and loses its last subscriber, and leases the full set', async () => {
    const bus = createMemoryBus();
    const seen = recordDemand(bus);
    const e = await edgeWith({ bus, config: { demandLeaseIntervalMs: 50 } });
    const deltas = (): DemandMessage[] => seen.filter((m) => m.kind === 'delta');

    const a = await client(`${e.wsUrl}?subscribe=price:005930,market-gate,price:0015N0`);
    await a.next(ofType('connected'));
    await waitFor('the add delta', () => deltas().length === 1);
    expect(deltas()[0]).toMatchObject({ add: ['005930', '0015N0'], remove: [] });

    // A second subscriber of the same ticker changes nothing upstream.
    const b = await client(`${e.wsUrl}?subscribe=price:005930`);
    await b.next(ofType('connected'));
    await waitFor('a lease with both tickers', () => seen.some((m) => m.kind === 'lease' && m.tickers.length === 2));
    expect(deltas()).toHaveLength(1);

    a.send({ type: 'unsubscribe', topic: 'price:0015N0' });
    await a.next(ofType('unsubscribed'));
    await waitFor('the remove delta', () => deltas().length === 2);
    expect(deltas()[1]).toMatchObject({ add: [], remove: ['0015N0'] });

    await b.close();
    await a.close();
    await waitFor('005930 removed', () => deltas().some((m) => m.kind === 'delta' && m.remove.includes('005930')));
    const lease = await waitFor('an empty lease', () => [...seen].reverse().find((m) => m.kind === 'lease' && m.tickers.length === 0));
    expect(lease).toMatchObject({ kind: 'lease', ttl_ms: 150 });
    expect(new Set(seen.map((m) => m.owner)).size).toBe(1);
  });

  it('removes everything it demanded when it stops', async () => {
    const bus = createMemoryBus();
    const seen = recordDemand(bus);
    const e = await startTestEdge({ bus });
    const c = await client(`${e.wsUrl}?subscribe=price:000660`);
    await c.next(ofType('connected'));
    await waitFor('the add delta', () => seen.some((m) => m.kind === 'delta' && m.add.includes('000660')));
    await e.stop();
    const last = seen.at(-1);
    expect(last).toMatchObject({ kind: 'delta', add: [], remove: ['000660'] });
  });
});
