import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { renderShareImage, type ShareCard } from './share-image.server.ts';

// Drawing a card costs ~70 ms of CPU (satori's layout, resvg's raster and PNG): 10,000 of them at
// 5,000 Notes in two languages are minutes. A build draws them on every core (034).

export interface ShareImagePool {
  /** threads drawing besides this one (0: this thread draws) */
  workers: number;
  render(card: ShareCard): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Workers where the runtime can start them from this TypeScript file, else the calling thread.
 * They start on the first card, so a build whose cards all come from the cache starts none.
 */
export function shareImagePool(size = Math.min(availableParallelism(), 4)): ShareImagePool {
  let pool: ShareImagePool | undefined;
  return {
    get workers() {
      return pool?.workers ?? 0;
    },
    render(card) {
      return (pool ??= startPool(size)).render(card);
    },
    async close() {
      await pool?.close();
    },
  };
}

function startPool(size: number): ShareImagePool {
  const workers: Worker[] = [];
  const script = new URL('./share-image.worker.ts', import.meta.url);
  try {
    // Bundled somewhere else (a built server), the worker's file is not beside this one.
    if (size >= 2 && script.protocol === 'file:' && existsSync(fileURLToPath(script))) {
      for (let i = 0; i < size; i++) workers.push(new Worker(script));
    }
  } catch {
    for (const w of workers) void w.terminate();
    workers.length = 0;
  }
  if (workers.length < 2) {
    for (const w of workers) void w.terminate();
    return { workers: 0, render: renderShareImage, close: async () => undefined };
  }
  const pending = new Map<number, { card: ShareCard; resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  const load = new Map<Worker, number>(workers.map((w) => [w, 0]));
  let nextId = 0;
  let broken: Error | undefined;
  for (const w of workers) {
    w.on('message', ({ id, png, error }: { id: number; png?: Uint8Array; error?: string }) => {
      load.set(w, load.get(w)! - 1);
      const p = pending.get(id)!;
      pending.delete(id);
      if (error) p.reject(new Error(error));
      else p.resolve(Buffer.from(png!.buffer, png!.byteOffset, png!.byteLength));
    });
    // A worker that cannot start (a runtime without TypeScript stripping): this thread draws instead.
    w.on('error', (err: unknown) => {
      broken = err instanceof Error ? err : new Error(String(err));
      for (const p of pending.values()) renderShareImage(p.card).then(p.resolve, p.reject);
      pending.clear();
    });
  }
  return {
    workers: workers.length,
    render(card) {
      if (broken) return renderShareImage(card);
      // The least busy worker: cards differ little in cost.
      const w = [...load].sort((a, b) => a[1] - b[1])[0]![0];
      load.set(w, load.get(w)! + 1);
      const id = nextId++;
      return new Promise<Buffer>((resolve, reject) => {
        pending.set(id, { card, resolve, reject });
        // The photo's bytes are copied to the worker: a Buffer may share memory with others.
        w.postMessage({ id, card });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
