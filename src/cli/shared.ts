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

const FILE_PROBLEMS: Record<string, string> = {
  EEXIST: 'it already exists',
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'the file system is read-only',
};

/** "cannot write all.csv: it already exists (use --force)": a file error in words, not a code. */
export function fileError(verb: 'read' | 'write', file: string, err: unknown, hint = ''): UsageError {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const words = FILE_PROBLEMS[code] ?? (err as Error)?.message?.split('\n')[0] ?? String(err);
  return new UsageError(`cannot ${verb} ${file}: ${words}${hint}`);
}
