import { vi } from 'vitest';

/**
 * What the one log writes to stderr (its warnings and errors, in the text format tests run with)
 * while `fn` runs.
 */
export async function errorsLoggedDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(...String(chunk).split('\n').filter(Boolean)), true));
  try {
    await fn();
  } finally {
    stderr.mockRestore();
  }
  return lines;
}
