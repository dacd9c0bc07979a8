import type { ComponentChildren } from 'preact';
import { Layout, localePath, type PageContext } from '../../ui/index.ts';
import { Labels, Shown } from './directory.pages.tsx';
import type { ServiceView } from './directory.repo.ts';
import type { HsdsRow } from './hsds.flatten.ts';

export const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

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
