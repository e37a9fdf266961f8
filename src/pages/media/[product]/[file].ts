import type { APIRoute } from 'astro';
import { answerMedia, mediaResponse } from '../../../lib/access/media.server.ts';
import { sessionToken } from '../../../lib/auth/session.server.ts';

// `npm start` answers these before Astro (src/server/media-front.ts), with the same decision;
// this covers a server started from dist/ directly.
const serve: APIRoute = async ({ params, request, cookies }) =>
  mediaResponse(
    await answerMedia({
      method: request.method,
      productId: params.product ?? '',
      file: params.file ?? '',
      sessionToken: sessionToken(cookies),
      header: (name) => request.headers.get(name),
    }),
  );

export const GET = serve;
export const HEAD = serve;
