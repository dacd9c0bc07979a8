import { Layout, localePath, type PageContext } from '../../ui/index.ts';
import { PERSONAL_FIELDS } from '../people/index.ts';
import type { MyData } from './my-data.service.ts';

/** What happened just before the page was shown. */
export type MyDataOutcome =
  | { kind: 'revoked'; recipient: string }
  | { kind: 'erasure'; dueAt: string }
  | { kind: 'notFound' }
  | { kind: 'rateLimited' };

export interface MyDataPageProps {
  ctx: PageContext;
  /** The city's time zone, for dates. */
  timeZone: string;
  /** Days the city has to confirm an erasure request. */
  erasureDays: number;
  outcome?: MyDataOutcome;
  /** The person's data and the code they typed (sent back only in the forms of this no-store page). */
  found?: { code: string; data: MyData };
}

function formatDate(ctx: PageContext, timeZone: string, iso: string): string {
  return new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone }).format(new Date(iso));
}

function CodeForm({ ctx, invalid }: { ctx: PageContext; invalid: boolean }) {
  const { t } = ctx;
  return (
    <form class="code-form" method="post" action={localePath(ctx.locale, '/my-data')}>
      <label for="code">{t('mydata.code.label')}</label>
      <span class="hint" id="code-hint">
        {t('mydata.code.hint')}
      </span>
      <div class="search-row">
        <input
          type="text"
          id="code"
          name="code"
          required
          maxLength={40}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          aria-describedby={invalid ? 'code-hint code-error' : 'code-hint'}
          aria-invalid={invalid ? 'true' : undefined}
        />
        <button type="submit">{t('mydata.submit')}</button>
      </div>
    </form>
  );
}

function Outcome({ ctx, timeZone, outcome }: { ctx: PageContext; timeZone: string; outcome: MyDataOutcome }) {
  const { t } = ctx;
  switch (outcome.kind) {
    case 'notFound':
      return (
        <div class="notice urgent" role="alert" id="code-error">
          <h2>{t('mydata.notFound.title')}</h2>
          <p>{t('mydata.notFound.body')}</p>
        </div>
      );
    case 'rateLimited':
      return (
        <div class="notice urgent" role="alert" id="code-error">
          <h2>{t('mydata.rateLimited.title')}</h2>
          <p>{t('mydata.rateLimited.body')}</p>
        </div>
      );
    case 'revoked':
      return (
        <div class="notice" role="status">
          <h2>{t('mydata.revoked.title')}</h2>
          <p>{t('mydata.revoked.body', { organisation: outcome.recipient })}</p>
        </div>
      );
    case 'erasure':
      return (
        <div class="notice" role="status">
          <h2>{t('mydata.erasure.done.title')}</h2>
          <p>{t('mydata.erasure.requested', { date: formatDate(ctx, timeZone, outcome.dueAt) })}</p>
        </div>
      );
  }
}

/** A hidden copy of the code, so each button below can act without a session (the page is never stored). */
function CodeField({ code }: { code: string }) {
  return <input type="hidden" name="code" value={code} />;
}

function Consents({ ctx, timeZone, code, data }: { ctx: PageContext; timeZone: string } & MyDataFound) {
  const { t } = ctx;
  const date = (iso: string) => formatDate(ctx, timeZone, iso);
  return (
    <section aria-labelledby="consents-title">
      <h2 id="consents-title">{t('mydata.consents.title')}</h2>
      {data.consents.length === 0 ? <p>{t('mydata.consents.none')}</p> : null}
      <ul class="cards">
        {data.consents.map((c) => (
          <li key={c.id} class={`consent consent-${c.state}`}>
            <h3>
              <bdi>{c.recipient}</bdi>
            </h3>
            <p class={`state state-${c.state}`}>{t(`mydata.consent.state.${c.state}`)}</p>
            <dl>
              <dt>{t('mydata.consent.why')}</dt>
              <dd>{t(`mydata.consent.purpose.${c.purpose}`)}</dd>
              <dt>{t('mydata.consent.fields')}</dt>
              <dd>
                <ul>
                  {c.fields
                    .filter((f) => f in PERSONAL_FIELDS)
                    .map((f) => (
                      <li key={f}>{t(`privacy.field.${f}.label`)}</li>
                    ))}
                </ul>
              </dd>
              <dt>{t('mydata.consent.dates')}</dt>
              <dd>
                {c.state === 'revoked' && c.revokedAt
                  ? t('mydata.consent.revokedOn', { given: date(c.createdAt), date: date(c.revokedAt) })
                  : t(c.state === 'active' ? 'mydata.consent.until' : 'mydata.consent.ended', {
                      given: date(c.createdAt),
                      date: date(c.expiresAt),
                    })}
              </dd>
            </dl>
            {c.state === 'active' ? (
              <form method="post" action={localePath(ctx.locale, '/my-data/revoke')}>
                <CodeField code={code} />
                <input type="hidden" name="consentId" value={c.id} />
                <button type="submit" class="secondary" aria-describedby={`withdraw-${c.id}`}>
                  {t('mydata.consent.withdraw')}
                </button>
                <span class="visually-hidden" id={`withdraw-${c.id}`}>
                  {c.recipient}
                </span>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Referrals({ ctx, timeZone, data }: { ctx: PageContext; timeZone: string; data: MyData }) {
  const { t } = ctx;
  const date = (iso: string) => formatDate(ctx, timeZone, iso);
  return (
    <section aria-labelledby="referrals-title">
      <h2 id="referrals-title">{t('mydata.referrals.title')}</h2>
      {data.referrals.length === 0 ? <p>{t('mydata.referrals.none')}</p> : null}
      <ul class="cards">
        {data.referrals.map((r) => (
          <li key={r.id} class="referral">
            <h3>{r.service ? <bdi>{r.service}</bdi> : t('mydata.referral.unknownService')}</h3>
            <p>
              {t('mydata.referral.at')} <bdi>{r.organisation}</bdi>
            </p>
            <p class="state">{t(`mydata.referral.state.${r.state}`)}</p>
            <p class="small">
              {t('mydata.referral.dates', { created: date(r.createdAt), updated: date(r.updatedAt) })}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface MyDataFound {
  code: string;
  data: MyData;
}

function Erasure({
  ctx,
  timeZone,
  erasureDays,
  code,
  data,
}: { ctx: PageContext; timeZone: string; erasureDays: number } & MyDataFound) {
  const { t } = ctx;
  return (
    <section aria-labelledby="erasure-title">
      <h2 id="erasure-title">{t('mydata.erasure.title')}</h2>
      {data.erasureDueAt ? (
        <p>{t('mydata.erasure.requested', { date: formatDate(ctx, timeZone, data.erasureDueAt) })}</p>
      ) : (
        <form method="post" action={localePath(ctx.locale, '/my-data/erasure')}>
          <p>{t('mydata.erasure.body', { days: erasureDays })}</p>
          <CodeField code={code} />
          <button type="submit" class="danger">
            {t('mydata.erasure.button')}
          </button>
        </form>
      )}
    </section>
  );
}

/**
 * The person's own page (/{lang}/my-data). Without a code: the form. With one: their consents, the referrals
 * made for them and the erasure request — never their name, phone or anything they told us.
 */
export function MyDataPage(props: MyDataPageProps) {
  const { ctx, timeZone, erasureDays, outcome, found } = props;
  const { t } = ctx;
  const title = t('mydata.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {outcome ? <Outcome ctx={ctx} timeZone={timeZone} outcome={outcome} /> : null}
      {found ? (
        <>
          <p>{t('mydata.safety')}</p>
          <Consents ctx={ctx} timeZone={timeZone} {...found} />
          <Referrals ctx={ctx} timeZone={timeZone} data={found.data} />
          <Erasure ctx={ctx} timeZone={timeZone} erasureDays={erasureDays} {...found} />
          <p>
            <a href={localePath(ctx.locale, '/my-data')}>{t('mydata.again')}</a>
          </p>
        </>
      ) : (
        <>
          <p>{t('mydata.intro')}</p>
          <CodeForm ctx={ctx} invalid={outcome?.kind === 'notFound' || outcome?.kind === 'rateLimited'} />
          <p>{t('mydata.safety')}</p>
        </>
      )}
      <p>
        <a href={localePath(ctx.locale, '/privacy')}>{t('mydata.privacyLink')}</a>
      </p>
    </Layout>
  );
}
