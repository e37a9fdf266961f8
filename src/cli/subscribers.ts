import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { nowMs } from '../lib/core/clock.ts';
import { checkEmail } from '../lib/core/email-address.ts';
import { type Command, fileError, UsageError } from './shared.ts';

// Each command loads what it uses when it runs, not for --help (decision 031).
const database = () => import('../lib/core/db/migrate.server.ts').then((m) => m.prepareDatabase());
const csv = () => import('../lib/newsletter/import-export.server.ts');

export const subscriberCommands: Record<string, Command> = {
  'subscribers import': {
    summary: 'import a CSV export from Substack, Ghost, Mailchimp, Buttondown or Drumbeat',
    usage: 'drumbeat subscribers import FILE.csv [--lang it]\n\n--lang is the language of rows that name none (a language or lang column is read where the file has one); default: the site\'s default language.',
    options: { lang: { type: 'string' } },
    async run({ values, positionals }) {
      if (positionals.length !== 1) throw new UsageError('give exactly one CSV file');
      const [{ getSite }, { isLang }, { importSubscribersCsv }] = await Promise.all([import('../lib/core/site.server.ts'), import('../i18n/lang.ts'), csv()]);
      const site = getSite();
      const defaultLang = values.lang === undefined ? site.defaultLanguage : values.lang;
      if (!isLang(defaultLang, site.languages)) throw new UsageError(`--lang must be one of: ${site.languages.join(', ')}`);
      let text: string;
      try {
        text = readFileSync(positionals[0]!, 'utf8');
      } catch (err) {
        throw fileError('read', positionals[0]!, err);
      }
      await database();
      const tty = process.stdout.isTTY;
      let report;
      try {
        report = await importSubscribersCsv(text, {
          defaultLang,
          languages: site.languages,
          onProgress: tty ? (done, total) => process.stdout.write(`\r${done}/${total} rows`) : undefined,
        });
      } catch (err) {
        throw new UsageError((err as Error).message.split('\n')[0]!);
      }
      if (tty) process.stdout.write('\n');
      console.log(`Format: ${report.format}. ${report.total} rows: ${report.imported} imported, ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped.length} skipped.`);
      for (const s of report.skipped) console.log(`  skipped line ${s.line} ${s.email || '(no address)'}: ${s.reason}`);
    },
  },
  'subscribers export': {
    summary: 'write every subscriber as CSV (standard output, or --out FILE); it imports back losslessly',
    usage: 'drumbeat subscribers export [--out subscribers.csv] [--force]\n\n--force replaces an existing file.',
    options: { out: { type: 'string' }, force: { type: 'boolean' } },
    async run({ values, positionals }) {
      if (positionals.length > 0) throw new UsageError('export takes no file argument; use --out FILE');
      await database();
      const { exportSubscribersCsv } = await csv();
      if (typeof values.out === 'string') {
        const out = values.out;
        const stream = createWriteStream(out, { flags: values.force ? 'w' : 'wx' });
        await once(stream, 'open').catch((err) => {
          throw fileError('write', out, err, (err as NodeJS.ErrnoException).code === 'EEXIST' ? ' (use --force)' : '');
        });
        const count = await exportSubscribersCsv(async (chunk) => {
          if (!stream.write(chunk)) await once(stream, 'drain');
        });
        stream.end();
        await once(stream, 'finish');
        console.error(`Wrote ${count} subscribers to ${values.out}.`);
        return;
      }
      await exportSubscribersCsv(async (chunk) => {
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      });
    },
  },
  'subscribers erase': {
    summary: 'erase an address everywhere at its owner\'s request (GDPR); keeps only a keyed hash and purchases by Stripe id',
    usage: 'drumbeat subscribers erase EMAIL\n\nRemoves the subscriber, their sign-ins and requests, and the address from the send ledger and from\npurchases, in one transaction. Keeps a keyed hash (so an import skips the address) and each\npurchase row by its Stripe id, for the invoice. Emails already in the outbox folder are not touched.',
    options: {},
    async run({ positionals }) {
      if (positionals.length !== 1) throw new UsageError('give exactly one address');
      const checked = checkEmail(positionals[0]);
      // A stored address failing today's rule can still be erased as written; only nonsense is refused.
      if (!checked.ok && !positionals[0]!.includes('@')) throw new UsageError(`${positionals[0]} is not an address: ${checked.message}`);
      await database();
      const { eraseAddress } = await import('../lib/admin/erasure.server.ts');
      const r = await eraseAddress(positionals[0]!, nowMs());
      const removed = r.removed;
      if (r.nothingFound) console.log('Nothing of this address was stored here.');
      else {
        console.log('Removed:');
        console.log(`  subscriber: ${removed.subscriber ? 'yes' : 'none'}`);
        console.log(`  newsletter ledger: address replaced in ${removed.ledgerRows} emails sent; ${removed.pendingLedgerRows} not yet sent taken out of their send`);
        console.log(`  subscribe requests: ${removed.subscribeRequests}; sessions: ${removed.sessions}; sign-in links: ${removed.signInLinks}; certificates: ${removed.certificates}; lessons marked done: ${removed.lessonProgress}`);
      }
      console.log('Kept:');
      console.log('  a keyed hash of the address (HMAC with this installation\'s secret), so `subscribers import` skips it');
      for (const p of r.kept.purchases) {
        console.log(`  purchase ${p.id} (${p.productId}, ${p.stripeId ?? p.source}): the row, for the invoice; the address replaced by "erased", access ended`);
      }
      if (!r.diskCleared) console.log('Note: the database was busy, so old copies of its pages may stay on disk until it is vacuumed (run this command again later).');
      console.log('Not touched: emails already written to the outbox folder, and what Stripe and Resend keep themselves.');
    },
  },
};
