// A worker thread drawing share images (src/lib/core/share-image-pool.server.ts): Node runs this
// file as it is (its TypeScript is erasable), so the build's other cores draw cards too.
import { parentPort } from 'node:worker_threads';
import { renderShareImage, type ShareCard } from './share-image.server.ts';

parentPort!.on('message', async ({ id, card }: { id: number; card: ShareCard }) => {
  try {
    const png = await renderShareImage(card);
    // Copied, not transferred: resvg's buffer lives outside the JavaScript heap.
    parentPort!.postMessage({ id, png });
  } catch (err) {
    parentPort!.postMessage({ id, error: String((err as Error)?.stack ?? err) });
  }
});
