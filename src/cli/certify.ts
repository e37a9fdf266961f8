import { type Command, UsageError } from './shared.ts';

// The author marks a participant qualified, or takes it back (docs/decisions/032). The modules
// load when the command runs, not for --help or a usage error (docs/decisions/031).
const certificates = () => import('../lib/access/certificates.server.ts');
const database = () => import('../lib/core/db/migrate.server.ts').then((m) => m.prepareDatabase());

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const [{ CertifyError }, { ProductError }] = await Promise.all([certificates(), import('../lib/catalog/product.ts')]);
    if (err instanceof CertifyError || err instanceof ProductError) throw new UsageError(err.message);
    throw err;
  }
}

async function revoke(positionals: string[]): Promise<void> {
  if (positionals.length !== 2) throw new UsageError('give an email and a product id, e.g. drumbeat certify revoke ann@example.com okr-coach');
  await database();
  const { revokeCertificate } = await certificates();
  const r = await guarded(() => revokeCertificate({ email: positionals[0]!, productId: positionals[1]! }));
  if (r.revoked.length === 0) console.log(`${r.email} holds no valid certificate of ${r.product.id}; nothing changed.`);
  else for (const c of r.revoked) console.log(`Revoked the certificate ${c.id} of ${r.email} for ${r.product.id}: its page now says it was revoked.`);
}

const USAGE = `drumbeat certify EMAIL PRODUCT [--name "Ada Lovelace"] [--no-email]
       drumbeat certify EMAIL PRODUCT --revoke      (or: drumbeat certify revoke EMAIL PRODUCT)

Marks a participant of a certification qualified: issues their certificate, a page at an
unguessable address in every language, and emails them the link in their language.
--name: the name to print; default the name their subscription carries (required when there is none).
--no-email: issue without emailing. Certifying someone already certified changes nothing.
--revoke: revoke their certificate; its page then says so (410) to anyone holding the link.`;

export const certifyCommands: Record<string, Command> = {
  certify: {
    summary: 'mark a participant qualified: their certificate and its email (--revoke takes it back)',
    usage: USAGE,
    options: { name: { type: 'string' }, revoke: { type: 'boolean' }, 'no-email': { type: 'boolean' } },
    async run({ values, positionals }) {
      if (values.revoke) {
        if (values.name !== undefined) throw new UsageError('--name does not go with --revoke');
        return revoke(positionals);
      }
      if (positionals.length !== 2) throw new UsageError('give an email and a product id, e.g. drumbeat certify ann@example.com okr-coach --name "Ann Rossi"');
      await database();
      const [{ certify, certificateView, sendCertificateEmail }, { toLang }, { getSite }] = await Promise.all([certificates(), import('../i18n/lang.ts'), import('../lib/core/site.server.ts')]);
      const r = await guarded(() => certify({ email: positionals[0]!, productId: positionals[1]!, name: values.name as string | undefined }));
      const c = r.certificate;
      const url = certificateView(c, toLang(c.lang, getSite())).url;
      if (!r.created) {
        console.log(`${c.email} is already certified for ${r.product.id} (since ${new Date(c.issuedAt).toISOString().slice(0, 10)}); nothing changed: ${url}`);
        return;
      }
      console.log(`Certified ${c.name} <${c.email}> for ${r.product.id}${c.cohortId ? ` (cohort ${c.cohortId})` : ''}: ${url}`);
      if (values['no-email']) return;
      const mail = await sendCertificateEmail(c);
      if (mail.sent) console.log(`Emailed the certificate to the participant (${mail.lang}).`);
      else console.error(`drumbeat: the email to the participant did not go out (${mail.reason}); the certificate stands.`);
    },
  },
  'certify revoke': {
    summary: 'revoke a participant\'s certificate (the same as certify … --revoke)',
    usage: 'drumbeat certify revoke EMAIL PRODUCT',
    options: {},
    run: ({ positionals }) => revoke(positionals),
  },
};
