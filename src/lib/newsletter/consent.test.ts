import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { consentVersion, consentWording } from './consent.ts';

describe('the consent record', () => {
  it.each(LANGUAGES)('names the exact words the %s form shows', (lang) => {
    expect(consentWording(lang)).toBe(t(lang, 'subscribe.consent'));
    expect(consentVersion(lang)).toMatch(new RegExp(`^${lang}-[0-9a-f]{12}$`));
  });

  it('is a different version in each language, and the same version for the same words', () => {
    expect(new Set(LANGUAGES.map(consentVersion)).size).toBe(LANGUAGES.length);
    expect(consentVersion('en')).toBe(consentVersion('en'));
  });
});
