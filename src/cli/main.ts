import path from 'node:path';
import { parseArgs } from 'node:util';
import { nowMs } from '../lib/core/clock.ts';
import { accessCommands } from './access.ts';
import { certifyCommands } from './certify.ts';
import { dbCommands } from './db.ts';
import { newsletterCommands } from './newsletter.ts';
import { paymentCommands } from './payments.ts';
import { type Command, UsageError } from './shared.ts';
import { subscriberCommands } from './subscribers.ts';

function contentDir(): string {
  return path.resolve(process.env.DRUMBEAT_CONTENT_DIR ?? 'content');
}

function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v;
}

function noteNumber(value: string | undefined): number {
  if (!value || !/^\d{1,6}$/.test(value)) throw new UsageError(`expected a Note number such as 205, got "${value ?? ''}"`);
  return Number(value);
}

const commands: Record<string, Command> = {
  'note new': {
    summary: 'create the next Note, numbered and scheduled for the next newsletter slot',
    usage: 'drumbeat note new --lang en --title "Three steps to a goal you keep"',
    options: { lang: { type: 'string' }, title: { type: 'string' } },
    async run({ values }) {
      const [{ loadSiteConfig }, { createNote }] = await Promise.all([import('../lib/core/site.ts'), import('../lib/notes/authoring.ts')]);
      const site = loadSiteConfig(contentDir());
      const created = createNote(contentDir(), site, {
        lang: (values.lang as string | undefined) ?? site.defaultLanguage,
        title: required(values, 'title'),
        now: nowMs(),
      });
      console.log(`Created ${path.relative(process.cwd(), created.file)}: Note №${created.number}, draft, scheduled for ${created.date} ${site.timeZone}.`);
    },
  },
  'note translate': {
    summary: 'create the skeleton of a translation of Note <n>',
    usage: 'drumbeat note translate 205 --lang it [--title "Tre passi"]',
    options: { lang: { type: 'string' }, title: { type: 'string' } },
    async run({ values, positionals }) {
      if (positionals.length !== 1) throw new UsageError('give exactly one Note number, e.g. drumbeat note translate 205 --lang it');
      const [{ loadSiteConfig }, { createTranslation }] = await Promise.all([import('../lib/core/site.ts'), import('../lib/notes/authoring.ts')]);
      const site = loadSiteConfig(contentDir());
      const created = createTranslation(contentDir(), site, {
        number: noteNumber(positionals[0]),
        lang: required(values, 'lang'),
        title: values.title as string | undefined,
      });
      console.log(`Created ${path.relative(process.cwd(), created.file)}: translation skeleton of Note №${created.number}, draft.`);
      // The slug is the URL: it comes from a translated title only when one is given.
      if (created.keptSlug) console.log(`Its file name and URL keep the original's slug "${created.keptSlug}": give --title "<translated title>" to name them in ${values.lang as string}, or rename the file before it is published.`);
    },
  },
  ...newsletterCommands,
  ...subscriberCommands,
  ...accessCommands,
  ...certifyCommands,
  ...paymentCommands,
  ...dbCommands,
};

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    'drumbeat: the author\'s commands',
    '',
    'Usage: npx drumbeat <command> [options]   (add --help to any command)',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = [`${words[0]} ${words[1]}`, words[0] ?? ''].find((n) => n in commands);
  if (!name) {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || words[0] === 'help') {
      console.log(helpText());
      return argv.length === 0 ? 1 : 0;
    }
    console.error(`drumbeat: unknown command "${words.slice(0, 2).join(' ')}"; run "npx drumbeat --help" for the list`);
    return 1;
  }
  const command = commands[name]!;
  const rest = argv.slice(argv.indexOf(name.split(' ').at(-1)!) + 1);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${name}: ${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    // zod compiles a parser (new Function) for each object schema at its first parse: worth it in
    // a server that parses the same shapes all day, not in a command that checks its settings
    // once. Set before any schema is made: they read it when they are created (decision 038).
    (await import('zod')).z.config({ jitless: true });
    await command.run(parsed as never);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`drumbeat: ${err.message}`);
      return 1;
    }
    if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`drumbeat: ${err.message.split('\n')[0]} (see: npx drumbeat ${name} --help)`);
      return 1;
    }
    // Loaded here, not at the top: a usage error or --help loads no command's modules (decision 031).
    // A command that threw one of these has loaded its module already.
    const [{ EnvError }, { AuthoringError }] = await Promise.all([import('../lib/core/env.server.ts'), import('../lib/notes/authoring.ts')]);
    if (err instanceof AuthoringError || err instanceof EnvError) {
      console.error(`drumbeat: ${err.message}`);
      return 1;
    }
    if (err instanceof Error && 'code' in err && err.code === 'EEXIST') {
      console.error(`drumbeat: ${err.message}`);
      return 1;
    }
    if (err instanceof Error && /content\/site\.yaml|site\.yaml/.test(err.message)) {
      console.error(`drumbeat: ${err.message.split('\n')[0]}`);
      return 1;
    }
    throw err;
  }
}
