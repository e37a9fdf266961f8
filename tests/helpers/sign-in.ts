import { expect } from 'vitest';
import { readOutbox } from '../../src/lib/email/outbox.server.ts';

/**
 * The emailed-link sign-in, as a browser would do it: POST /login, the link from the outbox (the
 * test process reads the server's DATA_DIR), POST the link. Returns the session cookie's value.
 */
export async function emailedSignIn(serverUrl: string, email: string, lang = ''): Promise<string> {
  const earlier = new Set(readOutbox(500).map((m) => m.name));
  const res = await fetch(`${serverUrl}${lang}/login/`, { method: 'POST', headers: { origin: serverUrl, 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}` });
  expect(res.status).toBe(200);
  let link: string | undefined;
  await expect
    .poll(
      () => {
        const mail = readOutbox(100).find((m) => m.to === email && !earlier.has(m.name) && /\/login\/verify\?token=/.test(m.html));
        link = mail && /https?:\/\/[^\s"<>]+\/login\/verify\?token=[A-Za-z0-9_-]{43}/.exec(mail.html)![0].replace(/^https?:\/\/[^/]+/, serverUrl);
        return link;
      },
      { timeout: 30_000, interval: 50, message: `sign-in email to ${email}` },
    )
    .toBeDefined();
  const verify = await fetch(link!, { method: 'POST', redirect: 'manual', headers: { origin: serverUrl } });
  expect(verify.status).toBe(303);
  const cookie = /drumbeat_session=([^;]+)/.exec(verify.headers.get('set-cookie') ?? '')?.[1];
  expect(cookie).toBeDefined();
  return cookie!;
}

/** One session per address for a whole file: sign-in links back off after three at once. */
export function sessionsFor(serverUrl: () => string): (email: string) => Promise<string> {
  const sessions = new Map<string, Promise<string>>();
  return (email) => {
    if (!sessions.has(email)) sessions.set(email, emailedSignIn(serverUrl(), email));
    return sessions.get(email)!;
  };
}
