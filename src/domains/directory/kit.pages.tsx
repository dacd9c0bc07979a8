import { dirOf, Layout, localePath, type PageContext } from '../../ui/index.ts';
import type { KIT_SECTIONS } from './demo.ts';
import type { ServiceView } from './directory.repo.ts';
import type { HsdsRow } from './hsds.flatten.ts';

export interface KitSection {
  id: (typeof KIT_SECTIONS)[number];
  services: ServiceView[];
}

export function firstPhone(service: ServiceView): string | undefined {
  const phones = (service.full.phones as HsdsRow[] | undefined) ?? [];
  const number = phones[0]?.number;
  return typeof number === 'string' ? number : undefined;
}

export function KitPage({ ctx, sections }: { ctx: PageContext; sections: KitSection[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('kit.title')} scripts={['offline.js']}>
      <h1>{t('kit.title')}</h1>
      <p>{t('kit.intro', { city: ctx.city })}</p>
      <p>
        <a class="button" href={localePath(ctx.locale, '/kit.pdf')}>
          {t('kit.pdf')}
        </a>
      </p>
      <p class="small">{t('kit.offline')}</p>
      <nav aria-label={t('kit.title')}>
        <ul class="links">
          {sections.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`}>{t(`kit.section.${s.id}.title`)}</a>
            </li>
          ))}
        </ul>
      </nav>
      {sections.map((section) => (
        <section key={section.id} id={section.id} aria-labelledby={`${section.id}-title`}>
          <h2 id={`${section.id}-title`}>{t(`kit.section.${section.id}.title`)}</h2>
          <p>{t(`kit.section.${section.id}.intro`)}</p>
          <ul class="kit-services">
            {section.services.map((s) => {
              const phone = firstPhone(s);
              return (
                <li key={s.id}>
                  <a
                    href={localePath(ctx.locale, `/services/${encodeURIComponent(s.id)}`)}
                    lang={s.name.lang}
                    dir={dirOf(s.name.lang)}
                  >
                    {s.name.text}
                  </a>
                  {phone ? (
                    <>
                      {' '}
                      <a class="tel" href={`tel:${phone.replace(/[^+\d]/g, '')}`}>
                        <bdi>{phone}</bdi>
                      </a>
                    </>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      <p>
        <a href={localePath(ctx.locale, '/services')}>{t('kit.seeAll')}</a>
      </p>
    </Layout>
  );
}
