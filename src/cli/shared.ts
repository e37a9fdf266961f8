import type { ParseArgsConfig } from 'node:util';

/** A mistake in what the user typed: one line, exit 1. */
export class UsageError extends Error {}

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<void> | void;
}

/** Progress on a terminal only: a line rewritten in place; nothing when output is piped. */
export function progressLine(what: string) {
  if (!process.stdout.isTTY) return undefined;
  return ({ sent, failed, recipients }: { sent: number; failed: number; recipients: number }) => {
    process.stdout.write(`\r${sent + failed}/${recipients} ${what}${failed ? ` (${failed} failed)` : ''}   `);
    if (sent + failed >= recipients) process.stdout.write('\n');
  };
}
