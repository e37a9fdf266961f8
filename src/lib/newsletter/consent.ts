import { createHash } from 'node:crypto';
import type { Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';

// What a subscriber agrees to is the sentence beside the subscribe button, in their language. The
// form shows consentWording(lang); the stored consent names it by consentVersion(lang), a hash of
// those very words, so a change of wording is a new version by construction, and the words of
// every version ever shown are kept in consent_texts.

export function consentWording(lang: Lang): string {
  return t(lang, 'subscribe.consent');
}

/** "en-7ac8c388d831": the language and the first 12 hex digits of the words' SHA-256. */
export function versionOfWording(lang: string, words: string): string {
  return `${lang}-${createHash('sha256').update(words).digest('hex').slice(0, 12)}`;
}

export function consentVersion(lang: Lang): string {
  return versionOfWording(lang, consentWording(lang));
}
