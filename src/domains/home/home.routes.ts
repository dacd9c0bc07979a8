import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../http/errors.ts';
import { localePath, type Ui } from '../../ui/index.ts';
import { HomePage } from './home.pages.tsx';
import { viewHome } from './home.policy.ts';

export interface HomeDeps {
  ui: Ui;
  emergencyNumber: string;
}

const ZLocaleParams = z.object({ locale: z.string().max(35) });

export function homeRoutes({ ui, emergencyNumber }: HomeDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // `/` sends each visitor to the home page in the best language their browser asks for.
    app.get('/', { config: { policy: viewHome }, schema: { hide: true } }, async (request, reply) => {
      const locale = ui.catalogues.negotiate(request.headers['accept-language']);
      reply.header('vary', 'Accept-Language').header('cache-control', 'private, no-cache');
      return reply.redirect(localePath(locale), 302);
    });

    app.get(
      '/:locale',
      { config: { policy: viewHome }, schema: { hide: true, params: ZLocaleParams } },
      async (request, reply) => {
        if (!ui.catalogues.has(request.params.locale)) throw notFound();
        return reply.redirect(localePath(request.params.locale), 301);
      },
    );

    app.get(
      '/:locale/',
      { config: { policy: viewHome }, schema: { hide: true, params: ZLocaleParams } },
      async (request, reply) => {
        const { locale } = request.params;
        if (!ui.catalogues.has(locale)) throw notFound();
        const ctx = ui.context(locale, '/');
        return reply.type('text/html; charset=utf-8').send(ui.render(HomePage({ ctx, emergencyNumber })));
      },
    );
  };
}
