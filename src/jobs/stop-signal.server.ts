// How a long-running process (`npm start`, `drumbeat worker`) hears that it should stop
// (docs/decisions/022).

/** What a stop may take: requests in flight and the batch of a send finish within it. */
export const STOP_GRACE_MS = 10_000;
/** How often a process started by npm looks whether npm (or its shell) is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Calls `stop` once: on the first SIGTERM or SIGINT, or when the npm or npx that started this
 * process has gone. Later signals are ignored rather than cutting the stop short: a Ctrl-C on a
 * terminal reaches this process twice (from the terminal, and forwarded by npm). npx runs its
 * command through `sh -c`, which dies of the SIGTERM it is forwarded instead of passing it on,
 * so a process started that way would otherwise be left running without a parent.
 */
export function onStopRequest(stop: (reason: string) => void): void {
  let requested = false;
  const once = (reason: string) => {
    if (requested) return;
    requested = true;
    clearInterval(watch);
    stop(reason);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => once(signal));
  const parent = process.ppid;
  const startedByNpm = Boolean(process.env.npm_lifecycle_event || process.env.DRUMBEAT_REEXEC);
  const watch = startedByNpm
    ? setInterval(() => {
        if (process.ppid !== parent) once('its parent process ended');
      }, PARENT_CHECK_MS)
    : undefined;
  watch?.unref();
}

/** true when `work` settled within `ms`, false when the time ran out first. */
export async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
