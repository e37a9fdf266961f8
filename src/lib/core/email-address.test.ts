import { describe, expect, it } from 'vitest';
import { checkEmail, deliverableAddress, normalizeEmail, parseMailbox } from './email-address.ts';

// One rule for every address the app takes: the subscribe form, sign-in, Stripe, the CLI, imports.

describe('the email address rule', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Ada.Lovelace+notes@Example.COM \n')).toBe('ada.lovelace+notes@example.com');
    expect(normalizeEmail('ada+drumbeat@example.co.uk')).toBe('ada+drumbeat@example.co.uk');
  });

  it('accepts letters of any script in the local part (RFC 6531)', () => {
    expect(normalizeEmail('Søren.Soft@example.com')).toBe('søren.soft@example.com');
    expect(normalizeEmail('zoë.brontë@example.com')).toBe('zoë.brontë@example.com');
  });

  it('accepts an internationalized domain and keeps one form of it, whichever was typed', () => {
    expect(normalizeEmail('a@bücher.de')).toBe('a@bücher.de');
    expect(normalizeEmail('a@xn--bcher-kva.de')).toBe('a@bücher.de');
    expect(normalizeEmail('A@BÜCHER.DE')).toBe('a@bücher.de');
    expect(deliverableAddress('a@bücher.de')).toBe('a@xn--bcher-kva.de');
    expect(deliverableAddress('ada@example.com')).toBe('ada@example.com');
  });

  it('accepts an address of 254 characters and refuses 255, measured after trimming', () => {
    const at254 = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(59)}.example`;
    expect(at254).toHaveLength(254);
    expect(normalizeEmail(`   ${at254}   `)).toBe(at254);
    expect(checkEmail(`a${at254}`)).toEqual({ ok: false, message: 'email is longer than 254 characters' });
  });

  it.each([
    ['no @', 'ada.example.com', 'not a valid address'],
    ['two @', 'ada@lovelace@example.com', 'not a valid address'],
    ['nothing before @', '@example.com', 'not a valid address'],
    ['no dot in the domain', 'ada@localhost', 'not a valid address'],
    ['a one-letter top-level domain', 'ada@example.c', 'not a valid address'],
    ['a numeric top-level domain', 'ada@10.0.0.1', 'not a valid address'],
    ['a label longer than 63', `ada@${'b'.repeat(64)}.com`, 'not a valid address'],
    ['a local part longer than 64', `${'a'.repeat(65)}@example.com`, 'not a valid address'],
    ['a space inside', 'ada lovelace@example.com', 'not a valid address'],
    ['a tab inside', 'ada\t@example.com', 'single line'],
    ['header injection', 'a@b.com\r\nBcc: x@y.com', 'single line'],
    ['a newline inside', 'a@b.com\nx', 'single line'],
    ['DEL inside', 'a\x7fb@example.com', 'single line'],
    ['NEL (C1) inside', 'a\x85b@example.com', 'single line'],
    ['a line separator', 'a\u2028b@example.com', 'single line'],
    ['another C1 control', 'a\x9bb@example.com', 'control character'],
    ['a zero-width space', 'a\u200bb@example.com', 'control character'],
    ['a zero-width joiner', 'a\u200db@example.com', 'control character'],
    ['a bidi override', 'a\u202eb@example.com', 'control character'],
    ['a byte-order mark inside', 'a\ufeffb@example.com', 'control character'],
    ['a soft hyphen', 'a\u00adb@example.com', 'control character'],
    ['a no-break space inside', 'a\u00a0b@example.com', 'control character'],
    ['an ideographic space inside', 'a\u3000b@example.com', 'control character'],
    ['a private-use character', 'a\ue000b@example.com', 'control character'],
    ['a lone surrogate', 'a\ud800b@example.com', 'control character'],
    ['an unassigned code point', 'a\u{e0080}b@example.com', 'control character'],
    ['a control character in the domain', 'ab@exa\x85mple.com', 'single line'],
    ['a zero-width space in the domain', 'ab@exa\u200bmple.com', 'control character'],
    ['angle brackets', '<ada@example.com>', 'not a valid address'],
    ['a display name', 'Ada <ada@example.com>', 'not a valid address'],
    ['a comma list', 'ada@example.com,bob@example.com', 'not a valid address'],
    ['a semicolon list', 'ada@example.com;bob@example.com', 'not a valid address'],
    ['quotes', '"ada"@example.com', 'not a valid address'],
    ['a comment', 'ada(x)@example.com', 'not a valid address'],
    ['a domain literal', 'ada@[127.0.0.1]', 'not a valid address'],
    ['a backslash', 'ad\\a@example.com', 'not a valid address'],
    ['a colon', 'mailto:ada@example.com', 'not a valid address'],
    ['dots at the edges of the local part', '.ada@example.com', 'not a valid address'],
    ['two dots in a row', 'ada..l@example.com', 'not a valid address'],
    ['empty', '', 'required'],
    ['only spaces', '   ', 'required'],
    ['more than 254 characters', `a@${'b'.repeat(250)}.com`, 'longer than 254'],
  ])('refuses %s', (_label, value, message) => {
    const r = checkEmail(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
    expect(normalizeEmail(value)).toBeUndefined();
  });

  it.each([undefined, null, 42, ['ada@example.com'], { email: 'ada@example.com' }])('refuses the non-string %j', (value) => {
    expect(checkEmail(value)).toEqual({ ok: false, message: 'email is required' });
  });
});

describe('parseMailbox', () => {
  it('reads an address alone, a name with it, and a quoted name', () => {
    expect(parseMailbox('notes@example.com')).toEqual({ address: 'notes@example.com' });
    expect(parseMailbox('Giulia Ferri <notes@example.com>')).toEqual({ name: 'Giulia Ferri', address: 'notes@example.com' });
    expect(parseMailbox('"Ferri, Giulia" <notes@example.com>')).toEqual({ name: 'Ferri, Giulia', address: 'notes@example.com' });
  });

  it('refuses what would break a header', () => {
    expect(parseMailbox('Notes\r\nBcc: x@example.com <notes@example.com>')).toBeUndefined();
    expect(parseMailbox('a <b> <notes@example.com>')).toBeUndefined();
    expect(parseMailbox('notes@example.com>')).toBeUndefined();
  });
});
