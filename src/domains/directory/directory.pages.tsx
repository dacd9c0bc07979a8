import type { ComponentChildren } from 'preact';
import { dirOf, Layout, localePath, type PageContext } from '../../ui/index.ts';
import { ACCESS_LABELS, type Label, type ServiceView, type ShownText } from './directory.repo.ts';
import type { HsdsRow } from './hsds.flatten.ts';

/** A text in its own language: `lang` (and `dir`) on the element, and a note when a machine translated it. */
function Shown({
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

function Labels({ ctx, labels }: { ctx: PageContext; labels: Label[] }) {
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

function excerpt(text: string, max = 180): string {
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

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

function dayName(locale: string, code: string, style: 'long' | 'short' = 'long'): string {
  // 2024-01-01 was a Monday.
  const index = DAYS.indexOf(code);
  return new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' }).format(
    Date.UTC(2024, 0, 1 + index),
  );
}

/** Wraps numbers and times in Unicode isolates so they never read reversed inside RTL text. */
const isolate = (s: string) => `\u2068${s}\u2069`;

function Hours({ ctx, schedules }: { ctx: PageContext; schedules: HsdsRow[] }) {
  const rows = schedules.filter((s) => typeof s.opens_at === 'string' && typeof s.closes_at === 'string');
  if (rows.length === 0) return null;
  return (
    <table class="hours">
      <caption class="visually-hidden">{ctx.t('services.hours')}</caption>
      <tbody>
        {DAYS.map((day) => {
          const today = rows.filter(
            (s) => typeof s.byday !== 'string' || s.byday.toUpperCase().includes(day),
          );
          return (
            <tr key={day}>
              <th scope="row">{dayName(ctx.locale, day)}</th>
              <td>
                {today.length
                  ? today
                      .map((s) =>
                        isolate(`${String(s.opens_at).slice(0, 5)}–${String(s.closes_at).slice(0, 5)}`),
                      )
                      .join(', ')
                  : ctx.t('services.closed')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export interface DetailPageProps {
  ctx: PageContext;
  service: ServiceView;
  openNow: boolean | undefined;
}

export function DetailPage({ ctx, service, openNow }: DetailPageProps) {
  const { t } = ctx;
  const full = service.full;
  const places = (full.service_at_locations as HsdsRow[] | undefined) ?? [];
  const phones = [
    ...((full.phones as HsdsRow[] | undefined) ?? []),
    ...places.flatMap((p) => ((p.location as HsdsRow | undefined)?.phones as HsdsRow[] | undefined) ?? []),
  ];
  const schedules = [
    ...((full.schedules as HsdsRow[] | undefined) ?? []),
    ...places.flatMap((p) => ((p.location as HsdsRow | undefined)?.schedules as HsdsRow[] | undefined) ?? []),
  ];
  const languages = ((full.languages as HsdsRow[] | undefined) ?? [])
    .map((l) => String(l.code ?? l.name ?? ''))
    .filter(Boolean);
  const documents = ((full.required_documents as HsdsRow[] | undefined) ?? [])
    .map((d) => d.document)
    .filter((d): d is string => typeof d === 'string');
  const noId = service.labels.some((l) => l.code === 'no-id-required');
  const languageNames = new Intl.DisplayNames([ctx.locale], { type: 'language' });
  const dateFormat = new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone: 'UTC' });
  return (
    <Layout ctx={ctx} title={service.name.text}>
      <p class="back">
        <a href={localePath(ctx.locale, '/services')}>{t('services.back')}</a>
      </p>
      <Shown ctx={ctx} text={service.name} as="h1" />
      {service.organizationName ? <p class="org">{service.organizationName}</p> : null}
      <Labels ctx={ctx} labels={service.labels} />
      {[
        ...new Set(
          service.labels
            .filter((l) => l.verifiedBy && l.verifiedAt)
            .map((l) => `${l.verifiedBy}\u0000${l.verifiedAt}`),
        ),
      ].map((key) => {
        const [who = '', date = ''] = key.split('\u0000');
        return (
          <p class="small" key={key}>
            {t('services.labelsChecked', { who, date: dateFormat.format(new Date(date)) })}
          </p>
        );
      })}
      {service.texts.alert ? (
        <p class="notice urgent">
          <Shown ctx={ctx} text={service.texts.alert} />
        </p>
      ) : null}

      <Section title={t('services.what')}>
        {service.description ? <Shown ctx={ctx} text={service.description} as="p" /> : null}
        {service.texts.eligibility_description ? (
          <>
            <h3>{t('services.who')}</h3>
            <Shown ctx={ctx} text={service.texts.eligibility_description} as="p" />
          </>
        ) : null}
        {service.texts.application_process ? (
          <>
            <h3>{t('services.how')}</h3>
            <Shown ctx={ctx} text={service.texts.application_process} as="p" />
          </>
        ) : null}
      </Section>

      <Section title={t('services.bring')}>
        {noId ? <p class="notice">{t('services.noIdNeeded')}</p> : null}
        {documents.length ? (
          <ul>
            {documents.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : noId ? null : (
          <p>{t('services.noDocumentsListed')}</p>
        )}
      </Section>

      {places.length ? (
        <Section title={t('services.where')}>
          {places.map((p) => {
            const location = p.location as HsdsRow | undefined;
            if (!location) return null;
            const address = ((location.addresses as HsdsRow[] | undefined) ?? [])[0];
            const lat = location.latitude;
            const lon = location.longitude;
            return (
              <div class="place" key={p.id}>
                {typeof location.name === 'string' ? <h3>{location.name}</h3> : null}
                {address ? (
                  <p>
                    {[address.address_1, address.address_2, address.postal_code, address.city]
                      .filter((v) => typeof v === 'string' && v !== '')
                      .join(', ')}
                  </p>
                ) : null}
                {typeof location.transportation === 'string' ? <p>{location.transportation}</p> : null}
                {typeof lat === 'number' && typeof lon === 'number' ? (
                  <p>
                    <a
                      href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`}
                      rel="noopener"
                    >
                      {t('services.map')}
                    </a>
                  </p>
                ) : null}
              </div>
            );
          })}
        </Section>
      ) : null}

      <Section title={t('services.hours')}>
        {openNow === undefined ? null : (
          <p class={openNow ? 'open-now' : 'closed-now'}>
            {openNow ? t('services.isOpen') : t('services.isClosed')}
          </p>
        )}
        {schedules.length ? <Hours ctx={ctx} schedules={schedules} /> : <p>{t('services.noHours')}</p>}
      </Section>

      {phones.length || typeof full.email === 'string' || typeof full.url === 'string' ? (
        <Section title={t('services.contact')}>
          <ul class="contact">
            {phones.map((p) => (
              <li key={p.id}>
                <a class="button" href={`tel:${String(p.number).replace(/[^+\d]/g, '')}`}>
                  <bdi>{String(p.number)}</bdi>
                </a>
                {typeof p.description === 'string' ? ` ${p.description}` : ''}
              </li>
            ))}
            {typeof full.email === 'string' ? (
              <li>
                <a href={`mailto:${full.email}`}>{full.email}</a>
              </li>
            ) : null}
            {typeof full.url === 'string' && /^https?:\/\//.test(full.url) ? (
              <li>
                <a href={full.url} rel="noopener">
                  {t('services.website')}
                </a>
              </li>
            ) : null}
          </ul>
        </Section>
      ) : null}

      {languages.length ? (
        <Section title={t('services.languages')}>
          <p>{languages.map((code) => languageNames.of(code) ?? code).join(', ')}</p>
        </Section>
      ) : null}

      {service.lastVerified ? (
        <p class="small">
          {t('services.lastVerified', { date: dateFormat.format(new Date(service.lastVerified)) })}
        </p>
      ) : null}
    </Layout>
  );
}

export { DAYS };
