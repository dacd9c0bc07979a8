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

/** A refusal a person can act on (not allowed, form expired, …): its code's message, in their language. */
export function ProblemPage({ ctx, code }: { ctx: PageContext; code: string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('staff.error.title')}>
      <h1>{t('staff.error.title')}</h1>
      <p>{t(`error.code.${code}`)}</p>
      <p>
        <a class="button" href="/staff/">
          {t('staff.nav.home')}
        </a>
      </p>
    </Layout>
  );
}
