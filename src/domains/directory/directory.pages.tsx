import { dirOf, Layout, localePath, type PageContext } from '../../ui/index.ts';
import { ACCESS_LABELS, type Label, type ServiceView, type ShownText } from './directory.repo.ts';

/** A text in its own language: `lang` (and `dir`) on the element, and a note when a machine translated it. */
export function Shown({
  ctx,
  text,
  as = 'span',
}: {
  ctx: PageContext;
  text: ShownText;
  as?: 'span' | 'p' | 'h1' | 'h2';
}) {
  const Tag = as;
  return (
    <>
      <Tag lang={text.lang} dir={dirOf(text.lang)}>
        {text.text}
      </Tag>
      {text.origin === 'machine' ? <span class="machine">{ctx.t('services.machineTranslation')}</span> : null}
    </>
  );
}

function labelName(ctx: PageContext, label: Label): string {
  return (ACCESS_LABELS as readonly string[]).includes(label.code)
    ? ctx.t(`label.${label.code}`)
    : label.name;
}

export function Labels({ ctx, labels }: { ctx: PageContext; labels: Label[] }) {
  if (labels.length === 0) return null;
  return (
    <ul class="labels" aria-label={ctx.t('services.labels')}>
      {labels.map((l) => (
        <li key={l.code} class={`label label-${l.code}`}>
          <svg aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 16 16">
            <path d="M6.5 11.2 3.3 8l1.1-1.1 2.1 2.1 5.1-5.1L12.7 5z" fill="currentColor" />
          </svg>
          {labelName(ctx, l)}
        </li>
      ))}
    </ul>
  );
}

export interface SearchPageProps {
  ctx: PageContext;
  query: {
    q?: string;
    category?: string;
    label: string[];
    language?: string;
    open: boolean;
    near?: string;
    page: number;
  };
  categories: { code: string; name: string }[];
  languages: string[];
  results: ServiceView[];
  total: number;
  perPage: number;
  correctedQuery?: string;
}

function searchHref(ctx: PageContext, query: SearchPageProps['query'], page: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.category) params.set('category', query.category);
  for (const l of query.label) params.append('label', l);
  if (query.language) params.set('language', query.language);
  if (query.open) params.set('open', '1');
  if (query.near) params.set('near', query.near);
  if (page > 1) params.set('page', String(page));
  const qs = params.toString();
  return `${localePath(ctx.locale, '/services')}${qs ? `?${qs}` : ''}`;
}

/** The start of a text, cut at a word boundary, with an ellipsis when cut. */
export function excerpt(text: string, max = 180): string {
  return text.length <= max ? text : `${text.slice(0, max).replace(/\s+\S*$/, '')}…`;
}

export function SearchPage(props: SearchPageProps) {
  const { ctx, query, categories, languages, results, total, perPage } = props;
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(total / perPage));
  const languageNames = new Intl.DisplayNames([ctx.locale], { type: 'language' });
  return (
    <Layout ctx={ctx} title={query.q ? t('services.titleFor', { q: query.q }) : t('services.title')}>
      <h1>{t('services.title')}</h1>
      <form class="search filters" method="get" action={localePath(ctx.locale, '/services')}>
        <label for="q">{t('home.search.label')}</label>
        <span class="hint" id="q-hint">
          {t('home.search.hint')}
        </span>
        {query.near ? <input type="hidden" name="near" value={query.near} /> : null}
        <div class="search-row">
          <input
            type="search"
            id="q"
            name="q"
            value={query.q ?? ''}
            aria-describedby="q-hint"
            maxLength={200}
            enterkeyhint="search"
          />
          <button type="submit">{t('home.search.button')}</button>
        </div>
        <details
          class="more-filters"
          open={Boolean(query.category || query.label.length || query.language || query.open)}
        >
          <summary>{t('services.filters')}</summary>
          <div class="filter-grid">
            <div>
              <label for="category">{t('services.category')}</label>
              <select id="category" name="category">
                <option value="">{t('services.any')}</option>
                {categories.map((c) => (
                  <option key={c.code} value={c.code} selected={c.code === query.category}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="language">{t('services.language')}</label>
              <select id="language" name="language">
                <option value="">{t('services.any')}</option>
                {languages.map((code) => (
                  <option key={code} value={code} selected={code === query.language}>
                    {languageNames.of(code) ?? code}
                  </option>
                ))}
              </select>
            </div>
            <fieldset>
              <legend>{t('services.onlyShow')}</legend>
              {ACCESS_LABELS.map((code) => (
                <div class="check" key={code}>
                  <input
                    type="checkbox"
                    id={`label-${code}`}
                    name="label"
                    value={code}
                    checked={query.label.includes(code)}
                  />
                  <label for={`label-${code}`}>{t(`label.${code}`)}</label>
                </div>
              ))}
              <div class="check">
                <input type="checkbox" id="open" name="open" value="1" checked={query.open} />
                <label for="open">{t('services.openNow')}</label>
              </div>
            </fieldset>
          </div>
          <button type="submit">{t('services.apply')}</button>
        </details>
      </form>

      <p class="result-count" role="status">
        {t('services.count', { count: total })}
        {props.correctedQuery ? ` ${t('services.correctedTo', { q: props.correctedQuery })}` : ''}
      </p>
      {total === 0 ? <p>{t('services.none')}</p> : null}
      <ol class="results">
        {results.map((s) => (
          <li key={s.id} class="result">
            <h2>
              <a
                href={localePath(ctx.locale, `/services/${encodeURIComponent(s.id)}`)}
                lang={s.name.lang}
                dir={dirOf(s.name.lang)}
              >
                {s.name.text}
              </a>
            </h2>
            {s.organizationName ? <p class="org">{s.organizationName}</p> : null}
            <Labels ctx={ctx} labels={s.labels} />
            {s.description ? (
              <p>
                <Shown ctx={ctx} text={{ ...s.description, text: excerpt(s.description.text) }} />
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      {pages > 1 ? (
        <nav class="pagination" aria-label={t('services.pages')}>
          {query.page > 1 ? (
            <a href={searchHref(ctx, query, query.page - 1)} rel="prev">
              {t('services.previous')}
            </a>
          ) : null}
          <span>{t('services.pageOf', { page: query.page, pages })}</span>
          {query.page < pages ? (
            <a href={searchHref(ctx, query, query.page + 1)} rel="next">
              {t('services.next')}
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}
