import { describe, expect, it } from 'vitest';
import { parseRange } from './media.server.ts';

const SIZE = 1000;

describe('parseRange', () => {
  it('is undefined (serve the whole file) without a header', () => {
    expect(parseRange(null, SIZE)).toBeUndefined();
    expect(parseRange('', SIZE)).toBeUndefined();
  });

  it('reads a closed range', () => {
    expect(parseRange('bytes=0-99', SIZE)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=500-500', SIZE)).toEqual({ start: 500, end: 500 });
    expect(parseRange('bytes=0-999', SIZE)).toEqual({ start: 0, end: 999 });
  });

  it('reads an open-ended range to the last byte', () => {
    expect(parseRange('bytes=100-', SIZE)).toEqual({ start: 100, end: 999 });
    expect(parseRange('bytes=0-', SIZE)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=999-', SIZE)).toEqual({ start: 999, end: 999 });
  });

  it('reads a suffix range as the last N bytes', () => {
    expect(parseRange('bytes=-500', SIZE)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-1', SIZE)).toEqual({ start: 999, end: 999 });
  });

  it('clamps a suffix longer than the file to the whole file', () => {
    expect(parseRange('bytes=-5000', SIZE)).toEqual({ start: 0, end: 999 });
  });

  it('clamps an end beyond the size to the last byte', () => {
    expect(parseRange('bytes=0-5000', SIZE)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=900-1000', SIZE)).toEqual({ start: 900, end: 999 });
  });

  it('reads the unit case-insensitively (RFC 9110)', () => {
    expect(parseRange('BYTES=0-1', SIZE)).toEqual({ start: 0, end: 1 });
    expect(parseRange('Bytes=-10', SIZE)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bYtEs=998-', SIZE)).toEqual({ start: 998, end: 999 });
  });

  it('tolerates surrounding whitespace', () => {
    expect(parseRange('  bytes=0-99 ', SIZE)).toEqual({ start: 0, end: 99 });
  });

  it('is unsatisfiable when the start is at or beyond the size', () => {
    expect(parseRange('bytes=1000-', SIZE)).toBe('unsatisfiable');
    expect(parseRange('bytes=1000-1200', SIZE)).toBe('unsatisfiable');
    expect(parseRange('bytes=5000-', SIZE)).toBe('unsatisfiable');
  });

  it('is unsatisfiable when the end is before the start', () => {
    expect(parseRange('bytes=5-2', SIZE)).toBe('unsatisfiable');
  });

  it('is unsatisfiable for an empty suffix', () => {
    expect(parseRange('bytes=-0', SIZE)).toBe('unsatisfiable');
  });

  it('serves the whole file for several ranges', () => {
    expect(parseRange('bytes=0-1,5-6', SIZE)).toBeUndefined();
    expect(parseRange('bytes=0-1, 5-6', SIZE)).toBeUndefined();
    expect(parseRange('bytes=-5,0-1', SIZE)).toBeUndefined();
  });

  it.each(['bytes 0-99', 'garbage', '0-99', 'items=0-1'])('ignores a header in another unit (RFC 9110) and serves the whole file: %j', (header) => {
    expect(parseRange(header, 1000)).toBeUndefined();
  });

  it.each(['bytes=abc', 'bytes=-', 'bytes=', 'bytes=1-2-3', 'bytes=a-b', 'bytes=1.5-2', 'bytes=+1-2'])(
    'is unsatisfiable for garbage %j',
    (header) => {
      expect(parseRange(header, SIZE)).toBe('unsatisfiable');
    },
  );

  it('is unsatisfiable for any start in an empty file', () => {
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-0', 0)).toBe('unsatisfiable');
  });

  it('is unsatisfiable for a suffix range on an empty file', () => {
    expect(parseRange('bytes=-5', 0)).toBe('unsatisfiable');
  });
});
