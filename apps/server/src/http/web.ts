import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError, problemOf } from './errors.ts';

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/** Serves the built web app; unknown `/api` paths answer problem+json, page paths their entry. */
export async function serveWeb(app: FastifyInstance): Promise<void> {
  const hasWeb = fs.existsSync(path.join(webDist, 'console', 'index.html'));
  if (hasWeb) {
    // preCompressed: the web build writes .br/.gz next to each asset (apps/web/vite.config.ts)
    await app.register(fastifyStatic, { root: webDist, prefix: '/', index: false, wildcard: false, preCompressed: true });
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/'));
  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url.split('?')[0] ?? '';
    if (hasWeb && request.method === 'GET') {
      // /console is a client-routed app; /report and /track are single pages (citizen, public)
      const page = ['console', 'report', 'track'].find((p) => url === `/${p}` || url.startsWith(`/${p}/`));
      if (page && fs.existsSync(path.join(webDist, page, 'index.html'))) return reply.type('text/html').sendFile(`${page}/index.html`);
    }
    return reply.status(404).type('application/problem+json').send(problemOf(new AppError('request.not_found'), request.url));
  });
}
