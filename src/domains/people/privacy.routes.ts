import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../http/errors.ts';
import type { Ui } from '../../ui/index.ts';
import { PrivacyPage } from './privacy.pages.tsx';
import { viewPrivacyPage } from './privacy.policy.ts';

const ZLocale = z.object({ locale: z.string().max(35) });

/** `/{lang}/privacy`: what Arrival keeps about a person, generated from the field registry. */
export function privacyRoutes({ ui }: { ui: Ui }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/:locale/privacy',
      { config: { policy: viewPrivacyPage }, schema: { hide: true, params: ZLocale } },
      async (request, reply) => {
        const { locale } = request.params;
        if (!ui.catalogues.has(locale)) throw notFound();
        const ctx = ui.context(locale, '/privacy');
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .send(ui.render(PrivacyPage({ ctx })));
      },
    );
  };
}
