import { describe, expect, it } from 'vitest';
import { etagMatches } from './etag.ts';

describe('etagMatches', () => {
  const tags = new Set(['"abc"', '"abc-br"']);
  it('compares weakly, any of a list, and *', () => {
    expect(etagMatches('"abc"', tags)).toBe(true);
    expect(etagMatches('W/"abc-br"', tags)).toBe(true);
    expect(etagMatches('"x", "abc"', tags)).toBe(true);
    expect(etagMatches('*', tags)).toBe(true);
    expect(etagMatches('"abcd"', tags)).toBe(false);
    expect(etagMatches(undefined, tags)).toBe(false);
  });
});
