import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.server.ts';

describe('environment', () => {
  it('serves the embedded defaults when nothing is set', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 4321, HOST: 'localhost', SITE_URL: 'http://localhost:4321', DATA_DIR: 'data', DRUMBEAT_SCHEDULER: 'on' });
    expect(env.DATABASE_URL).toBe('file:data/drumbeat.db');
    expect(env.ADMIN_EMAILS).toEqual([]);
  });

  it('follows DATA_DIR for the embedded database', () => {
    expect(parseEnv({ DATA_DIR: '/tmp/x' }).DATABASE_URL).toBe('file:/tmp/x/drumbeat.db');
  });

  it.each([
    [{ SITE_URL: 'not a url' }, /^Invalid configuration: SITE_URL /],
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT /],
    [{ DATABASE_URL: 'postgres://x' }, /^Invalid configuration: DATABASE_URL /],
    [{ STRIPE_SECRET_KEY: 'sk_test_123' }, /^Invalid configuration: STRIPE_WEBHOOK_SECRET is required/],
    [{ DRUMBEAT_SCHEDULER: 'maybe' }, /^Invalid configuration: DRUMBEAT_SCHEDULER /],
    [{ ADMIN_EMAILS: 'a@example.com, nope' }, /^Invalid configuration: ADMIN_EMAILS /],
    [{ EMAIL_FROM: 'Bad\r\nBcc: x@y.z <a@b.c>' }, /^Invalid configuration: EMAIL_FROM /],
    [{ APP_SECRET_PREVIOUS: `${'o'.repeat(40)},short` }, /^Invalid configuration: APP_SECRET_PREVIOUS /],
    [{ DRUMBEAT_TEST_CLOCK: 'on', NODE_ENV: 'production' }, /^Invalid configuration: DRUMBEAT_TEST_CLOCK must not be "on" with NODE_ENV=production/],
  ])('refuses %o with one line naming the variable', (source, message) => {
    expect(() => parseEnv(source)).toThrow(message);
    try {
      parseEnv(source);
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('normalises lists and origins', () => {
    const env = parseEnv({ ADMIN_EMAILS: 'A@Example.com, b@example.com', SITE_URL: 'https://notes.example.com/' });
    expect(env.ADMIN_EMAILS).toEqual(['a@example.com', 'b@example.com']);
    expect(env.SITE_URL).toBe('https://notes.example.com');
    expect(parseEnv({ APP_SECRET_PREVIOUS: ` ${'a'.repeat(32)} ,, ${'b'.repeat(32)}` }).APP_SECRET_PREVIOUS).toEqual(['a'.repeat(32), 'b'.repeat(32)]);
    expect(parseEnv({}).APP_SECRET_PREVIOUS).toEqual([]);
  });
});
