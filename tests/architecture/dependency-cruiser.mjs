// The direction of dependencies between the folders of src/ and emails/ (docs/decisions/008).
// Checked in `npm test` by tests/architecture/layers.test.ts; by hand:
//   npx depcruise --config tests/architecture/dependency-cruiser.mjs src emails

const UPPER = '^src/(app|routes|pages|components|layouts|jobs|server|cli)/';
const lib = (...domains) => `^src/lib/(${domains.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules depend on each other one way; a cycle is a bug.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-below-the-app',
      comment: 'Domain logic never imports the pages, routes, components, jobs, server or CLI that use it.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: UPPER },
    },
    {
      name: 'core-imports-no-domain',
      comment: 'core (clock, env, site, db, http, time, money, address rule) is the bottom layer.',
      severity: 'error',
      from: { path: '^src/lib/core/' },
      to: { path: ['^src/i18n/', '^src/lib/(?!core/)'] },
    },
    {
      name: 'i18n-on-core-only',
      comment: 'Languages, paths, reader text and formats depend on core alone.',
      severity: 'error',
      from: { path: '^src/i18n/' },
      to: { path: ['^src/lib/(?!core/)', UPPER, '^emails/'] },
    },
    {
      name: 'email-below-the-domains',
      comment: 'Sending and rendering email knows no domain: the domains hand it what to say.',
      severity: 'error',
      from: { path: '^src/lib/email/' },
      to: { path: lib('catalog', 'notes', 'newsletter', 'payments', 'access', 'auth', 'admin') },
    },
    {
      name: 'catalog-imports-no-domain',
      comment: 'Products (schema, loader, availability, access-until, media location, paths) stand below every domain.',
      severity: 'error',
      from: { path: '^src/lib/catalog/' },
      to: { path: lib('notes', 'newsletter', 'payments', 'access', 'auth', 'admin') },
    },
    {
      name: 'notes-stand-alone',
      comment: 'The Notes know nothing of who reads, pays or signs in.',
      severity: 'error',
      from: { path: '^src/lib/notes/' },
      to: { path: lib('newsletter', 'payments', 'access', 'auth', 'admin') },
    },
    {
      name: 'newsletter-not-on-shop',
      comment: 'The newsletter never imports payments or access.',
      severity: 'error',
      from: { path: '^src/lib/newsletter/' },
      to: { path: lib('payments', 'access', 'auth', 'admin') },
    },
    {
      name: 'payments-never-access',
      comment: 'Payments record what was bought; access decides what that allows, on top of it.',
      severity: 'error',
      from: { path: '^src/lib/payments/' },
      to: { path: lib('access', 'newsletter', 'admin') },
    },
    {
      name: 'auth-on-core-and-email',
      comment: 'Sign-in and sessions: who may sign in is passed in, not looked up in a domain.',
      severity: 'error',
      from: { path: '^src/lib/auth/' },
      to: { path: lib('catalog', 'notes', 'newsletter', 'payments', 'access', 'admin') },
    },
    {
      name: 'access-below-admin',
      severity: 'error',
      from: { path: '^src/lib/access/' },
      to: { path: lib('admin') },
    },
    {
      name: 'admin-at-the-top',
      comment: 'The dashboard reads every domain; only the pages, their components and the CLI read the dashboard.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/lib/admin/', '^src/(routes|pages|components|cli)/'] },
      to: { path: lib('admin') },
    },
    {
      name: 'templates-never-query',
      comment: 'emails/ turns props into markup: it may use the reader text, nothing that reads data.',
      severity: 'error',
      from: { path: '^emails/' },
      to: { path: '^src/(?!i18n/)' },
    },
    {
      name: 'jobs-and-cli-beside-the-site',
      comment: 'The scheduler and the CLI call lib; they never reach into pages or routes.',
      severity: 'error',
      from: { path: '^src/(jobs|cli)/' },
      to: { path: '^src/(app|routes|pages|components|layouts)/' },
    },
    {
      name: 'imports-resolve',
      comment: 'Every relative import names a file that exists.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(astro:|virtual:)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may reach across layers to check them.
    exclude: { path: '(\\.test\\.ts$|^src/.*\\.d\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.astro'], exportsFields: ['exports'], conditionNames: ['import', 'types', 'node', 'default'] },
  },
};
