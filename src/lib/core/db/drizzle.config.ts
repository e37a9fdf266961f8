import { defineConfig } from 'drizzle-kit';

// npx drizzle-kit generate --config src/lib/core/db/drizzle.config.ts
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/lib/core/db/schema.ts',
  out: './src/lib/core/db/migrations',
});
