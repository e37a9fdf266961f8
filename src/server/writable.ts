import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Why `dir` cannot take a write, in one line, or undefined when it can. A real write, flushed:
 * a read-only mount, a full disk and missing permissions all fail here (access(2) would miss a
 * full disk), before the server answers its first request with a 500.
 */
export function unwritableReason(dir: string): string | undefined {
  const probe = path.join(dir, `.write-check-${process.pid}`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(probe, 'w');
    writeSync(fd, 'drumbeat');
    fsyncSync(fd);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code ?? e.message;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
      rmSync(probe, { force: true });
    }
  }
}
