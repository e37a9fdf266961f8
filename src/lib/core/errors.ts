import { DrizzleQueryError } from 'drizzle-orm/errors';

/**
 * An error as one line fit for logs and messages. A failed query's own message quotes the SQL and
 * every parameter (addresses among them), so it is replaced by what the database said.
 */
export function describeError(err: unknown): string {
  const root = err instanceof DrizzleQueryError && err.cause instanceof Error ? err.cause : err;
  const message = root instanceof Error ? root.message : String(root);
  return message.split('\n')[0]!.slice(0, 500);
}
