import type { Lang } from '../../src/lib/site.ts';

// Every word the emails show around the author's own text. Typed against the site's languages, so
// adding a language to content/site.yaml without translating these is a type error, not a blank.
interface EmailStrings {
  noteLabel: string;
  forthcoming: string;
  unsubscribe: string;
  footerSubscribed: (site: string) => string;
  footerRequested: (site: string) => string;
  footerPurchase: (site: string) => string;
  footerSignIn: (site: string) => string;
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
  libraryButton: string;
  accessEndsLabel: string;
  signInOnce: (minutes: number) => string;
  signInExpired: string;
  receiptSubject: (product: string) => string;
  receiptPreview: (product: string) => string;
  receiptHeading: string;
  receiptIntro: (product: string, site: string) => string;
  receiptProductLabel: string;
  receiptAmountLabel: string;
  receiptDateLabel: string;
  receiptAccessLabel: string;
  receiptNoEnd: string;
  receiptInvoice: string;
  signInSubject: (site: string) => string;
  signInPreview: (minutes: number) => string;
  signInHeading: string;
  signInIntro: (site: string) => string;
  signInButton: string;
  signInIgnore: string;
  deadlineSubject: (product: string, days: number) => string;
  deadlineHeading: (days: number) => string;
  deadlineIntro: (product: string, days: number) => string;
  deadlineLibrary: string;
  footerAuthor: (site: string) => string;
  saleSubject: (product: string, amount: string) => string;
  saleHeading: string;
  saleLine: (buyer: string, product: string, amount: string) => string;
  saleCohort: (cohort: string) => string;
  saleAccess: (until: string) => string;
  saleList: string;
}

const minutesEn = (n: number) => `${n} ${n === 1 ? 'minute' : 'minutes'}`;
const minutesIt = (n: number) => `${n} ${n === 1 ? 'minuto' : 'minuti'}`;

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
    footerPurchase: (site) => `You receive this because of your purchase at ${site}.`,
    footerSignIn: (site) => `You receive this because someone asked to sign in to ${site} with this address.`,
    libraryButton: 'Open your library',
    accessEndsLabel: 'Access ends',
    signInOnce: (minutes) => `The link signs you in straight away, no password needed. It works once, within ${minutesEn(minutes)} of this email.`,
    signInExpired: 'If the link has expired, you can ask for a new one here:',
    receiptSubject: (product) => `Your receipt: ${product}`,
    receiptPreview: (product) => `Thank you for buying ${product}. It's waiting in your library.`,
    receiptHeading: 'Thank you for your purchase',
    receiptIntro: (product, site) => `“${product}” is now in your library at ${site}. Here are the details of your purchase.`,
    receiptProductLabel: 'Product',
    receiptAmountLabel: 'Amount paid',
    receiptDateLabel: 'Date',
    receiptAccessLabel: 'Access',
    receiptNoEnd: 'No end date',
    receiptInvoice: 'Your invoice comes separately, in an email from Stripe.',
    signInSubject: (site) => `Your sign-in link for ${site}`,
    signInPreview: (minutes) => `It works once, for the next ${minutesEn(minutes)}.`,
    signInHeading: 'Sign in to your library',
    signInIntro: (site) => `Here is the link you asked for to sign in to ${site}.`,
    signInButton: 'Sign in',
    signInIgnore: "If you didn't ask to sign in, ignore this email: without the link nobody can open your library.",
    deadlineSubject: (product, days) => `${days === 1 ? '1 day' : `${days} days`} left to watch ${product}`,
    deadlineHeading: (days) => (days === 1 ? '1 day left' : `${days} days left`),
    deadlineIntro: (product, days) =>
      days === 1 ? `Your access to “${product}” is about to end.` : `Your access to “${product}” ends in ${days} days.`,
    deadlineLibrary: "Whatever you haven't watched yet is waiting in your library.",
    footerAuthor: (site) => `You receive this because this address is an admin of ${site}.`,
    saleSubject: (product, amount) => `New sale: ${product} (${amount})`,
    saleHeading: 'You made a sale',
    saleLine: (buyer, product, amount) => `${buyer} bought “${product}” for ${amount}.`,
    saleCohort: (cohort) => `Cohort: ${cohort}.`,
    saleAccess: (until) => `Their access lasts until ${until}.`,
    saleList: 'Every purchase and grant: npx drumbeat access list',
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
    footerPurchase: (site) => `Ricevi questa email per il tuo acquisto su ${site}.`,
    footerSignIn: (site) => `Ricevi questa email perché qualcuno ha chiesto di accedere a ${site} con questo indirizzo.`,
    libraryButton: 'Apri la tua libreria',
    accessEndsLabel: "Scadenza dell'accesso",
    signInOnce: (minutes) => `Il link ti fa entrare subito, senza password. Funziona una volta sola, entro ${minutesIt(minutes)} da questa email.`,
    signInExpired: 'Se il link è scaduto, puoi chiederne uno nuovo qui:',
    receiptSubject: (product) => `La tua ricevuta: ${product}`,
    receiptPreview: (product) => `Grazie per aver acquistato ${product}. Ti aspetta nella tua libreria.`,
    receiptHeading: 'Grazie per il tuo acquisto',
    receiptIntro: (product, site) => `«${product}» è già nella tua libreria su ${site}. Ecco i dettagli del tuo acquisto.`,
    receiptProductLabel: 'Prodotto',
    receiptAmountLabel: 'Importo pagato',
    receiptDateLabel: 'Data',
    receiptAccessLabel: 'Accesso',
    receiptNoEnd: 'Nessuna scadenza',
    receiptInvoice: "La fattura ti arriva a parte, in un'email di Stripe.",
    signInSubject: (site) => `Il tuo link di accesso a ${site}`,
    signInPreview: (minutes) => `Funziona una volta sola, per i prossimi ${minutesIt(minutes)}.`,
    signInHeading: 'Accedi alla tua libreria',
    signInIntro: (site) => `Ecco il link che hai chiesto per accedere a ${site}.`,
    signInButton: 'Accedi',
    signInIgnore: 'Se non hai chiesto tu di accedere, ignora questa email: senza il link nessuno può aprire la tua libreria.',
    deadlineSubject: (product, days) => (days === 1 ? `Ultimo giorno per guardare ${product}` : `Ancora ${days} giorni per guardare ${product}`),
    deadlineHeading: (days) => (days === 1 ? 'Ultimo giorno' : `Ancora ${days} giorni`),
    deadlineIntro: (product, days) =>
      days === 1 ? `Il tuo accesso a «${product}» sta per scadere.` : `Il tuo accesso a «${product}» scade tra ${days} giorni.`,
    deadlineLibrary: 'Quello che non hai ancora guardato ti aspetta nella tua libreria.',
    footerAuthor: (site) => `Ricevi questa email perché questo indirizzo amministra ${site}.`,
    saleSubject: (product, amount) => `Nuova vendita: ${product} (${amount})`,
    saleHeading: 'Hai fatto una vendita',
    saleLine: (buyer, product, amount) => `${buyer} ha acquistato «${product}» per ${amount}.`,
    saleCohort: (cohort) => `Gruppo: ${cohort}.`,
    saleAccess: (until) => `L'accesso dura fino a ${until}.`,
    saleList: 'Tutti gli acquisti e gli accessi concessi: npx drumbeat access list',
  },
};

/** "Note №205" / "Nota №205" */
export function noteLabel(lang: Lang, number: number): string {
  return `${strings[lang].noteLabel} №${number}`;
}
