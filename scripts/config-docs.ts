// Prints docs/config.md from the config schemas: every environment variable of every service.
// `npm run config:docs > docs/config.md` regenerates it; a unit test fails when it is stale.
import { renderConfigTable, type Schema } from '@repo/config';
import { edgeConfigSchema } from '@repo/edge';
import { kiwoomSimConfigSchema } from '@repo/kiwoom-sim';
import { ingestConfigSchema } from '@repo/price-ingest';
import { signalEngineConfigSchema } from '@repo/signal-engine';
import { standaloneConfigSchema } from '@repo/standalone';

const sections: readonly [string, string, Schema][] = [
  ['edge', 'The WebSocket fan-out node (`services/edge`, `npm run edge`).', edgeConfigSchema],
  ['price-ingest', 'The quote poller (`npm run price-ingest`; `npm run backfill` reads the same variables).', ingestConfigSchema],
  ['signal-engine', 'VCP, closing-bet V2 and the market gate (`npm run signal-engine`).', signalEngineConfigSchema],
  ['kiwoom-sim', 'The Kiwoom REST simulator (`npm run kiwoom-sim`).', kiwoomSimConfigSchema],
  [
    'standalone',
    'The embedded default (`npm start`); every edge, price-ingest and signal-engine variable above applies to it as well (it runs its own simulator on a free loopback port).',
    standaloneConfigSchema,
  ],
];

export function renderConfigDocs(): string {
  const parts = [
    '# Configuration',
    '',
    'Generated from the config schemas by `npm run config:docs > docs/config.md`; do not edit by hand.',
    'Every service parses its environment once at boot, reports every bad value at once, and flags',
    'unknown variables with its prefix.',
  ];
  for (const [name, doc, schema] of sections) parts.push('', `## ${name}`, '', doc, '', renderConfigTable(schema));
  return `${parts.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderConfigDocs());
