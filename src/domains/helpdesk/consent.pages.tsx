import type { StaffActor } from '../../http/policy.ts';
import type { PageContext } from '../../ui/index.ts';
import { Csrf, StaffLayout } from '../accounts/index.ts';
import { CONSENT_PURPOSES } from '../consent/index.ts';
import { SHAREABLE_FIELDS } from '../people/index.ts';
import {
  Choice,
  Choices,
  COMMON_LANGUAGES,
  FieldProblem,
  type FormProblem,
  formatDate,
  href,
  invalid,
  languageName,
  Problems,
  Slip,
  SlipLanguage,
} from './helpdesk.components.tsx';

export interface ConsentValues {
  recipientOrganisationId: string;
  fields: string[];
  purpose: string;
  expiresOn: string;
  explainedIn: string;
  interpreter: boolean;
  attested: boolean;
  slipLang: string;
}

/** The languages a consent may have been explained in: the common ones and the site's own. */
export function explanationLanguages(ctx: PageContext): string[] {
  return [...new Set([...COMMON_LANGUAGES, ...ctx.catalogues.locales])];
}

/** Record a consent: explicit, per purpose, for named fields, until a date, attested by the member of staff. */
export function ConsentFormPage({
  ctx,
  actor,
  personId,
  personName,
  organisations,
  values,
  problems = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  personId: string;
  personName: string;
  organisations: { id: string; name: string }[];
  values: ConsentValues;
  problems?: FormProblem[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.consent.title', { name: personName })}>
      <p>{t('staff.consent.intro')}</p>
      <Problems ctx={ctx} problems={problems} />
      <form method="post" action={href(ctx, `/staff/people/${personId}/consents`)} class="stack" novalidate>
        <Csrf actor={actor} />
        <div class="field">
          <label for="recipientOrganisationId">{t('staff.consent.recipient')}</label>
          <FieldProblem ctx={ctx} field="recipientOrganisationId" problems={problems} />
          <select
            id="recipientOrganisationId"
            name="recipientOrganisationId"
            aria-invalid={invalid('recipientOrganisationId', problems)}
          >
            <option value="">{t('staff.consent.choose')}</option>
            {organisations.map((o) => (
              <option key={o.id} value={o.id} selected={o.id === values.recipientOrganisationId}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div id="fields">
          <FieldProblem ctx={ctx} field="fields" problems={problems} />
          <Choices
            legend={t('staff.consent.fields')}
            name="fields"
            idPrefix="field"
            options={SHAREABLE_FIELDS.map((f) => ({ value: f, label: t(`staff.field.${f}`) }))}
            checked={values.fields}
          />
        </div>
        <fieldset id="purpose">
          <legend>{t('staff.consent.purposeLegend')}</legend>
          <FieldProblem ctx={ctx} field="purpose" problems={problems} />
          <div class="choices">
            {CONSENT_PURPOSES.map((p) => (
              <label class="choice" key={p} for={`purpose-${p}`}>
                <input
                  type="radio"
                  id={`purpose-${p}`}
                  name="purpose"
                  value={p}
                  checked={values.purpose === p}
                />
                <span>{t(`staff.consent.purpose.${p}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div class="field">
          <label for="expiresOn">{t('staff.consent.expires')}</label>
          <span class="hint" id="expiresOn-hint">
            {t('staff.consent.expiresHint')}
          </span>
          <FieldProblem ctx={ctx} field="expiresOn" problems={problems} />
          <input
            type="date"
            id="expiresOn"
            name="expiresOn"
            value={values.expiresOn}
            aria-describedby={
              invalid('expiresOn', problems) ? 'expiresOn-hint expiresOn-problem' : 'expiresOn-hint'
            }
            aria-invalid={invalid('expiresOn', problems)}
          />
        </div>
        <div class="field">
          <label for="explainedIn">{t('staff.consent.explainedIn')}</label>
          <FieldProblem ctx={ctx} field="explainedIn" problems={problems} />
          <select id="explainedIn" name="explainedIn" aria-invalid={invalid('explainedIn', problems)}>
            <option value="">{t('staff.consent.choose')}</option>
            {explanationLanguages(ctx).map((code) => (
              <option key={code} value={code} selected={code === values.explainedIn}>
                {languageName(ctx, code)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <Choice
            id="interpreter"
            name="interpreter"
            label={t('staff.consent.interpreter')}
            checked={values.interpreter}
          />
        </div>
        <SlipLanguage ctx={ctx} value={values.slipLang} />
        <div class="field attest">
          <FieldProblem ctx={ctx} field="attested" problems={problems} />
          <Choice
            id="attested"
            name="attested"
            label={t('staff.consent.attest')}
            checked={values.attested}
            required
            problem={invalid('attested', problems) === 'true'}
          />
        </div>
        <button type="submit">{t('staff.consent.submit')}</button>
      </form>
      <p>
        <a href={href(ctx, `/staff/people/${personId}`)}>{t('staff.consent.back')}</a>
      </p>
    </StaffLayout>
  );
}

/** The consent receipt: its code, large, and what the person agreed to, in the slip's language. */
export function ConsentSlipPage({
  ctx,
  actor,
  personId,
  receiptCode,
  recipient,
  fields,
  purpose,
  expiresAt,
  slipLang,
  myDataUrl,
}: {
  ctx: PageContext;
  actor: StaffActor;
  personId: string;
  receiptCode: string;
  recipient: string;
  fields: string[];
  purpose: string;
  expiresAt: Date;
  slipLang: string;
  myDataUrl: string;
}) {
  const { t } = ctx;
  const slip = ctx.catalogues.translator(slipLang);
  const slipCtx = { ...ctx, locale: slipLang };
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.consent.recorded')}>
      <p class="no-print">{t('staff.slip.printHint')}</p>
      <Slip ctx={ctx} lang={slipLang} title={slip('staff.slip.consent.title')} code={receiptCode}>
        <p>
          {slip('staff.slip.consent.agreed', {
            organisation: recipient,
            fields: fields.map((f) => slip(`staff.field.${f}`)).join(', '),
            purpose: slip(`staff.consent.purpose.${purpose}`),
            date: formatDate(slipCtx, expiresAt),
          })}
        </p>
        <p>{slip('staff.slip.consent.withdraw')}</p>
        <p>
          {slip('staff.slip.goTo')}{' '}
          <span class="slip-url" dir="ltr">
            {myDataUrl}
          </span>
        </p>
        <p class="small">{slip('layout.footer.promise')}</p>
      </Slip>
      <ul class="links no-print">
        <li>
          <a href={href(ctx, `/staff/people/${personId}`)}>{t('staff.slip.toPerson')}</a>
        </li>
      </ul>
    </StaffLayout>
  );
}
