import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setupServer } from 'msw/node';
import PostalMime from 'postal-mime';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { parseSiteConfig } from '../../src/lib/core/site.ts';
import { outboxDir, readOutbox, writeToOutbox } from '../../src/lib/email/outbox.server.ts';
import { renderConfirmEmail } from '../../src/lib/email/render.server.ts';
import { sendEmail } from '../../src/lib/email/transport.server.ts';
import { newsletterCommands } from '../../src/cli/newsletter.ts';
import { FakeResend, resendHandlers } from '../mocks/fake-resend.ts';
import { ROOT, tempContent } from '../helpers/content.ts';
import { useTempDatabase } from '../helpers/db.ts';

// The outbox .eml is what a mail server would be handed: checked here with a full MIME parser
// (postal-mime), not with the outbox's own reader. docs/decisions/016.

const NOW = Date.parse('2026-11-25T12:00:00Z');
const ACCENTED = 'Giulia Ferrì — Note del lunedì';

/** content/site.yaml with another sender name (and maybe a reply address). */
function contentWith(senderName: string, replyTo?: string): string {
  const dir = tempContent({}, { withSampleNotes: true });
  const file = path.join(dir, 'site.yaml');
  let yaml = readFileSync(file, 'utf8').replace(/senderName: .*/, `senderName: ${JSON.stringify(senderName)}`);
  if (replyTo) yaml = yaml.replace(/(senderName: .*)/, `$1\n  replyTo: ${replyTo}`);
  writeFileSync(file, yaml);
  return dir;
}

const emlFiles = () => readOutbox(50).map((e) => readFileSync(path.join(outboxDir(), `${e.name}.eml`), 'utf8'));

/** RFC 5322 / 2047 shape of the raw message: what SpamAssassin and strict parsers look at. */
function expectWellFormed(raw: string) {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  for (const line of raw.split('\r\n')) expect(line.length, line.slice(0, 60)).toBeLessThanOrEqual(998);
  for (const line of head.split('\r\n')) {
    expect(line, 'raw 8-bit in a header').toMatch(/^[\x20-\x7e\t]*$/);
    // Headers are folded near 78 columns unless one unbreakable token (a URL) is longer.
    if (line.length > 78) expect(line.trim(), 'an unfolded header').not.toMatch(/\s/);
  }
  for (const word of head.match(/=\?[^?\s]+\?[BQbq]\?[^?\s]*\?=/g) ?? []) expect(word.length, word).toBeLessThanOrEqual(75);
  const date = /^Date: (.+)$/m.exec(head)?.[1];
  expect(date).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
}

beforeEach(() => {
  setNow(NOW);
  return () => resetClock();
});

describe('the outbox .eml', () => {
  it('is well-formed MIME: folded headers, short encoded words, RFC 5322 Date; a parser reads it back whole', async () => {
    await useTempDatabase({ DRUMBEAT_CONTENT_DIR: contentWith(ACCENTED), EMAIL_FROM: 'notes@example.com' });
    delete process.env.RESEND_API_KEY;
    const subject = 'Nota №205: Tre passi verso un obiettivo che mantieni, anche quando la settimana è piena di riunioni';
    const email = await renderConfirmEmail({ lang: 'it', siteTitle: 'Drumbeat', authorName: 'Giulia', confirmUrl: 'https://drumbeat.example/subscribe/confirm?token=abc' });
    const unsubscribe = `https://drumbeat.example/unsubscribe?token=${'t'.repeat(180)}`;
    await writeToOutbox({ to: 'ada@example.com', ...email, subject, headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }, 'mime-1');
    const [raw] = emlFiles();
    expectWellFormed(raw!);
    const parsed = await PostalMime.parse(raw!);
    expect(parsed.subject).toBe(subject);
    expect(parsed.from).toEqual({ name: ACCENTED, address: 'notes@example.com' });
    expect(parsed.to).toEqual([{ name: '', address: 'ada@example.com' }]);
    expect(new Date(parsed.date!).getTime()).toBe(NOW);
    expect(parsed.html?.trimEnd()).toBe(email.html);
    expect(parsed.text?.trim()).toBe(email.text.trim());
    expect(parsed.headers.find((h) => h.key === 'list-unsubscribe')?.value).toBe(`<${unsubscribe}>`);
    // The outbox's own reader (/dev/outbox, the tests) agrees with the parser.
    const [entry] = readOutbox();
    expect(entry).toMatchObject({ to: 'ada@example.com', subject, html: email.html });
    expect(entry!.headers.from).toBe(`${ACCENTED} <notes@example.com>`);
    expect(entry!.headers['list-unsubscribe']).toBe(`<${unsubscribe}>`);
  });
});

describe('the sender', () => {
  it('takes the From name from site.yaml when EMAIL_FROM is only an address, and sets Reply-To', async () => {
    await useTempDatabase({ DRUMBEAT_CONTENT_DIR: contentWith(ACCENTED, 'giulia@example.com'), EMAIL_FROM: 'notes@example.com' });
    delete process.env.RESEND_API_KEY;
    await sendEmail({ to: 'ada@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' });
    const parsed = await PostalMime.parse(emlFiles()[0]!);
    expect(parsed.from).toEqual({ name: ACCENTED, address: 'notes@example.com' });
    expect(parsed.replyTo).toEqual([{ name: ACCENTED, address: 'giulia@example.com' }]);
  });

  it('with nothing set: the sample site.yaml sender name, replies to the From address', async () => {
    await useTempDatabase({ DRUMBEAT_CONTENT_DIR: path.join(ROOT, 'content') });
    delete process.env.RESEND_API_KEY;
    delete process.env.EMAIL_FROM;
    const { resetEnvCache } = await import('../../src/lib/core/env.server.ts');
    resetEnvCache();
    await sendEmail({ to: 'ada@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' });
    const parsed = await PostalMime.parse(emlFiles()[0]!);
    expect(parsed.from).toEqual({ name: 'Giulia Ferri', address: 'notes@drumbeat.localhost' });
    expect(parsed.replyTo).toEqual([{ name: 'Giulia Ferri', address: 'notes@drumbeat.localhost' }]);
  });

  it("EMAIL_FROM's own display name wins over site.yaml's", async () => {
    await useTempDatabase({ DRUMBEAT_CONTENT_DIR: contentWith(ACCENTED), EMAIL_FROM: '"Drumbeat (staging)" <staging@example.com>' });
    delete process.env.RESEND_API_KEY;
    await sendEmail({ to: 'ada@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' });
    const parsed = await PostalMime.parse(emlFiles()[0]!);
    expect(parsed.from).toEqual({ name: 'Drumbeat (staging)', address: 'staging@example.com' });
  });

  it('hands Resend the name as written, quoted where RFC 5322 needs it, and reply_to', async () => {
    const fake = new FakeResend();
    const server = setupServer(...resendHandlers({ handle: (r: Request) => fake.handle(r) } as FakeResend));
    server.listen({ onUnhandledFrame: 'error' } as never);
    try {
      await useTempDatabase({ DRUMBEAT_CONTENT_DIR: contentWith('Ferrì, Giulia', 'giulia@example.com'), EMAIL_FROM: 'notes@example.com', RESEND_API_KEY: 're_test_key' });
      await sendEmail({ to: 'ada@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' });
      expect(fake.emails[0]).toMatchObject({ from: '"Ferrì, Giulia" <notes@example.com>', replyTo: '"Ferrì, Giulia" <giulia@example.com>' });
      await useTempDatabase({ DRUMBEAT_CONTENT_DIR: contentWith('Giulia Ferrì'), EMAIL_FROM: 'notes@example.com', RESEND_API_KEY: 're_test_key' });
      await sendEmail({ to: 'ada@example.com', subject: 'Hello', html: '<p>Hi</p>', text: 'Hi' });
      expect(fake.emails[1]).toMatchObject({ from: 'Giulia Ferrì <notes@example.com>', replyTo: 'Giulia Ferrì <notes@example.com>' });
    } finally {
      server.close();
      delete process.env.RESEND_API_KEY;
    }
  });

  it('site.yaml: replyTo must be an address; the sample file stays valid', () => {
    const yaml = readFileSync(path.join(ROOT, 'content', 'site.yaml'), 'utf8');
    expect(parseSiteConfig(yaml).newsletter.senderName).toBe('Giulia Ferri');
    expect(() => parseSiteConfig(yaml.replace(/(senderName: .*)/, '$1\n  replyTo: not-an-address'))).toThrow(/newsletter\.replyTo: email is not a valid address/);
    expect(parseSiteConfig(yaml.replace(/(senderName: .*)/, '$1\n  replyTo: Giulia@Example.com')).newsletter.replyTo).toBe('giulia@example.com');
  });
});

describe('newsletter send --test', () => {
  it('marks the copy as a test, and its unsubscribe link and header lead to a preview page that changes nothing', async () => {
    await useTempDatabase({ DRUMBEAT_CONTENT_DIR: path.join(ROOT, 'content'), SITE_URL: 'https://drumbeat.example', EMAIL_FROM: 'notes@example.com' });
    delete process.env.RESEND_API_KEY;
    const log = console.log;
    console.log = () => {};
    try {
      await newsletterCommands['newsletter send']!.run({ values: { note: '205', lang: 'it', test: 'me@example.com' }, positionals: [] });
    } finally {
      console.log = log;
    }
    const [mail] = readOutbox().filter((m) => m.to === 'me@example.com');
    const preview = 'https://drumbeat.example/unsubscribe?preview=1&lang=it';
    expect(mail!.subject).toBe('[Test] Nota №205: Tre passi verso un obiettivo che mantieni');
    expect(mail!.html).toContain(`<title>${mail!.subject}</title>`);
    expect(mail!.headers['list-unsubscribe']).toBe(`<${preview}>`);
    expect(mail!.html).toContain(`href="${preview.replace('&', '&amp;')}"`);
    expect(mail!.text).toContain(preview);
    expect(mail!.html).not.toContain('token=');
    expect(mail!.text).not.toContain('UNSUBSCRIBE_URL_PLACEHOLDER');
  });
});

afterAll(() => {
  delete process.env.DRUMBEAT_CONTENT_DIR;
});
