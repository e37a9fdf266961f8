import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minorUnitFactor } from '../core/money.ts';
import { parseMoment, parseProduct, pick, ProductError, salesSection, type Product } from './product.ts';

const opts = { languages: ['en', 'it'], siteTimeZone: 'Europe/Rome' } as const;
const FILE = 'content/products/test-product.yaml';

function sample(name: string): string {
  return readFileSync(new URL(`../../../content/products/${name}`, import.meta.url), 'utf8');
}

/** A minimal valid workshop, with `extra` YAML lines appended (later keys may not repeat earlier ones). */
function workshop(extra = 'access: { until: "2027-03-26T18:00 Europe/Rome" }', head = 'price: 97\ncurrency: EUR'): string {
  return ['kind: workshop', 'title: { en: Title, it: Titolo }', 'summary: { en: Summary }', 'description: { en: Description }', head, extra].join('\n');
}

function certification(cohorts: string, extra = ''): string {
  return ['kind: certification', 'title: { en: Cert }', 'summary: { en: S }', 'description: { en: D }', 'price: 1200', 'currency: EUR', 'cohorts:', cohorts, extra].join('\n');
}

const cohort = (id: string, starts = '2027-03-01T09:00 Europe/Rome', accessUntil = '2027-09-30T23:59 Europe/Rome') =>
  `  - { id: ${id}, starts: "${starts}", accessUntil: "${accessUntil}", seats: 12 }`;

function parse(text: string, id = 'test-product'): Product {
  return parseProduct(id, text, FILE, opts);
}

/** The error message parseProduct throws (and that it is a ProductError naming the file). */
function errorOf(text: string, id = 'test-product'): string {
  try {
    parse(text, id);
  } catch (err) {
    expect(err).toBeInstanceOf(ProductError);
    const message = (err as Error).message;
    expect(message.startsWith(`${FILE}: `)).toBe(true);
    return message;
  }
  throw new Error('expected parseProduct to throw');
}

describe('parseMoment', () => {
  it('reads a date and time in a named zone (winter: Rome is UTC+1)', () => {
    expect(parseMoment('2027-03-26T18:00 Europe/Rome')).toEqual({
      text: '2027-03-26T18:00 Europe/Rome',
      at: Date.UTC(2027, 2, 26, 17),
      timeZone: 'Europe/Rome',
    });
  });

  it('applies summer time (Rome is UTC+2 in July)', () => {
    expect(parseMoment('2027-07-01T18:00 Europe/Rome')?.at).toBe(Date.UTC(2027, 6, 1, 16));
  });

  it('uses the offset in force on that day across the spring change (last Sunday of March 2027 = 28th)', () => {
    expect(parseMoment('2027-03-27T18:00 Europe/Rome')?.at).toBe(Date.UTC(2027, 2, 27, 17));
    expect(parseMoment('2027-03-29T18:00 Europe/Rome')?.at).toBe(Date.UTC(2027, 2, 29, 16));
  });

  it('reads a date alone as midnight in the zone', () => {
    expect(parseMoment('2027-03-26 Europe/Rome')?.at).toBe(Date.UTC(2027, 2, 25, 23));
    expect(parseMoment('2027-03-26 UTC')?.at).toBe(Date.UTC(2027, 2, 26));
  });

  it('reads seconds, and a space instead of T', () => {
    expect(parseMoment('2027-03-26T18:00:30 Europe/Rome')?.at).toBe(Date.UTC(2027, 2, 26, 17, 0, 30));
    expect(parseMoment('2027-03-26 18:00 Europe/Rome')?.at).toBe(Date.UTC(2027, 2, 26, 17));
  });

  it('works in other zones', () => {
    expect(parseMoment('2027-03-26T18:00 America/New_York')?.at).toBe(Date.UTC(2027, 2, 26, 22));
    expect(parseMoment('2027-01-15T09:00 Asia/Tokyo')?.at).toBe(Date.UTC(2027, 0, 15, 0));
  });

  it('trims the text it keeps', () => {
    expect(parseMoment('  2027-03-26T18:00 Europe/Rome \n')?.text).toBe('2027-03-26T18:00 Europe/Rome');
  });

  it('accepts Feb 29 in a leap year only', () => {
    expect(parseMoment('2028-02-29 Europe/Rome')?.at).toBe(Date.UTC(2028, 1, 28, 23));
    expect(parseMoment('2027-02-29 Europe/Rome')).toBeUndefined();
  });

  it.each([
    ['an unknown zone', '2027-03-26T18:00 Europe/Atlantis'],
    ['no zone', '2027-03-26T18:00'],
    ['Feb 30', '2027-02-30T10:00 Europe/Rome'],
    ['April 31', '2027-04-31 Europe/Rome'],
    ['month 13', '2027-13-01 Europe/Rome'],
    ['month 0', '2027-00-10 Europe/Rome'],
    ['day 0', '2027-03-00 Europe/Rome'],
    ['hour 24', '2027-03-26T24:00 Europe/Rome'],
    ['minute 60', '2027-03-26T18:60 Europe/Rome'],
    ['second 60', '2027-03-26T18:00:60 Europe/Rome'],
    ['a one-digit hour', '2027-03-26T9:00 Europe/Rome'],
    ['an ISO offset instead of a zone', '2027-03-26T18:00+01:00'],
    ['words', 'next friday'],
    ['empty', ''],
    ['a zone alone', 'Europe/Rome'],
    ['trailing junk', '2027-03-26T18:00 Europe/Rome please'],
  ])('refuses %s', (_label, text) => {
    expect(parseMoment(text)).toBeUndefined();
  });
});

describe('parseProduct on the sample products', () => {
  it('reads the workshop', () => {
    const p = parseProduct('okr-workshop-2027-03', sample('okr-workshop-2027-03.yaml'), 'content/products/okr-workshop-2027-03.yaml', opts);
    expect(p.id).toBe('okr-workshop-2027-03');
    expect(p.kind).toBe('workshop');
    expect(p.amount).toBe(9700);
    expect(p.currency).toBe('EUR');
    expect(p.timeZone).toBe('Europe/Rome');
    expect(p.access).toEqual({ until: { text: '2027-03-26T18:00 Europe/Rome', at: Date.UTC(2027, 2, 26, 17), timeZone: 'Europe/Rome' } });
    expect(p.sales.opens?.at).toBe(Date.UTC(2026, 10, 1, 8));
    expect(p.sales.closes).toBeUndefined();
    expect(p.cohorts).toEqual([]);
    expect(p.media).toEqual([
      { file: 'okr-workshop-sample.wav', type: 'audio/wav', title: { en: 'Workshop recording (sample)', it: 'Registrazione del workshop (estratto)' } },
      { file: 'okr-worksheet.pdf', type: 'application/pdf', title: { en: 'The one-page OKR worksheet (PDF)', it: 'Il foglio di lavoro OKR di una pagina (PDF, in inglese)' } },
    ]);
    expect(p.chapters.map((c) => c.at)).toEqual([0, 8, 16, 24]);
    expect(p.includes.en).toHaveLength(3);
    expect(p.testimonials.map((t) => t.author)).toEqual(['Marta Colombo', 'Daniel Weber']);
    expect(p.next).toBe('okr-coach');
    expect(p.title.it).toBe('OKR che sopravvivono a marzo: la registrazione del workshop');
  });

  it('reads the certification and its cohorts', () => {
    const p = parseProduct('okr-coach', sample('okr-coach.yaml'), 'content/products/okr-coach.yaml', opts);
    expect(p.kind).toBe('certification');
    expect(p.amount).toBe(120000);
    expect(p.timeZone).toBe('Europe/Rome');
    expect(p.access).toBeUndefined();
    expect(p.cohorts.map((c) => c.id)).toEqual(['spring-2027', 'autumn-2027']);
    const [spring, autumn] = p.cohorts;
    expect(spring!.starts.at).toBe(Date.UTC(2027, 2, 1, 8));
    expect(spring!.accessUntil.at).toBe(Date.UTC(2027, 8, 30, 21, 59)); // summer time
    expect(spring!.seats).toBe(12);
    expect(spring!.salesClose).toBeUndefined();
    expect(spring!.title).toEqual({ en: 'Spring 2027 cohort', it: 'Gruppo primavera 2027' });
    expect(autumn!.starts.at).toBe(Date.UTC(2027, 8, 20, 7));
    expect(autumn!.accessUntil.at).toBe(Date.UTC(2028, 2, 31, 21, 59)); // 2028 spring change is March 26
    expect(p.media).toEqual([]);
    expect(p.chapters).toEqual([]);
  });
});

describe('parseProduct: derived fields', () => {
  it('uses the explicit timeZone first, then the access deadline zone, then the site zone', () => {
    expect(parse(workshop('access: { until: "2027-03-26T18:00 America/New_York" }')).timeZone).toBe('America/New_York');
    expect(parse(workshop('access: { until: "2027-03-26T18:00 America/New_York" }\ntimeZone: Asia/Tokyo')).timeZone).toBe('Asia/Tokyo');
    expect(parse(workshop('access: { days: 30 }')).timeZone).toBe('Europe/Rome');
    expect(parseProduct('x', workshop('access: { days: 30 }'), FILE, { languages: ['en', 'it'], siteTimeZone: 'UTC' }).timeZone).toBe('UTC');
  });

  it('takes a certification zone from its first cohort', () => {
    const p = parse(certification(cohort('a', '2027-03-01T09:00 Asia/Tokyo', '2027-09-30T23:59 Asia/Tokyo')));
    expect(p.timeZone).toBe('Asia/Tokyo');
  });

  it('computes the amount in minor units and upper-cases the currency', () => {
    expect(parse(workshop(undefined, 'price: 19.99\ncurrency: eur'))).toMatchObject({ amount: 1999, currency: 'EUR' });
    expect(parse(workshop(undefined, 'price: 0.1\ncurrency: EUR')).amount).toBe(10);
    expect(parse(workshop(undefined, 'price: 5000\ncurrency: JPY')).amount).toBe(5000);
  });

  it('has no amount with only a Stripe price', () => {
    const p = parse(workshop(undefined, 'stripePrice: price_1Abc'));
    expect(p.stripePrice).toBe('price_1Abc');
    expect(p.amount).toBeUndefined();
  });

  it('fills defaults for the optional lists', () => {
    const p = parse(workshop());
    expect(p).toMatchObject({ includes: {}, sales: {}, cohorts: [], media: [], chapters: [], testimonials: [] });
  });

  it('accepts days as the access rule', () => {
    expect(parse(workshop('access: { days: 365 }')).access).toEqual({ days: 365 });
  });

  it('reads chapter times as m:ss or h:mm:ss seconds', () => {
    const p = parse(workshop('access: { days: 3 }\nchapters:\n  - { at: "1:05", title: { en: A } }\n  - { at: "1:02:03", title: { en: B } }'));
    expect(p.chapters.map((c) => c.at)).toEqual([65, 3723]);
  });

  it('accepts media by https URL and by plain file name', () => {
    const p = parse(workshop('access: { days: 3 }\nmedia:\n  - url: https://cdn.example.com/a.mp4\n  - { file: talk_v2.mp4, type: video/mp4 }'));
    expect(p.media).toEqual([{ url: 'https://cdn.example.com/a.mp4' }, { file: 'talk_v2.mp4', type: 'video/mp4' }]);
  });

  it('reads a cohort salesClose', () => {
    const p = parse(certification('  - { id: a, starts: "2027-03-01T09:00 Europe/Rome", salesClose: "2027-02-20 Europe/Rome", accessUntil: "2027-09-30T23:59 Europe/Rome", seats: 3 }'));
    expect(p.cohorts[0]!.salesClose?.at).toBe(Date.UTC(2027, 1, 19, 23));
  });
});

describe('parseProduct: errors name the file and the field', () => {
  it('needs price or stripePrice', () => {
    expect(errorOf(workshop(undefined, ''))).toBe(`${FILE}: price: set price (with currency) or stripePrice`);
  });

  it('needs a currency with a price', () => {
    expect(errorOf(workshop(undefined, 'price: 97'))).toBe(`${FILE}: currency: is required with price`);
  });

  it('refuses a malformed currency, Stripe price or price', () => {
    expect(errorOf(workshop(undefined, 'price: 97\ncurrency: EURO'))).toContain(`${FILE}: currency: a three-letter ISO currency code`);
    expect(errorOf(workshop(undefined, 'stripePrice: prod_123'))).toContain(`${FILE}: stripePrice: a Stripe price id`);
    expect(errorOf(workshop(undefined, 'price: -5\ncurrency: EUR'))).toContain(`${FILE}: price:`);
    expect(errorOf(workshop(undefined, 'price: "97"\ncurrency: EUR'))).toContain(`${FILE}: price:`);
  });

  it('needs an access rule for a workshop', () => {
    expect(errorOf(workshop(''))).toMatch(new RegExp(`^${FILE}: access: a workshop needs an access rule`));
  });

  it('needs cohorts for a certification', () => {
    expect(errorOf(certification('  []'))).toBe(`${FILE}: cohorts: a certification needs at least one cohort`);
  });

  it('refuses cohorts on a workshop', () => {
    expect(errorOf(workshop(`access: { days: 3 }\ncohorts:\n${cohort('a')}`))).toBe(`${FILE}: cohorts: only a certification has cohorts`);
  });

  it('names access.until when its moment is not a moment', () => {
    const message = errorOf(workshop('access: { until: "next friday at six" }'));
    expect(message).toContain(FILE);
    expect(message).toContain('access.until');
    expect(message).toContain('is not a moment');
  });

  it('names the cohort field for a bad cohort moment', () => {
    expect(errorOf(certification(cohort('a', 'March 1st')))).toBe(
      `${FILE}: cohorts.0.starts: "March 1st" is not a moment like "2027-03-26T18:00 Europe/Rome" (date, time, IANA time zone)`,
    );
  });

  it('names sales.opens for a bad sales moment, and refuses closes before opens', () => {
    expect(errorOf(workshop('access: { days: 3 }\nsales: { opens: "2027-02-30 Europe/Rome" }'))).toContain(`${FILE}: sales.opens: "2027-02-30 Europe/Rome" is not a moment`);
    expect(errorOf(workshop('access: { days: 3 }\nsales: { opens: "2027-03-01 Europe/Rome", closes: "2027-02-01 Europe/Rome" }'))).toBe(`${FILE}: sales.closes: must be after opens`);
  });

  it('refuses a duplicate cohort id', () => {
    expect(errorOf(certification(`${cohort('spring')}\n${cohort('spring')}`))).toBe(`${FILE}: cohorts.1.id: duplicate cohort id "spring"`);
  });

  it('refuses a cohort whose access ends before (or when) it starts', () => {
    expect(errorOf(certification(cohort('a', '2027-03-01T09:00 Europe/Rome', '2027-02-01T09:00 Europe/Rome')))).toBe(`${FILE}: cohorts.0.accessUntil: must be after starts`);
    expect(errorOf(certification(cohort('a', '2027-03-01T09:00 Europe/Rome', '2027-03-01T09:00 Europe/Rome')))).toBe(`${FILE}: cohorts.0.accessUntil: must be after starts`);
  });

  it('refuses a bad cohort id', () => {
    expect(errorOf(certification(cohort('Spring_2027')))).toBe(`${FILE}: cohorts.0.id: use lowercase letters, digits and dashes`);
  });

  it('refuses an unknown top-level key (strict)', () => {
    const message = errorOf(workshop('access: { days: 3 }\npriceEUR: 97'));
    expect(message).toContain(FILE);
    expect(message).toContain('priceEUR');
  });

  it('refuses an unknown key inside a cohort', () => {
    const block = '  - id: a\n    starts: "2027-03-01T09:00 Europe/Rome"\n    accessUntil: "2027-09-30T23:59 Europe/Rome"\n    seats: 12\n    capacity: 3';
    const message = errorOf(certification(block));
    expect(message).toContain(`${FILE}: cohorts.0`);
    expect(message).toContain('capacity');
  });

  it('needs the default language in title, summary and description', () => {
    const noEnTitle = workshop().replace('title: { en: Title, it: Titolo }', 'title: { it: Titolo }');
    expect(errorOf(noEnTitle)).toBe(`${FILE}: title.en: is required (the default language)`);
    expect(errorOf(workshop().replace('summary: { en: Summary }', 'summary: { it: Sommario }'))).toBe(`${FILE}: summary.en: is required (the default language)`);
  });

  it('takes the first language as the default', () => {
    const noEnTitle = workshop().replace('title: { en: Title, it: Titolo }', 'title: { it: Titolo }').replace('summary: { en: Summary }', 'summary: { it: S }').replace('description: { en: Description }', 'description: { it: D }');
    expect(parseProduct('x', noEnTitle, FILE, { languages: ['it', 'en'], siteTimeZone: 'Europe/Rome' }).title).toEqual({ it: 'Titolo' });
  });

  it('refuses a text in a language the site does not have', () => {
    expect(errorOf(workshop().replace('description: { en: Description }', 'description: { en: Description, fr: La description }'))).toBe(
      `${FILE}: description.fr: "fr" is not one of the site's languages (en, it)`,
    );
  });

  it('refuses an empty text', () => {
    expect(errorOf(workshop().replace('title: { en: Title, it: Titolo }', 'title: { en: "" }'))).toContain(`${FILE}: title.en:`);
  });

  it('needs the default language in a chapter title too', () => {
    errorOf(workshop('access: { days: 3 }\nchapters:\n  - { at: "0:00", title: { it: Introduzione } }'));
  });

  it('refuses invalid YAML', () => {
    expect(errorOf(workshop('access: { days: 3\n'))).toMatch(new RegExp(`^${FILE}: not valid YAML: `));
  });

  it('refuses YAML that is not a mapping', () => {
    expect(errorOf('- just\n- a list\n')).toContain(`${FILE}: (root):`);
    expect(errorOf('')).toContain(`${FILE}: (root):`);
  });

  it.each(['OKR-Workshop', 'okr_workshop', '-okr', '', 'a'.repeat(64), 'okr.workshop'])('refuses the product id %j from the file name', (id) => {
    expect(errorOf(workshop(), id)).toBe(`${FILE}: the file name must be a product id (lowercase letters, digits, dashes)`);
  });

  it('accepts a 63-character product id', () => {
    expect(parse(workshop(), 'a'.repeat(63)).id).toBe('a'.repeat(63));
  });

  it.each(['../secret.mp4', 'a/b.mp4', '.hidden.mp4', 'a..mp4', 'my talk.mp4'])('refuses the media file name %j', (file) => {
    expect(errorOf(workshop(`access: { days: 3 }\nmedia:\n  - file: "${file}"`))).toMatch(new RegExp(`^${FILE}: media\\.0\\.file: a plain file name`));
  });

  it('refuses a media URL that is http, not https', () => {
    expect(errorOf(workshop('access: { days: 3 }\nmedia:\n  - url: http://cdn.example.com/a.mp4'))).toBe(`${FILE}: media.0.url: must be an https URL`);
  });

  it('refuses a bad media type', () => {
    expect(errorOf(workshop('access: { days: 3 }\nmedia:\n  - { file: a.exe, type: application/x-msdownload }'))).toContain(`${FILE}: media.0`);
  });

  it('refuses a bad chapter time', () => {
    expect(errorOf(workshop('access: { days: 3 }\nchapters:\n  - { at: "5 min", title: { en: A } }'))).toBe(`${FILE}: chapters.0.at: "5 min" is not a time like 1:05 or 1:02:03`);
  });

  it('refuses an unknown time zone', () => {
    expect(errorOf(workshop('access: { days: 3 }\ntimeZone: Mars/Olympus'))).toBe(`${FILE}: timeZone: not a known IANA time zone`);
  });

  it('refuses next pointing at itself, or a malformed next', () => {
    expect(errorOf(workshop('access: { days: 3 }\nnext: test-product'))).toBe(`${FILE}: next: cannot be the product itself`);
    expect(errorOf(workshop('access: { days: 3 }\nnext: Other'))).toContain(`${FILE}: next:`);
  });

  it('refuses an unknown kind', () => {
    expect(errorOf(workshop().replace('kind: workshop', 'kind: ebook'))).toContain(`${FILE}: kind:`);
  });
});

describe('minorUnitFactor', () => {
  it('is 100 for EUR and USD, 1 for JPY, 1000 for BHD', () => {
    expect(minorUnitFactor('EUR')).toBe(100);
    expect(minorUnitFactor('USD')).toBe(100);
    expect(minorUnitFactor('JPY')).toBe(1);
    expect(minorUnitFactor('BHD')).toBe(1000);
  });
});

describe('pick', () => {
  const texts = { en: 'Hello', it: 'Ciao' };
  it('picks the language, then falls back to the default, then to empty', () => {
    expect(pick(texts, 'it', 'en')).toBe('Ciao');
    expect(pick(texts, 'de', 'en')).toBe('Hello');
    expect(pick({ en: 'Hello' }, 'it', 'en')).toBe('Hello');
    expect(pick({ it: 'Ciao' }, 'de', 'en')).toBe('');
    expect(pick(undefined, 'it', 'en')).toBe('');
  });
});

describe('salesSection', () => {
  it('is workshops/ for a workshop and certification/ for a certification', () => {
    expect(salesSection({ kind: 'workshop' })).toBe('workshops');
    expect(salesSection({ kind: 'certification' })).toBe('certification');
  });
});
