import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { requestLocale } from '../../http/locale.ts';
import type { Ui } from '../../ui/index.ts';
import { staffHref } from './staff-links.ts';

/**
 * What every plugin of staff pages needs, set up once on its `app`: answers are `Cache-Control: no-store` (staff
 * pages show who works where and what people told us: never from a shared cache or the back button of a shared
 * computer); `contextOf` is the page context in the request's language, its language links pointing at
 * `samePage` (the GET address; the request's path when absent); `send` renders a page as HTML.
 */
export function staffPageTools(app: FastifyInstance, ui: Ui) {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
  const contextOf = (request: FastifyRequest, samePage?: string) => {
    const locale = requestLocale(request, ui.catalogues);
    const path = samePage ?? request.url.split('?')[0] ?? '/staff/';
    return ui.context(locale, '/', (l) => staffHref(l, path));
  };
  const send = (reply: FastifyReply, page: VNode, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').send(ui.render(page));
  return { contextOf, send };
}
