import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from './config-docs.js';

describe('docs/config.md', () => {
  it('matches the config schemas (regenerate with npm run config:docs > docs/config.md)', () => {
    const committed = readFileSync(new URL('../docs/config.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigDocs());
  });
});
