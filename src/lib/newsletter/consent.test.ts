import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';
import { consentVersion, consentWording, versionOfWording } from './consent.ts';

describe('the consent record', () => {
  it.each(LANGUAGES)('names the exact words the %s form shows', (lang) => {
    expect(consentWording(lang)).toBe(t(lang, 'subscribe.consent'));
    expect(consentVersion(lang)).toMatch(new RegExp(`^${lang}-[0-9a-f]{12}$`));
  });

  it('is a different version in each language, and a new one for other words', () => {
    expect(new Set(LANGUAGES.map(consentVersion)).size).toBe(LANGUAGES.length);
    expect(versionOfWording('en', `${consentWording('en')} `)).not.toBe(consentVersion('en'));
  });

  it('gave the consents stored before versions were hashes the version of their own words', () => {
    const migration = readFileSync(new URL('../core/db/migrations/0003_consent_texts.sql', import.meta.url), 'utf8');
    const rows = [...migration.matchAll(/\('([a-z]{2}-[0-9a-f]{12})', '([a-z]{2})', '([^']+)'/g)];
    expect(rows).toHaveLength(2);
    for (const [, version, lang, words] of rows) expect(version).toBe(versionOfWording(lang!, words!));
  });
});
