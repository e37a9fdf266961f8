import { defineConfig } from 'drizzle-kit';

// npx drizzle-kit generate --config src/lib/db/drizzle.config.ts
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/lib/db/schema.ts',
  out: './src/lib/db/migrations',
});
