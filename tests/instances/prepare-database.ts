// A child process that only brings DATABASE_URL to the current schema (the migration race test).
import { prepareDatabase } from '../../src/lib/core/db/migrate.server.ts';
import { closeDb } from '../../src/lib/core/db/client.server.ts';

await prepareDatabase();
closeDb();
