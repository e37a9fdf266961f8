import { closeDb } from '../lib/core/db/client.server.ts';
import { prepareDatabase } from '../lib/core/db/migrate.server.ts';
import { log } from '../lib/core/log.server.ts';
import { announcePresence } from '../lib/core/db/presence.server.ts';
import { startScheduler } from './scheduler.server.ts';
import { onStopRequest, STOP_GRACE_MS, within } from './stop-signal.server.ts';

/**
 * `drumbeat worker`: the jobs without the web server, until a stop is asked for (as `npm start`
 * stops, docs/decisions/022). false when the work in hand did not finish within STOP_GRACE_MS.
 */
export async function runWorker(onStarted: () => void): Promise<boolean> {
  await prepareDatabase();
  // Until it stops, `drumbeat db restore` refuses to replace the database under this worker.
  const presence = await announcePresence('worker');
  const scheduler = startScheduler();
  onStarted();
  // Nothing else keeps the process alive between ticks (the scheduler's timer does not hold it).
  const alive = setInterval(() => undefined, 3_600_000);
  const reason = await new Promise<string>((resolve) => onStopRequest(resolve));
  clearInterval(alive);
  log.info('worker.stop', { reason, message: `finishing the jobs in hand, at most ${STOP_GRACE_MS / 1000} s` });
  const finished = await within(STOP_GRACE_MS, scheduler.stop());
  await within(2_000, presence.stop());
  closeDb();
  return finished;
}
