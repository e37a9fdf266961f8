import type { NoticeOutcome } from '../lib/access/notices.server.ts';
import { nowMs } from '../lib/core/clock.ts';
import { type Command, UsageError } from './shared.ts';

// Each command loads what it uses when it runs (decision 031): the notices (React Email and its
// templates) only with --notify, so `access list` starts without them.
const grants = () => import('../lib/access/grants.server.ts');
const notices = () => import('../lib/access/notices.server.ts');
const database = () => import('../lib/core/db/migrate.server.ts').then((m) => m.prepareDatabase());

// In the site's zone with its offset: the author reads local time, a script still gets an exact ISO moment.
// Each moment is worded once: a product's buyers share its deadline, and wording one costs ~0.1 ms.
async function accessUntilText(): Promise<(at: number | null) => string> {
  const [{ getSite }, { isoMomentIn }] = await Promise.all([import('../lib/core/site.server.ts'), import('../lib/core/time.ts')]);
  const worded = new Map<number, string>();
  return (at) => {
    if (at === null) return 'never';
    let text = worded.get(at);
    if (text === undefined) worded.set(at, (text = isoMomentIn(at, getSite().timeZone)));
    return text;
  };
}

// The change is saved before the email is tried; a failed email is a warning, not a failed command.
function reportNotice(outcome: NoticeOutcome): void {
  if (outcome.sent) console.log(`Emailed the buyer about it (${outcome.lang}).`);
  else console.error(`drumbeat: the email to the buyer did not go out (${outcome.reason}); the change stands.`);
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const [{ GrantError }, { ProductError }] = await Promise.all([grants(), import('../lib/catalog/product.ts')]);
    if (err instanceof GrantError || err instanceof ProductError) throw new UsageError(err.message);
    throw err;
  }
}

export const accessCommands: Record<string, Command> = {
  'access grant': {
    summary: 'give (or extend) access to a product without a payment',
    usage: 'drumbeat access grant EMAIL PRODUCT [--until 2027-04-30T18:00|never] [--cohort ID] [--notify]\n\n--until defaults to the product\'s own rule; a time without a zone is in the product\'s time zone.\n--notify emails the buyer, in their language, what changed and where to find it.',
    options: { until: { type: 'string' }, cohort: { type: 'string' }, notify: { type: 'boolean' } },
    async run({ values, positionals }) {
      if (positionals.length !== 2) throw new UsageError('give an email and a product id, e.g. drumbeat access grant ann@example.com okr-workshop-2027-03');
      await database();
      const { grantAccess } = await grants();
      const r = await guarded(() =>
        grantAccess({ email: positionals[0]!, productId: positionals[1]!, until: values.until as string | undefined, cohortId: values.cohort as string | undefined }),
      );
      const until = r.accessUntil === null ? 'with no end date' : `until ${(await accessUntilText())(r.accessUntil)}`;
      console.log(`${r.created ? 'Granted' : 'Updated the grant of'} ${r.email} access to ${r.product.id}${r.cohortId ? ` (cohort ${r.cohortId})` : ''} ${until}.`);
      if (values.notify) {
        const { grantNotice, sendAccessNotice } = await notices();
        reportNotice(await sendAccessNotice(grantNotice(r)));
      }
    },
  },
  'access revoke': {
    summary: 'take away access to a product (purchases and grants)',
    usage: 'drumbeat access revoke EMAIL PRODUCT [--notify]\n\n--notify emails the buyer, in their language, that their access has ended.',
    options: { notify: { type: 'boolean' } },
    async run({ values, positionals }) {
      if (positionals.length !== 2) throw new UsageError('give an email and a product id, e.g. drumbeat access revoke ann@example.com okr-workshop-2027-03');
      await database();
      const { revokeAccessRows } = await grants();
      const r = await guarded(() => revokeAccessRows({ email: positionals[0]!, productId: positionals[1]! }));
      const count = r.purchaseIds.length;
      console.log(count === 0 ? `${positionals[0]} had no access to ${positionals[1]}; nothing changed.` : `Revoked ${count} purchase${count === 1 ? '' : 's'} or grant${count === 1 ? '' : 's'} of ${positionals[1]} for ${r.email}.`);
      if (values.notify) {
        const { revokeNotice, sendAccessNotice } = await notices();
        const notice = revokeNotice(r);
        if (notice) reportNotice(await sendAccessNotice(notice));
      }
    },
  },
  'access list': {
    summary: 'one line per purchase or grant: email, product, status, access-until (tab-separated)',
    usage: 'drumbeat access list [EMAIL]',
    options: {},
    async run({ positionals }) {
      if (positionals.length > 1) throw new UsageError('give at most one email address');
      await database();
      const [{ listAccess }, { hasAccess }, untilText] = await Promise.all([grants(), import('../lib/catalog/availability.ts'), accessUntilText()]);
      const rows = await guarded(() => listAccess(positionals[0]));
      const now = nowMs();
      // One write for the whole list, not a console.log (and a write to the pipe) per line.
      let text = '';
      for (const r of rows) {
        const live = hasAccess(r, now) ? '' : r.status === 'paid' || r.status === 'granted' ? '\tended' : '';
        text += `${r.email}\t${r.productId}${r.cohortId ? `/${r.cohortId}` : ''}\t${r.status}\t${untilText(r.accessUntil)}${live}\n`;
      }
      if (text) process.stdout.write(text);
      if (rows.length === 0 && process.stdout.isTTY) console.error('No purchases or grants.');
    },
  },
};
