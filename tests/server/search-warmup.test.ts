import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSite, type RunningSite } from '../helpers/site.ts';

// `npm start` builds the search index once it listens (issue 13), so the first reader's search
// does not pay for indexing every Note. Its one log line says when it is ready.
let server: RunningSite;

beforeAll(async () => {
  server = await startSite(inject('sampleOutDir'));
});
afterAll(() => server?.stop());

describe('search warm-up', { timeout: 60_000 }, () => {
  it('indexes the Notes at start, before anyone searches, and the first search finds them', async () => {
    await expect.poll(() => server.logs(), { timeout: 30_000, interval: 200 }).toMatch(/search\.ready ms=\d+/);
    // Only /healthz was asked so far: the index was built by the start-up, not by a search.
    expect(server.logs()).not.toMatch(/search\.warm/);
    const html = await (await fetch(`${server.url}/search/?q=sticky`)).text();
    expect(html).toContain('data-note="194"');
  });
});
