import type { FastifyRequest } from 'fastify';
import type { Catalogues } from '../i18n/index.ts';

/**
 * The visitor's language for this request: the locale in the path (`/ar/…`), else a `lang` query parameter,
 * else the best match for Accept-Language, else the city's default.
 */
export function requestLocale(request: FastifyRequest, catalogues: Catalogues): string {
  const first = request.url.split(/[/?#]/)[1] ?? '';
  if (catalogues.has(first)) return first;
  const query = request.query as Record<string, unknown> | undefined;
  const lang = typeof query?.lang === 'string' ? query.lang : undefined;
  if (lang && catalogues.has(lang)) return lang;
  const accept = request.headers['accept-language'];
  return catalogues.negotiate(Array.isArray(accept) ? accept.join(',') : accept);
}

/** Machine clients (the JSON API, health checks) get JSON errors; people get a page. */
export function wantsHtml(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  if (path === '/api' || path.startsWith('/api/') || ['/healthz', '/readyz', '/metrics'].includes(path)) {
    return false;
  }
  const accept = request.headers.accept ?? '';
  return !(accept.includes('application/json') && !accept.includes('text/html'));
}
