import { describe, expect, it } from 'vitest';
import { offerCard, offerLifetime, offerLine, offerState, testimonialOf } from './offer.ts';
import { parseProduct, type Product } from './product.ts';

const ROME = 'Europe/Rome';
const HOUR = 3_600_000;

function product(id: string, yaml: string): Product {
  const head = `title: { en: "${id} title", it: "${id} titolo" }\nsummary: { en: S, it: R }\ndescription: { en: D }\nprice: 97\ncurrency: EUR\n`;
  return parseProduct(id, head + yaml, `content/products/${id}.yaml`, { languages: ['en', 'it'], siteTimeZone: ROME });
}

// The sample's shape: a workshop sold from 1 Nov 2026 until its access deadline (26 Mar 2027
// 18:00 Rome), closing its sale earlier here (20 Mar), whose `next` is a certification in cohorts.
const workshop = product(
  'workshop',
  `kind: workshop
sales: { opens: "2026-11-01T09:00 Europe/Rome", closes: "2027-03-20T18:00 Europe/Rome" }
access: { until: "2027-03-26T18:00 Europe/Rome" }
testimonials:
  - { quote: { en: First, it: Primo }, author: Ada }
  - { quote: { en: Second, it: Secondo }, author: Bea, role: { en: Coach } }
next: coach`,
);
const coach = product(
  'coach',
  `kind: certification
cohorts:
  - { id: spring, title: { en: Spring cohort, it: Gruppo di primavera }, starts: "2027-03-01T09:00 Europe/Rome", accessUntil: "2027-09-30T23:59 Europe/Rome", seats: 2 }
  - { id: autumn, title: { en: Autumn cohort }, starts: "2027-09-20T09:00 Europe/Rome", accessUntil: "2028-03-31T23:59 Europe/Rome", seats: 2 }`,
);
const products = new Map([
  ['workshop', workshop],
  ['coach', coach],
]);
const OPENS = Date.UTC(2026, 10, 1, 8);
const CLOSES = Date.UTC(2027, 2, 20, 17);
const UNTIL = Date.UTC(2027, 2, 26, 17);
const SPRING = Date.UTC(2027, 2, 1, 8);
const AUTUMN = Date.UTC(2027, 8, 20, 7);
const DEC = Date.UTC(2026, 11, 2, 10);

describe('offerState', () => {
  it('is open while the product is on sale, with its deadline', () => {
    expect(offerState(products, 'workshop', DEC)).toMatchObject({ state: 'open', product: { id: 'workshop' }, accessUntil: UNTIL });
  });

  it('is undefined for an unknown product (the build refuses it first)', () => {
    expect(offerState(products, 'nope', DEC)).toBeUndefined();
  });

  it('stays on the product before its sale opens (not_open is not over)', () => {
    expect(offerState(products, 'workshop', OPENS - 1)).toMatchObject({ state: 'closed', reason: 'not_open', product: { id: 'workshop' } });
  });

  it('shows the next product once the sales window closes, saying why', () => {
    expect(offerState(products, 'workshop', CLOSES - 1)).toMatchObject({ state: 'open' });
    expect(offerState(products, 'workshop', CLOSES)).toMatchObject({ state: 'next', reason: 'closed', asked: { id: 'workshop' }, product: { id: 'coach' }, cohort: { id: 'autumn' } });
  });

  it('shows what is closed when neither the product nor its next is on sale', () => {
    const alone = new Map([['workshop', workshop]]);
    expect(offerState(alone, 'workshop', CLOSES)).toMatchObject({ state: 'closed', reason: 'closed' });
    expect(offerState(products, 'workshop', AUTUMN)).toMatchObject({ state: 'closed', reason: 'closed', product: { id: 'workshop' } });
  });

  it('passes a full cohort over for the next one with a seat, and says full when none has one', () => {
    const seats = (taken: Record<string, number>) => (id: string) => (id === 'coach' ? new Map(Object.entries(taken)) : undefined);
    expect(offerState(products, 'coach', DEC, seats({ spring: 1 }))).toMatchObject({ state: 'open', cohort: { id: 'spring' }, seatsLeft: 1 });
    expect(offerState(products, 'coach', DEC, seats({ spring: 2 }))).toMatchObject({ state: 'open', cohort: { id: 'autumn' }, seatsLeft: 2 });
    expect(offerState(products, 'coach', DEC, seats({ spring: 2, autumn: 2 }))).toMatchObject({ state: 'closed', reason: 'sold_out' });
    // Without counts (an email) no seat number is claimed.
    expect(offerState(products, 'coach', DEC)).toMatchObject({ state: 'open', cohort: { id: 'spring' }, seatsLeft: undefined });
  });

  it('survives a loop of next products', () => {
    const a = product('a', 'kind: workshop\naccess: { until: "2027-01-01T00:00 Europe/Rome" }\nnext: b');
    const b = product('b', 'kind: workshop\naccess: { until: "2027-01-01T00:00 Europe/Rome" }\nnext: a');
    expect(offerState(new Map([['a', a], ['b', b]]), 'a', UNTIL)).toMatchObject({ state: 'closed', reason: 'deadline_passed' });
  });
});

describe('offerLifetime', () => {
  it('ends at the next moment the clock changes what the offer shows', () => {
    expect(offerLifetime(new Map([['workshop', { ...workshop, next: undefined }]]), ['workshop'], DEC)).toEqual({ until: CLOSES, seats: false });
    expect(offerLifetime(new Map([['workshop', { ...workshop, next: undefined }]]), ['workshop'], CLOSES)).toEqual({ until: UNTIL, seats: false });
    expect(offerLifetime(new Map([['workshop', { ...workshop, next: undefined }]]), ['workshop'], OPENS - HOUR)).toEqual({ until: OPENS, seats: false });
  });

  it("includes the next product's moments and says when seat counts matter", () => {
    // Spring's sale closes at its start, before the workshop's window closes.
    expect(offerLifetime(products, ['workshop'], DEC)).toEqual({ until: SPRING, seats: true });
    expect(offerLifetime(products, ['coach'], AUTUMN)).toEqual({ until: Date.UTC(2027, 8, 30, 21, 59), seats: false });
  });
});

describe('offerCard', () => {
  it('has the title, price, deadline sentence and sales page in the reader language', () => {
    const en = offerCard(offerState(products, 'workshop', DEC)!, 'en', 'en', DEC);
    expect(en).toMatchObject({
      state: 'open',
      title: 'workshop title',
      priceLabel: '€97.00',
      deadline: 'You have until 6 p.m. on Friday, March 26, 2027 to access the recording.',
      path: '/workshops/workshop/',
      cta: 'Get the recording',
    });
    expect(en.notice).toBeUndefined();
    const it = offerCard(offerState(products, 'workshop', DEC)!, 'it', 'en', DEC);
    expect(it).toMatchObject({
      title: 'workshop titolo',
      priceLabel: '97,00\u00a0€',
      deadline: 'Hai tempo fino alle 18:00 di venerdì 26 marzo 2027 per accedere alla registrazione.',
      path: '/it/workshops/workshop/',
    });
  });

  it('names what ended above the next product', () => {
    const card = offerCard(offerState(products, 'workshop', CLOSES)!, 'en', 'en', CLOSES);
    expect(card).toMatchObject({ state: 'next', productId: 'coach', path: '/certification/coach/', notice: '“workshop title” is no longer on sale. What comes next:' });
    expect(card.cohort).toBe('Autumn cohort · Starts at 9 a.m. on Monday, September 20 (Italy Time)');
    expect(card.deadline).toBeUndefined();
  });

  it('has no link when the sale is over, and the opening moment before it opens', () => {
    expect(offerCard(offerState(products, 'workshop', AUTUMN)!, 'it', 'en', AUTUMN)).toMatchObject({ state: 'closed', notice: 'Le vendite sono chiuse.', path: undefined });
    expect(offerCard(offerState(products, 'workshop', OPENS - HOUR)!, 'en', 'en', OPENS - HOUR)).toMatchObject({
      notice: 'Sales open at 9 a.m. on Sunday, November 1 (Italy Time).',
      path: '/workshops/workshop/',
    });
  });

  it('counts seats only when they were counted', () => {
    const counted = offerState(products, 'coach', DEC, (id) => (id === 'coach' ? new Map([['spring', 1]]) : undefined))!;
    expect(offerCard(counted, 'en', 'en', DEC).seats).toBe('1 of 2 seats left');
    expect(offerCard(offerState(products, 'coach', DEC)!, 'en', 'en', DEC).seats).toBeUndefined();
  });
});

describe('offerLine and testimonialOf', () => {
  it('is the cohort, its first day and the price; nothing when closed', () => {
    expect(offerLine(offerState(products, 'coach', DEC)!, 'it', 'en', DEC)).toBe('Gruppo di primavera, da lunedì 1 marzo 2027 · 97,00\u00a0€');
    expect(offerLine(offerState(products, 'workshop', AUTUMN)!, 'en', 'en', AUTUMN)).toBeUndefined();
  });

  it('picks a testimonial by author, the first without one', () => {
    expect(testimonialOf(workshop, undefined)?.author).toBe('Ada');
    expect(testimonialOf(workshop, 'Bea')?.quote.it).toBe('Secondo');
    expect(testimonialOf(workshop, 'Cy')).toBeUndefined();
  });
});
