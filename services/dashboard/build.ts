// The dashboard's browser bundle, built in memory at start-up: the edge serves these three strings
// at /, /app.js and /styles.css, so a fresh checkout needs no build step and no static directory.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface DashboardAssets {
  readonly html: string;
  readonly js: string;
  readonly css: string;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** Bundles src/main.ts with @repo/client and @repo/protocol from their sources (the `@repo/source` condition). */
export async function buildDashboard(): Promise<{ html: string; js: string; css: string }> {
  const [bundle, html, css] = await Promise.all([
    build({
      entryPoints: [here('./src/main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@repo/source'],
      minify: true,
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    }),
    readFile(here('./index.html'), 'utf8'),
    readFile(here('./styles.css'), 'utf8'),
  ]);
  const [output] = bundle.outputFiles;
  if (output === undefined || bundle.outputFiles.length !== 1) {
    throw new Error(`dashboard bundle: expected one output file, got ${bundle.outputFiles.length}`);
  }
  return { html, js: output.text, css };
}
