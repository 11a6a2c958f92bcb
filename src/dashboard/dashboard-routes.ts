import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

interface Asset {
  readonly type: string;
  readonly raw: Buffer;
  readonly gzip: Buffer;
}

const types: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * Where `npm run build` put the bundle: beside this module in dist, or dist/dashboard when
 * this module runs from src (the tests).
 */
function bundleDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [here, join(here, '../../dist/dashboard')].find((d) => existsSync(join(d, 'assets/app.js')));
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, file] of [
    ['index.html', 'index.html'],
    ['app.js', 'assets/app.js'],
    ['app.css', 'assets/app.css'],
  ] as const) {
    const raw = readFileSync(join(dir, file));
    assets.set(name, { type: types[name.split('.').pop()!]!, raw, gzip: gzipSync(raw, { level: 9 }) });
  }
  return assets;
}

/**
 * The web dashboard at /dashboard: static files only. It is a client of the public
 * OpenStack APIs (a Keystone token in the browser) and never of internal modules.
 */
export function addDashboardRoutes(app: FastifyInstance): void {
  const dir = bundleDir();
  const assets = dir === undefined ? undefined : loadAssets(dir);
  const send = (name: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const asset = assets?.get(name);
    if (asset === undefined)
      return reply.code(503).type('text/plain').send('The dashboard is not built: run npm run build.\n');
    // The page runs only its own script, and is never framed (clickjacking). Styles may be
    // inline: the terminal widget (xterm) sizes its rows with <style> elements it writes.
    reply
      .header('content-type', asset.type)
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      )
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', name === 'index.html' ? 'no-cache' : 'public, max-age=300')
      .header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')))
      return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.raw);
  };
  app.get('/', async (_req, reply) => reply.redirect('/dashboard/', 302));
  app.get('/dashboard', send('index.html'));
  app.get('/dashboard/assets/app.js', send('app.js'));
  app.get('/dashboard/assets/app.css', send('app.css'));
}
