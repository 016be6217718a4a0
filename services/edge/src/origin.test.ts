import { describe, expect, it } from 'vitest';
import { createOriginPolicy } from './origin.js';

describe('origin policy', () => {
  const allowed = createOriginPolicy(['http://localhost:5110', 'https://stock.ralphpark.com', 'null']);

  it('allows listed origins case-insensitively and across https/http', () => {
    expect(allowed('http://localhost:5110', 'edge:8080')).toBe(true);
    expect(allowed('HTTPS://LOCALHOST:5110', 'edge:8080')).toBe(true);
    expect(allowed('http://stock.ralphpark.com', 'edge:8080')).toBe(true);
    expect(allowed('null', 'edge:8080')).toBe(true);
  });

  it('allows no Origin and the edge’s own origin, refuses the rest', () => {
    expect(allowed('', 'edge:8080')).toBe(true);
    expect(allowed('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(allowed('https://evil.example', 'edge:8080')).toBe(false);
    expect(allowed('http://localhost:5111', 'edge:8080')).toBe(false);
    expect(allowed('not a url', 'edge:8080')).toBe(false);
  });

  it('allows everything with *', () => {
    expect(createOriginPolicy(['*'])('https://evil.example', 'edge:8080')).toBe(true);
  });
});
