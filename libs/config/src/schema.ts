/**
 * A config schema is a table of fields, each naming its environment variable, how to parse it,
 * its default and a one-line doc. `parseConfig` applies every field, collects every problem, and
 * returns a frozen object; `ConfigError` lists all of them so boot fails once with the whole story.
 */

export interface Field<T> {
  readonly env: string;
  readonly doc: string;
  /** Shown in the docs table; the default value when absent (undefined = required). */
  readonly default: T | undefined;
  /** Parses the raw string; throws an Error whose message says what is expected. */
  parse(raw: string): T;
  /** Describes the type in the docs table. */
  readonly type: string;
}

export type Schema = Record<string, Field<unknown>>;
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly string[];

  constructor(service: string, problems: readonly string[]) {
    super(`${service}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

export interface ParseOptions {
  /** Service name for error messages. */
  readonly service: string;
  /** Variables with these prefixes that the schema does not know are reported as typos. */
  readonly prefixes: readonly string[];
}

export function parseConfig<S extends Schema>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  opts: ParseOptions,
): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  const known = new Set<string>();
  for (const [key, field] of Object.entries(schema)) {
    known.add(field.env);
    const raw = env[field.env];
    if (raw === undefined || raw === '') {
      if (field.default === undefined) problems.push(`${field.env} is required (${field.doc})`);
      else out[key] = field.default;
      continue;
    }
    try {
      out[key] = field.parse(raw);
    } catch (err) {
      problems.push(`${field.env}=${JSON.stringify(raw)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const name of Object.keys(env)) {
    if (!known.has(name) && opts.prefixes.some((p) => name.startsWith(p))) {
      problems.push(`${name} is not a known variable (typo?)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(opts.service, problems);
  return Object.freeze(out) as ConfigOf<S>;
}

interface IntOptions {
  readonly min?: number;
  readonly max?: number;
}

export function int(
  env: string,
  defaultValue: number | undefined,
  doc: string,
  { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: IntOptions = {},
): Field<number> {
  return {
    env,
    doc,
    default: defaultValue,
    type: describeIntRange(min, max),
    parse(raw) {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error('expected an integer');
      const value = Number(raw);
      if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`expected an integer from ${min} to ${max}`);
      return value;
    },
  };
}

export function str(env: string, defaultValue: string | undefined, doc: string): Field<string> {
  return { env, doc, default: defaultValue, type: 'string', parse: (raw) => raw };
}

export function oneOf<T extends string>(env: string, values: readonly T[], defaultValue: T, doc: string): Field<T> {
  return {
    env,
    doc,
    default: defaultValue,
    type: values.join(' \\| '),
    parse(raw) {
      if (!(values as readonly string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
      return raw as T;
    },
  };
}

export function bool(env: string, defaultValue: boolean, doc: string): Field<boolean> {
  return {
    env,
    doc,
    default: defaultValue,
    type: 'boolean',
    parse(raw) {
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new Error('expected true or false');
    },
  };
}

/** A comma-separated list; entries are trimmed, empties dropped, each checked by `check`. */
export function list(
  env: string,
  defaultValue: readonly string[],
  doc: string,
  check?: (item: string) => string | null,
): Field<readonly string[]> {
  return {
    env,
    doc,
    default: defaultValue,
    type: 'comma-separated list',
    parse(raw) {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      const bad = check === undefined ? [] : items.map((i) => check(i)).filter((m): m is string => m !== null);
      if (bad.length > 0) throw new Error(bad.join('; '));
      return Object.freeze(items);
    },
  };
}

/** A URL with one of the given protocols (`nats:`, `redis:`); null default means "not set". */
export function url(env: string, protocols: readonly string[], defaultValue: string | undefined, doc: string): Field<string> {
  return {
    env,
    doc,
    default: defaultValue,
    type: `URL (${protocols.join(', ')})`,
    parse(raw) {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new Error('expected a URL');
      }
      if (!protocols.includes(parsed.protocol)) throw new Error(`expected a ${protocols.join(' or ')} URL`);
      return raw;
    },
  };
}

/** The Markdown table of a schema, for docs/config.md. */
export function renderConfigTable(schema: Schema): string {
  const rows = Object.values(schema).map(
    (f) => `| \`${f.env}\` | ${f.type} | ${f.default === undefined ? '(required)' : formatDefault(f.default)} | ${f.doc} |`,
  );
  return ['| variable | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function formatDefault(value: unknown): string {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text === '' ? '(empty)' : `\`${text}\``;
}

function describeIntRange(min: number, max: number): string {
  const hasMin = min > Number.MIN_SAFE_INTEGER;
  const hasMax = max < Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return `integer ${min}–${max}`;
  if (hasMin) return `integer ≥ ${min}`;
  return hasMax ? `integer ≤ ${max}` : 'integer';
}

/**
 * For main.ts only: parses the environment, and on a ConfigError prints its list of problems
 * (no stack trace: it is the operator's input that is wrong) and exits with status 2.
 */
export function parseEnvOrExit<T>(parse: (env: NodeJS.ProcessEnv) => T, env: NodeJS.ProcessEnv = process.env): T {
  try {
    return parse(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    // Called from composition roots before anything runs, so exiting here loses nothing.
    process.exit(2);
  }
}
