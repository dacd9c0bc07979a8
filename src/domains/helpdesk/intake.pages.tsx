import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../http/policy.ts';
import type { PageContext } from '../../ui/index.ts';
import { Csrf, StaffLayout } from '../accounts/index.ts';
import { NEED_CODES, URGENCY_FLAGS } from '../people/index.ts';
import {
  Choice,
  Choices,
  COMMON_LANGUAGES,
  endonym,
  FieldProblem,
  type FormProblem,
  formatDate,
  href,
  invalid,
  languageName,
  Notice,
  Problems,
  Slip,
  SlipLanguage,
} from './helpdesk.components.tsx';
import type { HelpdeskSite } from './helpdesk.repo.ts';

/** What the intake form holds, as typed (kept when the form is refused). */
export interface IntakeValues {
  siteId: string;
  needs: string[];
  urgency: string[];
  languages: string[];
  otherLanguages: string;
  interpreterNeeded: boolean;
  displayName: string;
  phone: string;
  email: string;
  slipLang: string;
  /** Random, one per intake form: a second submit of the same form (a double tap) records no second person. */
  formToken: string;
}

export const emptyIntake = (slipLang: string): IntakeValues => ({
  siteId: '',
  needs: [],
  urgency: [],
  languages: [],
  otherLanguages: '',
  interpreterNeeded: false,
  displayName: '',
  phone: '',
  email: '',
  slipLang,
  formToken: randomUUID(),
});

/** A text input with its label, hint and problem. */
function TextField(props: {
  ctx: PageContext;
  id: string;
  label: string;
  hint?: string;
  value: string;
  type?: 'text' | 'tel' | 'email';
  autocomplete?: string;
  inputmode?: 'tel' | 'email' | 'text';
  problems: FormProblem[];
}) {
  const { ctx, id, problems } = props;
  const describedBy = [props.hint ? `${id}-hint` : '', invalid(id, problems) ? `${id}-problem` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      <FieldProblem ctx={ctx} field={id} problems={problems} />
      <input
        // Preact types each input type separately; all three are plain text inputs here.
        type={(props.type ?? 'text') as 'text'}
        id={id}
        name={id}
        value={props.value}
        autocomplete={props.autocomplete ?? 'off'}
        inputmode={props.inputmode}
        aria-describedby={describedBy || undefined}
        aria-invalid={invalid(id, problems)}
      />
    </div>
  );
}

/** The site select: only when the organisation has places in the directory. */
export function SiteSelect({
  ctx,
  sites,
  value,
  problems,
}: {
  ctx: PageContext;
  sites: HelpdeskSite[];
  value: string;
  problems: FormProblem[];
}) {
  if (sites.length === 0) return null;
  return (
    <div class="field">
      <label for="siteId">{ctx.t('staff.intake.site')}</label>
      <FieldProblem ctx={ctx} field="siteId" problems={problems} />
      <select id="siteId" name="siteId" aria-invalid={invalid('siteId', problems)}>
        <option value="">{ctx.t('staff.intake.noSite')}</option>
        {sites.map((s) => (
          <option key={s.id} value={s.id} selected={s.id === value}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export const needOptions = (ctx: PageContext, only: readonly string[] = NEED_CODES) =>
  only.map((n) => ({ value: n, label: ctx.t(`staff.need.${n}`) }));

/** Intake: one short form for a tablet. Everything is optional. */
export function IntakePage({
  ctx,
  actor,
  sites,
  values,
  problems = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  sites: HelpdeskSite[];
  values: IntakeValues;
  problems?: FormProblem[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.intake.title')}>
      <div class="notice">
        <p>{t('staff.intake.optional')}</p>
      </div>
      <Problems ctx={ctx} problems={problems} />
      <form method="post" action={href(ctx, '/staff/people/new')} class="stack intake" novalidate>
        <Csrf actor={actor} />
        <input type="hidden" name="formToken" value={values.formToken} />
        <SiteSelect ctx={ctx} sites={sites} value={values.siteId} problems={problems} />
        <Choices
          legend={t('staff.intake.needs')}
          name="needs"
          idPrefix="need"
          options={needOptions(ctx)}
          checked={values.needs}
        />
        <UrgencyChoices ctx={ctx} checked={values.urgency} withHint />
        <LanguageFields ctx={ctx} values={values} problems={problems} />
        <ContactFields ctx={ctx} values={values} problems={problems} withHints />
        <SlipLanguage ctx={ctx} value={values.slipLang} />
        <button type="submit">{t('staff.intake.submit')}</button>
      </form>
    </StaffLayout>
  );
}

/** Urgency flags: big checkboxes, the hint on intake. */
function UrgencyChoices({
  ctx,
  checked,
  withHint,
}: {
  ctx: PageContext;
  checked: string[];
  withHint?: boolean;
}) {
  const { t } = ctx;
  return (
    <Choices
      legend={t('staff.intake.urgent')}
      {...(withHint ? { hint: t('staff.intake.urgentHint') } : {})}
      name="urgency"
      idPrefix="urgency"
      options={URGENCY_FLAGS.map((f) => ({ value: f, label: t(`staff.urgency.${f}`) }))}
      checked={checked}
    />
  );
}

/** Languages the person speaks (each also in its own name), others in words, and whether an interpreter helps. */
function LanguageFields({
  ctx,
  values,
  problems,
}: {
  ctx: PageContext;
  values: Pick<IntakeValues, 'languages' | 'otherLanguages' | 'interpreterNeeded'>;
  problems: FormProblem[];
}) {
  const { t } = ctx;
  return (
    <>
      <Choices
        legend={t('staff.intake.languages')}
        name="languages"
        idPrefix="lang"
        options={COMMON_LANGUAGES.map((code) => ({
          value: code,
          label: (
            <>
              {languageName(ctx, code)}
              {code !== ctx.locale ? (
                <span class="endonym" lang={code}>
                  {' '}
                  {endonym(code)}
                </span>
              ) : null}
            </>
          ),
        }))}
        checked={values.languages}
      />
      <TextField
        ctx={ctx}
        id="otherLanguages"
        label={t('staff.intake.otherLanguages')}
        hint={t('staff.intake.otherLanguagesHint')}
        value={values.otherLanguages}
        problems={problems}
      />
      <div class="field">
        <Choice
          id="interpreterNeeded"
          name="interpreterNeeded"
          label={t('staff.intake.interpreter')}
          checked={values.interpreterNeeded}
        />
      </div>
    </>
  );
}

/** The optional alias and contact; on intake with the hints that say they are optional and what they are for. */
function ContactFields({
  ctx,
  values,
  problems,
  withHints,
}: {
  ctx: PageContext;
  values: Pick<IntakeValues, 'displayName' | 'phone' | 'email'>;
  problems: FormProblem[];
  withHints?: boolean;
}) {
  const { t } = ctx;
  return (
    <>
      <TextField
        ctx={ctx}
        id="displayName"
        label={t('staff.intake.name')}
        {...(withHints ? { hint: t('staff.intake.nameHint') } : {})}
        value={values.displayName}
        problems={problems}
      />
      <TextField
        ctx={ctx}
        id="phone"
        type="tel"
        inputmode="tel"
        label={t('staff.intake.phone')}
        {...(withHints ? { hint: t('staff.intake.contactHint') } : {})}
        value={values.phone}
        problems={problems}
      />
      <TextField
        ctx={ctx}
        id="email"
        type="email"
        inputmode="email"
        label={t('staff.intake.email')}
        value={values.email}
        problems={problems}
      />
    </>
  );
}

/** What the Arrival code is for, in the slip's language. */
export function PersonSlip({
  ctx,
  lang,
  code,
  myDataUrl,
}: {
  ctx: PageContext;
  lang: string;
  code: string;
  myDataUrl: string;
}) {
  const t = ctx.catalogues.translator(lang);
  return (
    <Slip ctx={ctx} lang={lang} title={t('staff.slip.person.title')} code={code}>
      <p>{t('staff.slip.person.keep')}</p>
      <ul>
        <li>{t('staff.slip.person.see')}</li>
        <li>{t('staff.slip.person.withdraw')}</li>
        <li>{t('staff.slip.person.delete')}</li>
      </ul>
      <p>
        {t('staff.slip.goTo')}{' '}
        <span class="slip-url" dir="ltr">
          {myDataUrl}
        </span>
      </p>
      <p>{t('staff.slip.person.lost')}</p>
      <p class="small">{t('layout.footer.promise')}</p>
    </Slip>
  );
}

/** After intake (or a new code): the slip to print, and where to go next. */
export function PersonSlipPage({
  ctx,
  actor,
  personId,
  code,
  slipLang,
  myDataUrl,
  reissued,
}: {
  ctx: PageContext;
  actor: StaffActor;
  personId: string;
  code: string;
  slipLang: string;
  myDataUrl: string;
  reissued?: boolean;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t(reissued ? 'staff.slip.reissued' : 'staff.slip.recorded')}>
      <p class="no-print">{t('staff.slip.printHint')}</p>
      <PersonSlip ctx={ctx} lang={slipLang} code={code} myDataUrl={myDataUrl} />
      <ul class="links no-print">
        <li>
          <a href={href(ctx, `/staff/people/${personId}`)}>{t('staff.slip.toPerson')}</a>
        </li>
        <li>
          <a href={href(ctx, '/staff/people/new')}>{t('staff.slip.another')}</a>
        </li>
      </ul>
    </StaffLayout>
  );
}

export interface FoundPerson {
  id: string;
  displayName?: string | undefined;
  lastContactAt?: string | undefined;
}

/** An erasure request waiting for the city (dates only: the list names no one). */
export interface PendingErasure {
  personId: string;
  requestedAt: Date;
  dueAt: Date;
}

export interface LookupValues {
  phone: string;
  email: string;
  code: string;
}

/** Find a returning person by phone, email or Arrival code (the service looks up blind indexes). */
export function FindPage({
  ctx,
  actor,
  values,
  found,
  problems = [],
  erased,
  erasures = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  values: LookupValues;
  found?: FoundPerson[];
  problems?: FormProblem[];
  erased?: boolean;
  /** Shown to those who may erase people. */
  erasures?: PendingErasure[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.find.title')}>
      {erased ? <Notice>{t('staff.person.erased')}</Notice> : null}
      <p>
        <a class="button" href={href(ctx, '/staff/people/new')}>
          {t('staff.nav.intake')}
        </a>
      </p>
      <p>{t('staff.find.intro')}</p>
      <Problems ctx={ctx} problems={problems} />
      <form method="post" action={href(ctx, '/staff/people/lookup')} class="stack" novalidate>
        <Csrf actor={actor} />
        <TextField
          ctx={ctx}
          id="code"
          label={t('staff.find.code')}
          hint={t('staff.find.codeHint')}
          value={values.code}
          problems={problems}
        />
        <TextField
          ctx={ctx}
          id="phone"
          type="tel"
          inputmode="tel"
          label={t('staff.intake.phone')}
          value={values.phone}
          problems={problems}
        />
        <TextField
          ctx={ctx}
          id="email"
          type="email"
          inputmode="email"
          label={t('staff.intake.email')}
          value={values.email}
          problems={problems}
        />
        <button type="submit">{t('staff.find.submit')}</button>
      </form>
      {found ? (
        <section aria-labelledby="found-title">
          <h2 id="found-title">{t('staff.find.results', { count: found.length })}</h2>
          {found.length === 0 ? (
            <p>{t('staff.find.none')}</p>
          ) : (
            <ul class="links">
              {found.map((p) => (
                <li key={p.id}>
                  <a href={href(ctx, `/staff/people/${p.id}`)}>
                    {p.displayName ?? t('staff.person.noName')}
                    {p.lastContactAt
                      ? ` · ${t('staff.person.lastContact', { date: formatDate(ctx, p.lastContactAt) })}`
                      : ''}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      {erasures.length > 0 ? (
        <section aria-labelledby="erasures-title">
          <h2 id="erasures-title">{t('staff.find.erasures.title')}</h2>
          <p>{t('staff.find.erasures.intro')}</p>
          <ul class="links">
            {erasures.map((e) => (
              <li key={e.personId}>
                {t('staff.find.erasures.item', {
                  requested: formatDate(ctx, e.requestedAt.toISOString()),
                  due: formatDate(ctx, e.dueAt.toISOString()),
                })}{' '}
                ·{' '}
                <a href={href(ctx, `/staff/people/${e.personId}/erase`)}>{t('staff.find.erasures.review')}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </StaffLayout>
  );
}

/** Change what is recorded: the same fields as intake; an emptied field is forgotten. */
export function EditPersonPage({
  ctx,
  actor,
  personId,
  name,
  values,
  problems = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  personId: string;
  name: string;
  values: IntakeValues;
  problems?: FormProblem[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.edit.title', { name })}>
      <p>{t('staff.edit.hint')}</p>
      <Problems ctx={ctx} problems={problems} />
      <form
        method="post"
        action={href(ctx, `/staff/people/${personId}/edit`)}
        class="stack intake"
        novalidate
      >
        <Csrf actor={actor} />
        <ContactFields ctx={ctx} values={values} problems={problems} />
        <LanguageFields ctx={ctx} values={values} problems={problems} />
        <UrgencyChoices ctx={ctx} checked={values.urgency} />
        <button type="submit">{t('staff.edit.submit')}</button>
      </form>
      <p>
        <a href={href(ctx, `/staff/people/${personId}`)}>{t('staff.consent.back')}</a>
      </p>
    </StaffLayout>
  );
}
