// `npm run k8s:config`: writes the ConfigMaps generated from the config schemas (scripts/k8s/config.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigMaps } from './config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
for (const [path, content] of renderConfigMaps()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
