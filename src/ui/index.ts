import type { VNode } from 'preact';
import type { Catalogues } from '../i18n/index.ts';
import type { Assets } from './assets.ts';
import { type PageContext, renderDocument } from './layout.tsx';

export { type Assets, loadAssets } from './assets.ts';
export { BadRequestPage, NotFoundPage, ProblemPage, ServerErrorPage } from './error-pages.tsx';
export { dirOf, Layout, localePath, type PageContext, renderDocument } from './layout.tsx';
export { QrCode } from './qr.tsx';

export interface Ui {
  readonly catalogues: Catalogues;
  readonly assets: Assets;
  /** The context to render a page in `locale`; `pathInLocale` is the page's path after the locale. */
  context(locale: string, pathInLocale: string, hrefForLocale?: (locale: string) => string): PageContext;
  render(node: VNode): string;
}

export function createUi(options: { catalogues: Catalogues; assets: Assets; city: string }): Ui {
  const { catalogues, assets, city } = options;
  return {
    catalogues,
    assets,
    context(locale, pathInLocale, hrefForLocale) {
      const catalogue = catalogues.get(locale);
      return {
        locale: catalogue.locale,
        dir: catalogue.dir,
        t: catalogues.translator(catalogue.locale),
        catalogues,
        assets,
        city,
        pathInLocale,
        ...(hrefForLocale ? { hrefForLocale } : {}),
      };
    },
    render: renderDocument,
  };
}
