import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Catalogues, Translate } from '../i18n/index.ts';
import type { Assets } from './assets.ts';

/** Everything a page needs to render in the visitor's language. */
export interface PageContext {
  locale: string;
  dir: 'ltr' | 'rtl';
  t: Translate;
  catalogues: Catalogues;
  assets: Assets;
  city: string;
  /** The current page's path after the locale, e.g. `/services`, used to link the same page in other languages. */
  pathInLocale: string;
  /** The same page in another language, for pages outside `/{lang}/` (staff pages take `?lang=`). */
  hrefForLocale?: (locale: string) => string;
}

function sameInLocale(ctx: PageContext, locale: string): string {
  return ctx.hrefForLocale ? ctx.hrefForLocale(locale) : localePath(locale, ctx.pathInLocale);
}

/** Scripts written right to left, by language code (for text whose language is not the page's). */
const RTL_LANGUAGES = new Set(['ar', 'fa', 'ps', 'ur', 'he', 'yi', 'ckb', 'sd', 'ug', 'dv']);

export function dirOf(lang: string): 'ltr' | 'rtl' {
  return RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr';
}

export function localePath(locale: string, pathInLocale = '/'): string {
  return `/${locale}${pathInLocale.startsWith('/') ? pathInLocale : `/${pathInLocale}`}`;
}

function LanguageSwitcher({ ctx }: { ctx: PageContext }) {
  // A <details> disclosure: compact on a small screen, and it opens without JavaScript.
  const current = ctx.catalogues.get(ctx.locale);
  return (
    <details class="lang">
      <summary>
        <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24">
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2" />
          <path
            d="M3 12h18M12 3c2.5 2.5 3.8 5.5 3.8 9s-1.3 6.5-3.8 9c-2.5-2.5-3.8-5.5-3.8-9s1.3-6.5 3.8-9z"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
          />
        </svg>
        <span>{ctx.t('layout.language.summary')}</span>
        <span class="lang-current" lang={current.locale} dir={current.dir}>
          {current.name}
        </span>
      </summary>
      <nav aria-label={ctx.t('layout.language.label')}>
        <ul>
          {ctx.catalogues.all().map((c) => (
            <li key={c.locale}>
              <a
                href={sameInLocale(ctx, c.locale)}
                hreflang={c.locale}
                lang={c.locale}
                dir={c.dir}
                aria-current={c.locale === ctx.locale ? 'true' : undefined}
              >
                {c.name}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </details>
  );
}

/** A link: a path inside the locale (`/kit`) or, starting with `!`, an absolute path outside it. */
type NavLink = readonly [path: string, labelKey: string];

const MAIN_LINKS: NavLink[] = [
  ['/services', 'layout.nav.services'],
  ['/kit', 'layout.nav.kit'],
];

const FOOTER_LINKS: NavLink[] = [
  ...MAIN_LINKS,
  ['/privacy', 'layout.nav.privacy'],
  ['/report', 'layout.nav.report'],
  ['!/api/docs', 'layout.footer.api'],
];

function LinkList({ links, ctx }: { links: NavLink[]; ctx: PageContext }) {
  return (
    <ul>
      {links.map(([path, labelKey]) => (
        <li key={path}>
          <a href={path.startsWith('!') ? path.slice(1) : localePath(ctx.locale, path)}>{ctx.t(labelKey)}</a>
        </li>
      ))}
    </ul>
  );
}

interface LayoutProps {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  /** Small progressive-enhancement scripts (asset names), loaded deferred; pages work without them. */
  scripts?: string[];
}

export function Layout({ ctx, title, children, scripts = [] }: LayoutProps) {
  const { t } = ctx;
  const link = (p: string) => localePath(ctx.locale, p);
  return (
    <html lang={ctx.locale} dir={ctx.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('site.name')}`}</title>
        <link rel="stylesheet" href={ctx.assets.url('app.css')} />
        <link rel="icon" href={ctx.assets.url('favicon.svg')} type="image/svg+xml" />
        {ctx.catalogues.locales.map((l) => (
          <link key={l} rel="alternate" hreflang={l} href={sameInLocale(ctx, l)} />
        ))}
        {scripts.map((s) => (
          <script key={s} src={ctx.assets.url(s)} defer />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          {t('layout.skip')}
        </a>
        <header class="site-header">
          <div class="wrap header-row">
            <a class="brand" href={link('/')}>
              <span class="brand-name">{t('site.name')}</span>
              <span class="brand-tagline">{t('site.tagline', { city: ctx.city })}</span>
            </a>
            <LanguageSwitcher ctx={ctx} />
          </div>
          <nav class="wrap site-nav" aria-label={t('layout.nav.label')}>
            <LinkList links={MAIN_LINKS} ctx={ctx} />
          </nav>
        </header>
        <main id="main" class="wrap" tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p class="promise">{t('layout.footer.promise')}</p>
            <nav aria-label={t('layout.footer.label')}>
              <LinkList links={FOOTER_LINKS} ctx={ctx} />
            </nav>
            <p class="small">{t('layout.footer.software')}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Renders a full HTML document. */
export function renderDocument(node: VNode): string {
  return `<!doctype html>${renderToString(node)}`;
}
