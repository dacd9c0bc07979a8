import { Layout, localePath, type PageContext } from '../../ui/layout.tsx';

export function HomePage({ ctx, emergencyNumber }: { ctx: PageContext; emergencyNumber: string }) {
  const { t } = ctx;
  const link = (p: string) => localePath(ctx.locale, p);
  const title = t('home.title', { city: ctx.city });
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{t('home.intro', { city: ctx.city })}</p>

      <section class="notice" aria-labelledby="status-title">
        <h2 id="status-title">{t('home.status.title')}</h2>
        <p>{t('home.status.body')}</p>
      </section>

      {/* biome-ignore lint/a11y/useSemanticElements: role="search" also reaches the older browsers of cheap phones that lack <search>. */}
      <form class="search" method="get" action={link('/services')} role="search">
        <label for="q">{t('home.search.label')}</label>
        <span class="hint" id="q-hint">
          {t('home.search.hint')}
        </span>
        <div class="search-row">
          <input
            type="search"
            id="q"
            name="q"
            aria-describedby="q-hint"
            autocomplete="off"
            enterkeyhint="search"
          />
          <button type="submit">{t('home.search.button')}</button>
        </div>
      </form>

      <h2>{t('home.do.title')}</h2>
      <ul class="links">
        <li>
          <a href={link('/services')}>{t('home.do.services')}</a>
        </li>
        <li>
          <a href={link('/kit')}>{t('home.do.kit')}</a>
        </li>
        <li>
          <a href={link('/privacy')}>{t('home.do.privacy')}</a>
        </li>
        <li>
          <a href={link('/report')}>{t('home.do.report')}</a>
        </li>
      </ul>

      <section class="notice urgent" aria-labelledby="help-title">
        <h2 id="help-title">{t('home.help.title')}</h2>
        {/* The number is wrapped in Unicode isolates so it does not read reversed inside RTL text. */}
        <p>{t('home.help.body', { number: `\u2068${emergencyNumber}\u2069` })}</p>
        <p>
          <a class="button" href={`tel:${emergencyNumber}`}>
            <bdi>{emergencyNumber}</bdi>
          </a>
        </p>
      </section>
    </Layout>
  );
}
