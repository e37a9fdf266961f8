import { DEFAULT_SINCE, describePeriod, parsePeriod, PeriodError } from '../lib/payments/period.ts';
import type { ReconcileResult } from '../lib/payments/reconcile.server.ts';
import { type Command, UsageError } from './shared.ts';

// The Stripe SDK and the database load when the command runs, not for --help (decision 031).
const reconcile = () => import('../lib/payments/reconcile.server.ts');

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "2026-12-01T11:00:00+01:00 by the scheduler over 3 days: 2 fixed", the line the dashboard words too. */
async function lastRunLine(r: ReconcileResult | undefined): Promise<string> {
  if (!r) return 'Last reconciliation: never.';
  const [{ getSite }, { isoMomentIn }, { fixedCount }] = await Promise.all([import('../lib/core/site.server.ts'), import('../lib/core/time.ts'), reconcile()]);
  const when = `${isoMomentIn(r.startedAt, getSite().timeZone)} by ${r.by === 'scheduler' ? 'the scheduler' : 'the CLI'} over ${describePeriod(r.sinceMs)}`;
  return r.ok ? `Last reconciliation: ${when}: ${fixedCount(r)} fixed, ${r.failed} not applied.` : `Last reconciliation: ${when}: failed (${r.error}).`;
}

export const paymentCommands: Record<string, Command> = {
  'payments reconcile': {
    summary: 'apply what Stripe knows of a period (paid sessions, refunds, disputes) that webhooks missed',
    usage: `drumbeat payments reconcile [--since ${DEFAULT_SINCE}]\n\n--since: how far back to look, in hours, days or weeks (12h, 3d, 2w); default ${DEFAULT_SINCE}.\nSafe to run any number of times: what was already applied stays as it is. The scheduler runs it daily.`,
    options: { since: { type: 'string' } },
    async run({ values, positionals }) {
      if (positionals.length > 0) throw new UsageError(`unexpected "${positionals[0]}"; the only option is --since, e.g. drumbeat payments reconcile --since 3d`);
      let sinceMs: number;
      try {
        sinceMs = parsePeriod((values.since as string | undefined) ?? DEFAULT_SINCE);
      } catch (err) {
        if (err instanceof PeriodError) throw new UsageError(err.message);
        throw err;
      }
      const { paymentsEnabled } = await import('../lib/payments/stripe.server.ts');
      if (!paymentsEnabled()) {
        console.log('Stripe is not configured (STRIPE_SECRET_KEY is unset): nothing to reconcile.');
        return;
      }
      const [{ prepareDatabase }, { lastReconcile, reconcilePayments }] = await Promise.all([import('../lib/core/db/migrate.server.ts'), reconcile()]);
      await prepareDatabase();
      console.log(await lastRunLine(await lastReconcile()));
      console.log(`Reconciling with Stripe over the last ${describePeriod(sinceMs)}…`);
      const r = await reconcilePayments({ sinceMs, by: 'cli' });
      for (const line of r.lines) console.log(`  ${line}`);
      if (!r.ok) throw new UsageError(`${r.error}; nothing more was changed, run it again later`);
      console.log(
        `Checked ${plural(r.checked.sessions, 'completed Checkout Session')}, ${plural(r.checked.refunds, 'refund')} and ${plural(r.checked.disputes, 'dispute')}: ` +
          `fixed ${plural(r.fixed.purchases, 'purchase')}, ${plural(r.fixed.receipts, 'receipt')}, ${plural(r.fixed.revocations, 'refund or dispute', 'refunds or disputes')}.`,
      );
      if (r.failed > 0) throw new UsageError(`${plural(r.failed, 'item')} could not be applied (see above); run it again later`);
    },
  },
};
