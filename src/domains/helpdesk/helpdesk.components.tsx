import type { ComponentChildren } from 'preact';
import type { PageContext } from '../../ui/index.ts';
import { staffHref } from '../accounts/index.ts';

export const href = (ctx: PageContext, path: string) => staffHref(ctx.locale, path);

/** Languages offered as checkboxes on the intake form; anything else goes in the free-text field. */
export const COMMON_LANGUAGES = [
  'ar',
  'fa',
  'ps',
  'uk',
  'ru',
  'es',
  'fr',
  'pt',
  'en',
  'ti',
  'so',
  'tr',
] as const;

/** A language's name in the page's language (from the platform's CLDR data), or what was typed. */
export function languageName(ctx: PageContext, code: string): string {
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([ctx.locale], { type: 'language', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code; // a free-text name such as "Tigrinya" is not a language tag
  }
}

/** A language's own name (its endonym), for a checkbox the person can point at. */
export function endonym(code: string): string {
  try {
    return new Intl.DisplayNames([code], { type: 'language', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function formatDate(ctx: PageContext, at: Date | string): string {
  return new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(at));
}

/** One problem with what was typed: the field it is about (its element id) and the message key. */
export interface FormProblem {
  field: string;
  key: string;
  values?: Record<string, string | number>;
}

/** The error summary at the top of a form (GOV.UK pattern): each problem links to its field. */
export function Problems({ ctx, problems }: { ctx: PageContext; problems: FormProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div class="notice urgent" role="alert" aria-labelledby="problems-title">
      <h2 id="problems-title">{ctx.t('staff.error.title')}</h2>
      <ul>
        {problems.map((p) => (
          <li key={p.field + p.key}>
            <a href={`#${p.field}`}>{ctx.t(p.key, p.values)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The message next to a field that has a problem (its id is what `aria-describedby` names). */
export function FieldProblem({
  ctx,
  field,
  problems,
}: {
  ctx: PageContext;
  field: string;
  problems: FormProblem[];
}) {
  const problem = problems.find((p) => p.field === field);
  if (!problem) return null;
  return (
    <p class="field-problem" id={`${field}-problem`}>
      {ctx.t(problem.key, problem.values)}
    </p>
  );
}

export const invalid = (field: string, problems: FormProblem[]) =>
  problems.some((p) => p.field === field) ? 'true' : undefined;

/** A group of large checkboxes (whole tile clickable: easy on a tablet). */
export function Choices({
  legend,
  hint,
  name,
  options,
  checked,
  idPrefix,
}: {
  legend: string;
  hint?: string;
  name: string;
  options: { value: string; label: ComponentChildren }[];
  checked: readonly string[];
  idPrefix: string;
}) {
  return (
    <fieldset class="choices-group" aria-describedby={hint ? `${idPrefix}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint ? (
        <span class="hint" id={`${idPrefix}-hint`}>
          {hint}
        </span>
      ) : null}
      <div class="choices">
        {options.map((o) => (
          <label class="choice" key={o.value} for={`${idPrefix}-${o.value}`}>
            <input
              type="checkbox"
              id={`${idPrefix}-${o.value}`}
              name={name}
              value={o.value}
              checked={checked.includes(o.value)}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A single large checkbox. */
export function Choice({
  id,
  name,
  label,
  checked,
  required,
  problem,
}: {
  id: string;
  name: string;
  label: string;
  checked: boolean;
  required?: boolean;
  problem?: boolean;
}) {
  return (
    <label class="choice" for={id}>
      <input
        type="checkbox"
        id={id}
        name={name}
        value="yes"
        checked={checked}
        required={required}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
      />
      <span>{label}</span>
    </label>
  );
}

/**
 * A printable slip for the person: a code, large and readable, and what it is for — in the language the person
 * reads (`lang`), whatever the staff page's language. Printing shows only the slip, on one small page.
 */
export function Slip({
  ctx,
  lang,
  title,
  code,
  children,
}: {
  ctx: PageContext;
  lang: string;
  title: string;
  code: string;
  children: ComponentChildren;
}) {
  const catalogue = ctx.catalogues.get(lang);
  return (
    <section class="slip" lang={catalogue.locale} dir={catalogue.dir} aria-labelledby="slip-title">
      <h2 id="slip-title">{title}</h2>
      <p class="slip-code">
        <code lang="en" dir="ltr">
          {code}
        </code>
      </p>
      {children}
    </section>
  );
}

/** The language a slip is printed in: the page's, or one the person reads better. */
export function SlipLanguage({ ctx, value }: { ctx: PageContext; value: string }) {
  return (
    <div class="field">
      <label for="slipLang">{ctx.t('staff.slip.language')}</label>
      <select id="slipLang" name="slipLang">
        {ctx.catalogues.all().map((c) => (
          <option key={c.locale} value={c.locale} selected={c.locale === value} lang={c.locale}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Labelled facts as a definition list; `empty` is said instead when there are none. */
export function Facts({ rows, empty }: { rows: [string, ComponentChildren][]; empty?: string }) {
  if (rows.length === 0) return empty ? <p>{empty}</p> : null;
  return (
    <dl class="facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * What is recorded about a person, as labelled rows (only what is there): alias, phone, email, then the needs when
 * given (as need codes), languages, interpreter and urgency.
 */
export function personFacts(
  ctx: PageContext,
  person: {
    displayName?: string | undefined;
    phone?: string | undefined;
    email?: string | undefined;
    languages?: string[] | undefined;
    interpreterNeeded?: boolean | undefined;
    urgency?: string[] | undefined;
  },
  needs?: string[],
): [string, string][] {
  const { t } = ctx;
  const rows: [string, string][] = [];
  if (person.displayName) rows.push([t('staff.field.displayName'), person.displayName]);
  if (person.phone) rows.push([t('staff.field.phone'), person.phone]);
  if (person.email) rows.push([t('staff.field.email'), person.email]);
  if (needs?.length) rows.push([t('staff.person.needs'), needs.map((n) => t(`staff.need.${n}`)).join(', ')]);
  if (person.languages?.length)
    rows.push([t('staff.field.languages'), person.languages.map((l) => languageName(ctx, l)).join(', ')]);
  if (person.interpreterNeeded) rows.push([t('staff.field.interpreterNeeded'), t('staff.person.yes')]);
  if (person.urgency?.length)
    rows.push([t('staff.field.urgency'), person.urgency.map((u) => t(`staff.urgency.${u}`)).join(', ')]);
  return rows;
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      <p>{children}</p>
    </div>
  );
}
