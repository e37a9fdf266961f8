import type { Lang } from '../../src/lib/site.ts';

// Every word the emails show around the author's own text. Typed against the site's languages, so
// adding a language to content/site.yaml without translating these is a type error, not a blank.
interface EmailStrings {
  noteLabel: string;
  forthcoming: string;
  unsubscribe: string;
  footerSubscribed: (site: string) => string;
  footerRequested: (site: string) => string;
  confirmSubject: (site: string) => string;
  confirmPreview: string;
  confirmHeading: string;
  confirmIntro: (site: string) => string;
  confirmButton: string;
  confirmLinkAsText: string;
  confirmLeadMagnet: (title: string) => string;
  confirmIgnore: string;
  welcomeSubject: (site: string) => string;
  welcomeLeadMagnet: string;
  readOnline: string;
  fallbackNotice: string;
}

export const strings: Record<Lang, EmailStrings> = {
  en: {
    noteLabel: 'Note',
    forthcoming: 'a forthcoming Note',
    unsubscribe: 'Unsubscribe',
    footerSubscribed: (site) => `You receive this because you subscribed at ${site}.`,
    footerRequested: (site) => `You receive this because someone asked to subscribe this address at ${site}.`,
    confirmSubject: (site) => `Confirm your subscription to ${site}`,
    confirmPreview: 'One click, and the Note reaches you every Monday.',
    confirmHeading: 'Confirm your subscription',
    confirmIntro: (site) => `Thank you for signing up to ${site}. Please confirm that this address is yours, so the Note can reach you every Monday.`,
    confirmButton: 'Confirm subscription',
    confirmLinkAsText: 'Or copy this link into your browser:',
    confirmLeadMagnet: (title) => `Your free download, “${title}”, arrives as soon as you confirm.`,
    confirmIgnore: "If you didn't ask to subscribe, ignore this email: nothing happens, and you won't hear from us again.",
    welcomeSubject: (site) => `Welcome to ${site}`,
    welcomeLeadMagnet: 'Here is your free download:',
    readOnline: 'Read online',
    fallbackNotice: 'This Note is not available in English yet: here it is in its original language.',
  },
  it: {
    noteLabel: 'Nota',
    forthcoming: 'una Nota in arrivo',
    unsubscribe: "Annulla l'iscrizione",
    footerSubscribed: (site) => `Ricevi questa email per la tua iscrizione a ${site}.`,
    footerRequested: (site) => `Ricevi questa email perché qualcuno ha chiesto di iscrivere questo indirizzo a ${site}.`,
    confirmSubject: (site) => `Conferma la tua iscrizione a ${site}`,
    confirmPreview: 'Un clic, e la Nota ti raggiunge ogni lunedì.',
    confirmHeading: "Conferma l'iscrizione",
    confirmIntro: (site) => `Grazie per l'iscrizione a ${site}. Conferma che questo indirizzo è tuo, così la Nota potrà raggiungerti ogni lunedì.`,
    confirmButton: "Conferma l'iscrizione",
    confirmLinkAsText: 'Oppure copia questo link nel browser:',
    confirmLeadMagnet: (title) => `Il tuo download gratuito, «${title}», arriva appena confermi.`,
    confirmIgnore: "Se non hai chiesto tu l'iscrizione, ignora questa email: non succede nulla e non riceverai altro.",
    welcomeSubject: (site) => `Ti do il benvenuto su ${site}`,
    welcomeLeadMagnet: 'Ecco il tuo download gratuito:',
    readOnline: 'Leggi online',
    fallbackNotice: 'Questa Nota non è ancora disponibile in italiano: eccola nella lingua originale.',
  },
};

/** "Note №205" / "Nota №205" */
export function noteLabel(lang: Lang, number: number): string {
  return `${strings[lang].noteLabel} №${number}`;
}
