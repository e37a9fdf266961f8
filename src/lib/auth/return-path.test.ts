import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path.ts';

describe('safeReturnPath', () => {
  it('keeps a path of this site, with its query', () => {
    expect(safeReturnPath('/admin/')).toBe('/admin/');
    expect(safeReturnPath('/it/admin/notes/?q=a')).toBe('/it/admin/notes/?q=a');
    expect(safeReturnPath('/library/okr-workshop-2027-03/')).toBe('/library/okr-workshop-2027-03/');
  });

  it.each([
    ['an absolute URL', 'https://evil.example/'],
    ['a scheme-relative URL', '//evil.example/admin/'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a tab inside', '/\t/evil.example'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'admin/'],
    ['sign-in itself', '/login/verify?token=x'],
    ['sign-out', '/it/logout'],
    ['nothing', ''],
    ['not a string', ['/admin/']],
    ['something very long', `/${'a'.repeat(600)}`],
  ])('refuses %s', (_what, raw) => {
    expect(safeReturnPath(raw)).toBeUndefined();
  });
});
