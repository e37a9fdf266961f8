// The wording a subscriber agrees to. A change of wording gets a new version, so each stored
// consent says exactly what was shown.
export const CONSENT_VERSION = '2026-11-25';

export const CONSENT_TEXT: Record<string, string> = {
  en: 'Send me the weekly Note by email. I can unsubscribe with one click at any time.',
  it: 'Inviatemi la Nota settimanale via email. Posso cancellarmi con un clic in qualsiasi momento.',
};
