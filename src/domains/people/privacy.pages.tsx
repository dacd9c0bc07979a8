import { Layout, localePath, type PageContext } from '../../ui/index.ts';
import { type Audience, PERSONAL_FIELDS, type PersonalFieldName, type RetentionStart } from './fields.ts';

/**
 * How each field is kept, in the words of the privacy page. Typed by the registry's names, so a field added to
 * fields.ts does not compile until someone has said here, truthfully, how it is protected.
 * - `sealed`: encrypted under the person's own data key (rule 3);
 * - `sealed_indexed`: sealed, plus a keyed HMAC to recognise a returning person;
 * - `fingerprint`: only a keyed HMAC is stored, never the value;
 * - `partly`: what it says is sealed; dates and the organisations involved stay readable for access checks;
 * - `plain`: stored readable, linked only to the random record id (visits: date and helpdesk site).
 */
export type Protection = 'sealed' | 'sealed_indexed' | 'fingerprint' | 'partly' | 'plain';
export const PROTECTION: Record<PersonalFieldName, Protection> = {
  displayName: 'sealed',
  phone: 'sealed_indexed',
  email: 'sealed_indexed',
  languages: 'sealed',
  interpreterNeeded: 'sealed',
  needs: 'sealed',
  urgency: 'sealed',
  personCode: 'fingerprint',
  caseNotes: 'sealed',
  visits: 'plain',
  consents: 'partly',
  referrals: 'partly',
};

const PROMISES = [
  'nothingRequired',
  'noStatus',
  'noEnforcement',
  'encryption',
  'consent',
  'erasure',
  'code',
] as const;

/** "2 years", "30 days": whole years when the period is one. */
function duration(ctx: PageContext, days: number): string {
  return days % 365 === 0
    ? ctx.t('privacy.duration.years', { count: days / 365 })
    : ctx.t('privacy.duration.days', { count: days });
}

export function retentionText(ctx: PageContext, days: number, from: RetentionStart): string {
  return ctx.t(`privacy.retention.${from}`, { duration: duration(ctx, days) });
}

/** The privacy page, generated from the field registry (firewall rule 2). */
export function PrivacyPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  const title = t('privacy.title');
  const fields = Object.entries(PERSONAL_FIELDS) as [
    PersonalFieldName,
    (typeof PERSONAL_FIELDS)[PersonalFieldName],
  ][];
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{t('privacy.intro', { city: ctx.city })}</p>

      <section class="notice" aria-labelledby="promises-title">
        <h2 id="promises-title">{t('privacy.promises.title')}</h2>
        <ul class="promises">
          {PROMISES.map((p) => (
            <li key={p}>{t(`privacy.promise.${p}`)}</li>
          ))}
        </ul>
        <p>
          <a class="button" href={localePath(ctx.locale, '/my-data')}>
            {t('privacy.myData.link')}
          </a>
        </p>
      </section>

      <h2>{t('privacy.fields.title')}</h2>
      <p>{t('privacy.fields.intro')}</p>
      {fields.map(([name, field]) => (
        <section key={name} class="field-card" id={`field-${name}`} aria-labelledby={`field-${name}-title`}>
          <h3 id={`field-${name}-title`}>{t(`privacy.field.${name}.label`)}</h3>
          <p>{t(`privacy.field.${name}.what`)}</p>
          <dl>
            <dt>{t('privacy.why')}</dt>
            <dd>{t(`privacy.purpose.${field.purpose}`)}</dd>
            <dt>{t('privacy.who')}</dt>
            <dd>
              <ul>
                {field.audiences.map((a: Audience) => (
                  <li key={a}>{t(`privacy.audience.${a}`)}</li>
                ))}
              </ul>
            </dd>
            <dt>{t('privacy.when')}</dt>
            <dd>{retentionText(ctx, field.retentionDays, field.from)}</dd>
            <dt>{t('privacy.sharing')}</dt>
            <dd>{t(field.shareable ? 'privacy.share.consent' : 'privacy.share.never')}</dd>
            <dt>{t('privacy.protected')}</dt>
            <dd>{t(`privacy.protection.${PROTECTION[name]}`)}</dd>
          </dl>
        </section>
      ))}
    </Layout>
  );
}
