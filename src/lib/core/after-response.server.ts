import { inBackground } from './db/client.server.ts';
import { describeError } from './errors.ts';
import { currentRequestId, log, withRequestId } from './log.server.ts';

// Work that must not delay, or show in, the answer: a request registers it, and it starts only
// once the last byte of the response has been handed to the server. What depends on the address
// a visitor typed (who is subscribed, who bought) then costs nothing the visitor can time.

type Task = () => Promise<unknown>;
/** How a lib function is handed "later": the routes pass one that runs after the response. */
export type Defer = (work: () => Promise<void>) => void;

const waiting = new WeakMap<Request, Task[]>();

/** Runs `task` after the response to `request` is written (see withAfterResponse). */
export function afterResponse(request: Request, work: Task): void {
  // It runs outside the request's async context (when the server has written the body): keep its id.
  const requestId = currentRequestId();
  const guarded: Task = () => work().catch((err) => log.error('after-response.failed', { message: describeError(err) }));
  const task: Task = requestId ? () => withRequestId(requestId, guarded) : guarded;
  const tasks = waiting.get(request);
  if (tasks) tasks.push(task);
  else waiting.set(request, [task]);
}

function run(tasks: Task[]): void {
  // setImmediate: after the microtasks in which the server writes the last chunk and ends the reply.
  setImmediate(() => {
    for (const task of tasks) {
      void inBackground(task);
    }
  });
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The response, its body wrapped so that the request's tasks start when the body has been read to
 * its end (or the client went away). The middleware applies it to every response.
 */
export function withAfterResponse(request: Request, response: Response): Response {
  const tasks = waiting.get(request);
  if (!tasks) return response;
  waiting.delete(request);
  if (NULL_BODY.has(response.status)) {
    run(tasks);
    return response;
  }
  const source = response.body?.getReader();
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    run(tasks);
  };
  // highWaterMark 0: the end is seen at most one read ahead of the server, which writes each chunk
  // (and ends the reply) in the microtasks after it receives it; the tasks wait for a macrotask.
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = source ? await source.read() : { done: true as const, value: undefined };
        if (chunk.done) {
          controller.close();
          start();
        } else controller.enqueue(chunk.value);
      },
      async cancel(reason) {
        start();
        await source?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const wrapped = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  // Astro keeps cookies and its own state on symbols of the Response object.
  for (const symbol of Object.getOwnPropertySymbols(response)) Reflect.set(wrapped, symbol, Reflect.get(response, symbol));
  return wrapped;
}
