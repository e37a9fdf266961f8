import type { Lang } from '../../i18n/lang.ts';
import { t } from '../../i18n/text.ts';

/** The message a visitor sees for a subscribe outcome, in their language. */
export function subscribeMessage(lang: Lang, outcome: { ok: boolean; status?: number; field?: string }): string {
  if (outcome.ok) return t(lang, 'subscribe.checkTitle') + '. ' + t(lang, 'subscribe.checkText');
  if (outcome.status === 429) return t(lang, 'subscribe.tooMany');
  if (outcome.status === 503) return t(lang, 'subscribe.tryAgain');
  if (outcome.field === 'email') return t(lang, 'subscribe.errorEmail');
  return t(lang, 'subscribe.error');
}
