import { describe, expect, it } from 'vitest';
import { parseEmail, parseLang, parseSource } from './input.ts';

describe('subscriber input', () => {
  it('takes the address by the app rule and names the field', () => {
    expect(parseEmail('  Ada.Lovelace+notes@Example.COM ')).toEqual({ ok: true, value: 'ada.lovelace+notes@example.com' });
    expect(parseEmail('ada@localhost')).toEqual({ ok: false, field: 'email', message: 'email is not a valid address' });
  });
  it('accepts only the site languages', () => {
    expect(parseLang('it', ['en', 'it'])).toEqual({ ok: true, value: 'it' });
    expect(parseLang('fr', ['en', 'it']).ok).toBe(false);
    expect(parseLang(undefined, ['en', 'it'], 'en')).toEqual({ ok: true, value: 'en' });
  });
  it('keeps only same-site paths as the source', () => {
    expect(parseSource('/notes/205-three-steps/')).toBe('/notes/205-three-steps/');
    expect(parseSource('https://evil.example/')).toBe('unknown');
    expect(parseSource('/x\r\n')).toBe('unknown');
  });
});
