import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs, withConfigSection } from './config-docs.js';

describe('docs/config.md', () => {
  it('is in the README too (regenerate with npm run config:docs)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withConfigSection(readme));
  });

  it('matches the config schemas (regenerate with npm run config:docs)', () => {
    const committed = readFileSync(new URL('../docs/config.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigDocs());
  });
});
