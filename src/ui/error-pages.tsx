import { Layout, localePath, type PageContext } from './layout.tsx';

function ErrorPage({ ctx, titleKey, bodyKey }: { ctx: PageContext; titleKey: string; bodyKey: string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t(titleKey)}>
      <h1>{t(titleKey)}</h1>
      <p>{t(bodyKey)}</p>
      <p>
        <a class="button" href={localePath(ctx.locale)}>
          {t('error.notFound.home')}
        </a>
      </p>
    </Layout>
  );
}

/** The translated HTML page for a 404 (and for the same 404 of an object the visitor may not see). */
export function NotFoundPage({ ctx }: { ctx: PageContext }) {
  return ErrorPage({ ctx, titleKey: 'error.notFound.title', bodyKey: 'error.notFound.body' });
}

/** Shown for any unexpected failure; it says nothing about the cause. */
export function ServerErrorPage({ ctx }: { ctx: PageContext }) {
  return ErrorPage({ ctx, titleKey: 'error.server.title', bodyKey: 'error.server.body' });
}

/** For a request the page could not understand (a malformed filter, a page number that is not a number). */
export function BadRequestPage({ ctx }: { ctx: PageContext }) {
  return ErrorPage({ ctx, titleKey: 'error.badRequest.title', bodyKey: 'error.badRequest.body' });
}
