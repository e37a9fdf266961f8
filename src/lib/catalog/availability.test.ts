import { describe, expect, it } from 'vitest';
import { parseProduct, type Product } from './product.ts';
import { accessUntilFor, availability, hasAccess, UNAVAILABLE_REASONS } from './availability.ts';

const DAY = 86_400_000;
const ROME = 'Europe/Rome';

function product(yaml: string): Product {
  const head = 'title: { en: T }\nsummary: { en: S }\ndescription: { en: D }\nprice: 97\ncurrency: EUR\n';
  return parseProduct('test-product', head + yaml, 'content/products/test-product.yaml', { languages: ['en', 'it'], siteTimeZone: ROME });
}

// The sample workshop: on sale from 1 Nov 2026 09:00 Rome, access until 26 Mar 2027 18:00 Rome.
const OPENS = Date.UTC(2026, 10, 1, 8);
const UNTIL = Date.UTC(2027, 2, 26, 17);
const workshop = product(`kind: workshop
sales: { opens: "2026-11-01T09:00 Europe/Rome" }
access: { until: "2027-03-26T18:00 Europe/Rome" }`);

const byDays = product('kind: workshop\naccess: { days: 30 }');

// Spring starts 1 Mar 2027 09:00 Rome, autumn 20 Sep 2027 09:00 Rome (sales for it close on 1 Sep).
const SPRING_STARTS = Date.UTC(2027, 2, 1, 8);
const AUTUMN_SALES_CLOSE = Date.UTC(2027, 7, 31, 22);
const AUTUMN_STARTS = Date.UTC(2027, 8, 20, 7);
const certification = product(`kind: certification
cohorts:
  - { id: spring, starts: "2027-03-01T09:00 Europe/Rome", accessUntil: "2027-09-30T23:59 Europe/Rome", seats: 12 }
  - { id: autumn, starts: "2027-09-20T09:00 Europe/Rome", salesClose: "2027-09-01 Europe/Rome", accessUntil: "2028-03-31T23:59 Europe/Rome", seats: 5 }`);
const [spring, autumn] = certification.cohorts as [Product['cohorts'][number], Product['cohorts'][number]];
const JAN_2027 = Date.UTC(2027, 0, 15);

describe('accessUntilFor', () => {
  it('is the until moment of the product, whenever the purchase', () => {
    expect(accessUntilFor(workshop, undefined, OPENS)).toBe(UNTIL);
    expect(accessUntilFor(workshop, undefined, UNTIL - 1)).toBe(UNTIL);
  });

  it('is the purchase time plus the days', () => {
    expect(accessUntilFor(byDays, undefined, JAN_2027)).toBe(JAN_2027 + 30 * DAY);
  });

  it("is the cohort's accessUntil for a cohort", () => {
    expect(accessUntilFor(certification, autumn, JAN_2027)).toBe(Date.UTC(2028, 2, 31, 21, 59));
    expect(accessUntilFor(certification, spring, JAN_2027)).toBe(spring.accessUntil.at);
  });

  it('is null (forever) with no access rule and no cohort', () => {
    expect(accessUntilFor(certification, undefined, JAN_2027)).toBeNull();
  });
});

describe('availability of a workshop', () => {
  it('is not_open before sales open', () => {
    expect(availability(workshop, OPENS - 1)).toEqual({ ok: false, reason: 'not_open' });
  });

  it('is ok from the opening until just before the deadline, with the deadline as access-until', () => {
    expect(availability(workshop, OPENS)).toEqual({ ok: true, accessUntil: UNTIL });
    expect(availability(workshop, UNTIL - 1)).toEqual({ ok: true, accessUntil: UNTIL });
  });

  it('is deadline_passed at and after the deadline', () => {
    expect(availability(workshop, UNTIL)).toEqual({ ok: false, reason: 'deadline_passed' });
    expect(availability(workshop, UNTIL + DAY)).toEqual({ ok: false, reason: 'deadline_passed' });
  });

  it('is closed from sales.closes on', () => {
    const p = product(`kind: workshop
sales: { closes: "2027-03-20T18:00 Europe/Rome" }
access: { until: "2027-03-26T18:00 Europe/Rome" }`);
    const closes = Date.UTC(2027, 2, 20, 17);
    expect(availability(p, closes - 1)).toEqual({ ok: true, accessUntil: UNTIL });
    expect(availability(p, closes)).toEqual({ ok: false, reason: 'closed' });
    expect(availability(p, UNTIL + 1)).toEqual({ ok: false, reason: 'closed' });
  });

  it('is always ok with a days rule, access running from now', () => {
    expect(availability(byDays, JAN_2027)).toEqual({ ok: true, accessUntil: JAN_2027 + 30 * DAY });
  });

  it('reports only known reasons', () => {
    expect(UNAVAILABLE_REASONS).toEqual(['not_open', 'closed', 'deadline_passed', 'sold_out', 'unknown_cohort']);
  });
});

describe('availability of a certification', () => {
  it('offers the first open cohort with a seat left', () => {
    expect(availability(certification, JAN_2027)).toEqual({ ok: true, cohort: spring, accessUntil: spring.accessUntil.at, seatsLeft: 12 });
  });

  it('counts seats taken', () => {
    expect(availability(certification, JAN_2027, new Map([['spring', 7]]))).toMatchObject({ ok: true, cohort: spring, seatsLeft: 5 });
  });

  it('moves to the next cohort when the first is full', () => {
    expect(availability(certification, JAN_2027, new Map([['spring', 12]]))).toEqual({ ok: true, cohort: autumn, accessUntil: autumn.accessUntil.at, seatsLeft: 5 });
  });

  it('is sold_out when every open cohort is full (no single cohort named when several are)', () => {
    expect(availability(certification, JAN_2027, new Map([['spring', 12], ['autumn', 5]]))).toEqual({ ok: false, reason: 'sold_out', cohort: undefined });
    expect(availability(certification, JAN_2027, new Map([['spring', 99], ['autumn', 6]]))).toMatchObject({ ok: false, reason: 'sold_out' });
  });

  it('is sold_out naming the cohort when the only open one is full', () => {
    expect(availability(certification, SPRING_STARTS, new Map([['autumn', 5]]))).toEqual({ ok: false, reason: 'sold_out', cohort: autumn });
  });

  it('closes a cohort when it starts', () => {
    expect(availability(certification, SPRING_STARTS - 1)).toMatchObject({ ok: true, cohort: spring });
    expect(availability(certification, SPRING_STARTS)).toMatchObject({ ok: true, cohort: autumn });
  });

  it('closes a cohort at its salesClose, before it starts', () => {
    expect(availability(certification, AUTUMN_SALES_CLOSE - 1)).toMatchObject({ ok: true, cohort: autumn });
    expect(availability(certification, AUTUMN_SALES_CLOSE)).toEqual({ ok: false, reason: 'closed', cohort: undefined });
    expect(availability(certification, AUTUMN_STARTS + DAY)).toEqual({ ok: false, reason: 'closed', cohort: undefined });
  });

  it('answers for a named cohort', () => {
    expect(availability(certification, JAN_2027, new Map(), 'autumn')).toEqual({ ok: true, cohort: autumn, accessUntil: autumn.accessUntil.at, seatsLeft: 5 });
    expect(availability(certification, SPRING_STARTS, new Map(), 'spring')).toEqual({ ok: false, reason: 'closed', cohort: spring });
    expect(availability(certification, JAN_2027, new Map([['autumn', 5]]), 'autumn')).toEqual({ ok: false, reason: 'sold_out', cohort: autumn });
    // a full spring does not send a buyer who asked for spring to autumn
    expect(availability(certification, JAN_2027, new Map([['spring', 12]]), 'spring')).toEqual({ ok: false, reason: 'sold_out', cohort: spring });
  });

  it('is unknown_cohort for a cohort id it does not have', () => {
    expect(availability(certification, JAN_2027, new Map(), 'winter')).toEqual({ ok: false, reason: 'unknown_cohort' });
  });

  it('checks the product sales window before the cohorts', () => {
    const p = product(`kind: certification
sales: { opens: "2027-01-01 Europe/Rome", closes: "2027-02-01 Europe/Rome" }
cohorts:
  - { id: a, starts: "2027-03-01T09:00 Europe/Rome", accessUntil: "2027-09-30T23:59 Europe/Rome", seats: 1 }`);
    expect(availability(p, Date.UTC(2026, 11, 31, 22), new Map(), 'nope')).toEqual({ ok: false, reason: 'not_open' });
    expect(availability(p, Date.UTC(2026, 11, 31, 23))).toMatchObject({ ok: true, seatsLeft: 1 });
    expect(availability(p, Date.UTC(2027, 0, 31, 23))).toEqual({ ok: false, reason: 'closed' });
  });
});

describe('hasAccess', () => {
  const now = JAN_2027;
  it('is false without a record', () => {
    expect(hasAccess(undefined, now)).toBe(false);
  });

  it.each(['pending', 'refunded', 'disputed', 'expired', 'cancelled', 'PAID', ''])('is false for status %j', (status) => {
    expect(hasAccess({ status, accessUntil: null }, now)).toBe(false);
    expect(hasAccess({ status, accessUntil: now + DAY }, now)).toBe(false);
  });

  it.each(['paid', 'granted'])('is true for %s with no end (forever)', (status) => {
    expect(hasAccess({ status, accessUntil: null }, now)).toBe(true);
    expect(hasAccess({ status, accessUntil: null }, Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('is true strictly before access-until and false from it on', () => {
    expect(hasAccess({ status: 'paid', accessUntil: now + 1 }, now)).toBe(true);
    expect(hasAccess({ status: 'paid', accessUntil: now }, now)).toBe(false);
    expect(hasAccess({ status: 'granted', accessUntil: now - 1 }, now)).toBe(false);
  });
});
