import { describe, expect, it } from 'vitest';
import { parseEmail, parseLang, parseSource } from './input.ts';

describe('subscriber input', () => {
  it('normalises a valid address', () => {
    expect(parseEmail('  Ada.Lovelace+notes@Example.COM ')).toEqual({ ok: true, value: 'ada.lovelace+notes@example.com' });
  });
  it.each([
    [undefined, 'required'],
    ['', 'required'],
    ['ada@example.com\r\nBcc: eve@example.com', 'single line'],
    ['ada@example.com\nx', 'single line'],
    ['not-an-email', 'not a valid'],
    ['ada@localhost', 'not a valid'],
    ['a b@example.com', 'not a valid'],
    ['"ada"@example.com', 'not a valid'],
    [`${'a'.repeat(65)}@example.com`, 'not a valid'],
    [`a@${'b'.repeat(250)}.com`, 'longer than 254'],
    [42, 'required'],
  ])('refuses %j', (raw, message) => {
    const r = parseEmail(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
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
