import { Layout, localePath, type PageContext } from './layout.tsx';

/** The translated HTML page for a 404 (and for the same 404 of an object the visitor may not see). */
export function NotFoundPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('error.notFound.title')}>
      <h1>{t('error.notFound.title')}</h1>
      <p>{t('error.notFound.body')}</p>
      <p>
        <a class="button" href={localePath(ctx.locale)}>
          {t('error.notFound.home')}
        </a>
      </p>
    </Layout>
  );
}

/** Shown for any unexpected failure; it says nothing about the cause. */
export function ServerErrorPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('error.server.title')}>
      <h1>{t('error.server.title')}</h1>
      <p>{t('error.server.body')}</p>
      <p>
        <a class="button" href={localePath(ctx.locale)}>
          {t('error.notFound.home')}
        </a>
      </p>
    </Layout>
  );
}
