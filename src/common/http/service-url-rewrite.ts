import type { ServicePlugin } from './service-plugin.js';

/**
 * Fastify's rewriteUrl for the services that rewrite their paths before routing: the path
 * under a service's prefix goes through its `rewritePath`; the query string is kept.
 */
export function serviceUrlRewrite(services: ReadonlyArray<ServicePlugin>): (url: string) => string {
  const rewriting = services.filter((s) => s.rewritePath !== undefined);
  return (url) => {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const s = rewriting.find((r) => path.startsWith(`${r.prefix}/`));
    if (s === undefined) return url;
    return s.rewritePath!(path) + (q < 0 ? '' : url.slice(q));
  };
}
