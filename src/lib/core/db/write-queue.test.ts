import { describe, expect, it } from 'vitest';
import { inBackground, serializeWrites } from './client.server.ts';

describe('serializeWrites', () => {
  it('runs one write at a time, and a write a visitor waits for before queued background writes', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running = 0;
    const write = (name: string, wait?: Promise<void>) => async () => {
      running++;
      expect(running).toBe(1);
      await wait;
      order.push(name);
      running--;
    };
    const first = serializeWrites(write('first', gate));
    const background = [inBackground(() => serializeWrites(write('email 1'))), inBackground(() => serializeWrites(write('email 2')))];
    const answer = serializeWrites(write('answer'));
    release();
    await Promise.all([first, ...background, answer]);
    expect(order).toEqual(['first', 'answer', 'email 1', 'email 2']);
  });

  it('keeps going after a write that fails or throws at once', async () => {
    await expect(serializeWrites(async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    await expect(
      serializeWrites(() => {
        throw new Error('bad statement');
      }),
    ).rejects.toThrow('bad statement');
    await expect(serializeWrites(async () => 'next')).resolves.toBe('next');
  });
});
