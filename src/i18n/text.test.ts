import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tests/helpers/content.ts';
import { loadSiteConfig } from '../lib/core/site.ts';
import { LANGUAGES } from './lang.ts';
import { t, textKeys, type TextKey } from './text.ts';

// The one table of reader text: every key in every language the site speaks, nothing empty.

const site = loadSiteConfig(path.join(ROOT, 'content'));
const reference = textKeys('en') as TextKey[];

// Values for the entries that take some: a number where a count is expected, a word elsewhere.
const SAMPLE = new Proxy({}, { get: (_, name) => (['n', 'total', 'days', 'minutes', 'hour', 'minute'].includes(String(name)) ? 3 : `«${String(name)}»`) });

describe('reader text', () => {
  it.each([...new Set([...site.languages, ...LANGUAGES])])('has every key in %s, and only those', (lang) => {
    expect(textKeys(lang)).toEqual(reference);
  });

  it.each(LANGUAGES)('has no empty text in %s, and every value reaches the words', (lang) => {
    for (const key of reference) {
      const text = (t as (l: string, k: string, v: unknown) => string)(lang, key, SAMPLE);
      expect(text.trim(), key).not.toBe('');
      expect(text, key).not.toMatch(/undefined|NaN|\[object/);
    }
  });

  it('refuses a language it has no words for instead of guessing', () => {
    expect(() => t('de' as never, 'nav.notes')).toThrow('no reader text for language "de"');
  });

  it('reads the clock the way each language does', () => {
    expect(t('en', 'time.clock', { hour: 18, minute: 0 })).toBe('6 p.m.');
    expect(t('en', 'time.clock', { hour: 0, minute: 0 })).toBe('midnight');
    expect(t('it', 'time.clock', { hour: 9, minute: 5 })).toBe('09:05');
  });
});

describe('typography', () => {
  it('writes apostrophes curly in every reader text, pages and emails alike', () => {
    const straight: string[] = [];
    for (const lang of LANGUAGES) {
      for (const key of textKeys(lang)) {
        // Value-taking entries get "X" for every value: their own words are what is checked.
        const raw = (t as (l: string, k: string, v?: unknown) => string)(lang, key, new Proxy({}, { get: () => 'X' }));
        if (/\p{L}'\p{L}/u.test(raw)) straight.push(`${lang}:${key}`);
      }
    }
    expect(straight).toEqual([]);
  });
});

describe('Italian copy for everyone', () => {
  it('speaks to a subscriber without a masculine-only form, and names unsubscribing as such', () => {
    const keys = textKeys('it').filter((k) => /^(confirm|unsub|subscribe)\./.test(k));
    const masculine = keys.filter((k) => /\b(iscritto|Benvenuto|benvenuto!|Cancellati|Cancellami)\b/.test((t as (l: string, k: string, v?: unknown) => string)('it', k, new Proxy({}, { get: () => 'X' }))));
    expect(masculine).toEqual([]);
    expect(t('it', 'unsub.title')).toBe('Annulla l’iscrizione');
    expect(t('it', 'confirm.doneTitle')).toBe('Iscrizione confermata');
  });
});
