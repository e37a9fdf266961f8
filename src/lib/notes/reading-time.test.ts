import { describe, expect, it } from 'vitest';
import { formatReadingTime } from '../../i18n/format.ts';
import { countWords, plainTextOfMdx, readingSeconds } from './reading-time.ts';

describe('reading time', () => {
  it('formats minutes and seconds', () => {
    expect(formatReadingTime(348)).toBe('5:48');
    expect(formatReadingTime(60)).toBe('1:00');
    expect(formatReadingTime(5)).toBe('0:05');
    expect(formatReadingTime(3725)).toBe('62:05');
  });

  it('counts words of prose, not markup', () => {
    const mdx = [
      'import X from "./x.ts"',
      '## A heading here',
      'As I wrote in <NoteRef n={92} />, the **goal** is [a link](https://example.com/long/url).',
      "Don't count `code` twice — l'obiettivo è chiaro.",
    ].join('\n');
    const text = plainTextOfMdx(mdx);
    expect(text).not.toContain('NoteRef');
    expect(text).not.toContain('https');
    expect(countWords(text)).toBe(3 + 9 + 7);
  });

  it('turns 230 words per minute into seconds', () => {
    const words = Array.from({ length: 1334 }, () => 'word').join(' ');
    expect(readingSeconds(words)).toBe(348);
    expect(formatReadingTime(readingSeconds(words))).toBe('5:48');
  });
});
