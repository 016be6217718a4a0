/**
 * The handshake's origin policy. Allowed: no `Origin` header (non-browser clients), the edge's own
 * origin (its dashboard: the Origin's host equals the Host header), or an entry of the allow-list.
 * Comparison is case-insensitive and treats https and http alike, as the seed did; `*` allows all.
 */
export function createOriginPolicy(allowed: readonly string[]): (origin: string, host: string) => boolean {
  const allowAll = allowed.includes('*');
  const entries = new Set(allowed.map(normalize));
  return (origin, host) => {
    if (allowAll || origin === '') return true;
    if (entries.has(normalize(origin))) return true;
    return host !== '' && hostOf(origin) === host.toLowerCase();
  };
}

function normalize(origin: string): string {
  const lower = origin.trim().toLowerCase();
  return lower.startsWith('https://') ? `http://${lower.slice('https://'.length)}` : lower;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}
