import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { prepareDatabase } from '../lib/core/db/migrate.server.ts';
import { exportSubscribersCsv, importSubscribersCsv } from '../lib/newsletter/import-export.server.ts';
import { getSite } from '../lib/core/site.server.ts';
import { isLang } from '../i18n/lang.ts';
import { type Command, fileError, UsageError } from './shared.ts';

export const subscriberCommands: Record<string, Command> = {
  'subscribers import': {
    summary: 'import a CSV export from Substack, Ghost, Mailchimp, Buttondown or Drumbeat',
    usage: 'drumbeat subscribers import FILE.csv [--lang it]\n\n--lang is the language of rows that name none (a language or lang column is read where the file has one); default: the site\'s default language.',
    options: { lang: { type: 'string' } },
    async run({ values, positionals }) {
      if (positionals.length !== 1) throw new UsageError('give exactly one CSV file');
      const site = getSite();
      const defaultLang = values.lang === undefined ? site.defaultLanguage : values.lang;
      if (!isLang(defaultLang, site.languages)) throw new UsageError(`--lang must be one of: ${site.languages.join(', ')}`);
      let text: string;
      try {
        text = readFileSync(positionals[0]!, 'utf8');
      } catch (err) {
        throw fileError('read', positionals[0]!, err);
      }
      await prepareDatabase();
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
      await prepareDatabase();
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
};
