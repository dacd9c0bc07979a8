import type { VNode } from 'preact';
import type { StaffActor } from '../../http/policy.ts';
import type { PageContext } from '../../ui/index.ts';
import { Csrf, formatTime, StaffLayout } from '../accounts/index.ts';
import type { ConsentRow, ConsentState } from '../consent/index.ts';
import { NEED_CODES, NEED_STATUSES, NOTE_MAX_CHARS, type TPersonView } from '../people/index.ts';
import {
  Choices,
  Facts,
  FieldProblem,
  type FormProblem,
  formatDate,
  href,
  invalid,
  Notice,
  Problems,
  personFacts,
} from './helpdesk.components.tsx';
import type { HelpdeskSite } from './helpdesk.repo.ts';
import { needOptions, SiteSelect } from './intake.pages.tsx';

/** What a finished action says after Post/Redirect/Get (`?done=`). */
export const DONE = ['updated', 'need', 'needs', 'note', 'step', 'visit', 'revoked'] as const;
export type Done = (typeof DONE)[number];

export interface ConsentListItem {
  consent: ConsentRow;
  recipient: string;
  state: ConsentState;
}

/**
 * More sections of the person page, from other domains (referrals, when they land): each gets the person as
 * the caller may see them and returns a section, or null to show nothing.
 */
export type PersonSection = (input: {
  ctx: PageContext;
  actor: StaffActor;
  person: TPersonView;
}) => Promise<VNode | null> | VNode | null;

export const personName = (ctx: PageContext, person: { displayName?: string | undefined }) =>
  person.displayName ?? ctx.t('staff.person.noName');

function Recorded({ ctx, person }: { ctx: PageContext; person: TPersonView }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="recorded-title" id="recorded">
      <h2 id="recorded-title">{t('staff.person.recorded')}</h2>
      {person.access === 'consent' && person.sharedUntil ? (
        <p>{t('staff.person.sharedUntil', { date: formatDate(ctx, person.sharedUntil) })}</p>
      ) : null}
      <Facts rows={personFacts(ctx, person)} empty={t('staff.person.nothing')} />
      {person.access === 'owner' ? (
        <p>
          <a href={href(ctx, `/staff/people/${person.id}/edit`)}>{t('staff.person.edit')}</a>
        </p>
      ) : null}
    </section>
  );
}

function Needs({ ctx, actor, person }: { ctx: PageContext; actor: StaffActor; person: TPersonView }) {
  const { t } = ctx;
  const needs = person.needs ?? [];
  const owner = person.access === 'owner';
  const missing = NEED_CODES.filter((n) => !needs.some((m) => m.need === n));
  return (
    <section aria-labelledby="needs-title" id="needs">
      <h2 id="needs-title">{t('staff.person.needs')}</h2>
      {needs.length === 0 ? <p>{t('staff.person.noNeeds')}</p> : null}
      <ul class="cards">
        {needs.map((n) => (
          <li key={n.id}>
            <p>
              <strong>{t(`staff.need.${n.need}`)}</strong>: {t(`staff.needStatus.${n.status}`)}
            </p>
            {owner ? (
              <form
                method="post"
                action={href(ctx, `/staff/people/${person.id}/needs/${n.id}`)}
                class="inline-form"
              >
                <Csrf actor={actor} />
                <label for={`status-${n.id}`}>
                  {t('staff.person.needStatusOf', { need: t(`staff.need.${n.need}`) })}
                </label>
                <select id={`status-${n.id}`} name="status">
                  {NEED_STATUSES.map((s) => (
                    <option key={s} value={s} selected={s === n.status}>
                      {t(`staff.needStatus.${s}`)}
                    </option>
                  ))}
                </select>
                <button type="submit" class="secondary">
                  {t('staff.person.save')}
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      {owner && missing.length > 0 ? (
        <details class="more">
          <summary>{t('staff.person.addNeeds')}</summary>
          <form method="post" action={href(ctx, `/staff/people/${person.id}/needs`)} class="stack">
            <Csrf actor={actor} />
            <Choices
              legend={t('staff.intake.needs')}
              name="needs"
              idPrefix="add-need"
              options={needOptions(ctx, missing)}
              checked={[]}
            />
            <button type="submit">{t('staff.person.addNeedsSubmit')}</button>
          </form>
        </details>
      ) : null}
    </section>
  );
}

export interface NoteDraft {
  kind: 'note' | 'next_step';
  body: string;
}

function Notes({
  ctx,
  actor,
  person,
  draft,
  problems,
}: {
  ctx: PageContext;
  actor: StaffActor;
  person: TPersonView;
  draft: NoteDraft;
  problems: FormProblem[];
}) {
  const { t } = ctx;
  const notes = [...(person.notes ?? [])].reverse();
  return (
    <section aria-labelledby="notes-title" id="notes">
      <h2 id="notes-title">{t('staff.person.notes')}</h2>
      {notes.length === 0 ? <p>{t('staff.person.noNotes')}</p> : null}
      <ul class="cards">
        {notes.map((n) => (
          <li key={n.id}>
            <p class="small">
              {t(n.kind === 'next_step' ? 'staff.person.nextStep' : 'staff.person.note')} ·{' '}
              {formatTime(ctx, new Date(n.createdAt))}
              {n.doneAt ? ` · ${t('staff.person.done', { date: formatDate(ctx, n.doneAt) })}` : ''}
            </p>
            <p class="note-body">{n.body}</p>
            {n.kind === 'next_step' && !n.doneAt ? (
              <form method="post" action={href(ctx, `/staff/people/${person.id}/notes/${n.id}/done`)}>
                <Csrf actor={actor} />
                <button type="submit" class="secondary">
                  {t('staff.person.markDone')}
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      <form method="post" action={href(ctx, `/staff/people/${person.id}/notes`)} class="stack" novalidate>
        <Csrf actor={actor} />
        <fieldset>
          <legend>{t('staff.person.addNote')}</legend>
          <div class="choices">
            {(['note', 'next_step'] as const).map((kind) => (
              <label class="choice" key={kind} for={`kind-${kind}`}>
                <input
                  type="radio"
                  id={`kind-${kind}`}
                  name="kind"
                  value={kind}
                  checked={draft.kind === kind}
                />
                <span>{t(kind === 'next_step' ? 'staff.person.nextStep' : 'staff.person.note')}</span>
              </label>
            ))}
          </div>
          <div class="field">
            <label for="body">{t('staff.person.noteText')}</label>
            <span class="hint" id="body-hint">
              {t('staff.person.noteHint', { max: NOTE_MAX_CHARS })}
            </span>
            <FieldProblem ctx={ctx} field="body" problems={problems} />
            <textarea
              id="body"
              name="body"
              rows={4}
              aria-describedby={invalid('body', problems) ? 'body-hint body-problem' : 'body-hint'}
              aria-invalid={invalid('body', problems)}
            >
              {draft.body}
            </textarea>
          </div>
          <button type="submit">{t('staff.person.addNoteSubmit')}</button>
        </fieldset>
      </form>
    </section>
  );
}

function Visits({
  ctx,
  actor,
  person,
  sites,
}: {
  ctx: PageContext;
  actor: StaffActor;
  person: TPersonView;
  sites: HelpdeskSite[];
}) {
  const { t } = ctx;
  const visits = [...(person.visits ?? [])].reverse();
  const siteName = (id: string | undefined) => sites.find((s) => s.id === id)?.name;
  return (
    <section aria-labelledby="visits-title" id="visits">
      <h2 id="visits-title">{t('staff.person.visits')}</h2>
      <ul>
        {visits.map((v) => (
          <li key={v.id}>
            {formatTime(ctx, new Date(v.at))}
            {siteName(v.siteId) ? ` · ${siteName(v.siteId)}` : ''}
          </li>
        ))}
      </ul>
      <form method="post" action={href(ctx, `/staff/people/${person.id}/visits`)} class="stack">
        <Csrf actor={actor} />
        <SiteSelect ctx={ctx} sites={sites} value="" problems={[]} />
        <button type="submit">{t('staff.person.recordVisit')}</button>
      </form>
    </section>
  );
}

function Consents({
  ctx,
  actor,
  person,
  consents,
}: {
  ctx: PageContext;
  actor: StaffActor;
  person: TPersonView;
  consents: ConsentListItem[];
}) {
  const { t } = ctx;
  return (
    <section aria-labelledby="consents-title" id="consents">
      <h2 id="consents-title">{t('staff.consent.list')}</h2>
      {consents.length === 0 ? <p>{t('staff.consent.none')}</p> : null}
      <ul class="cards">
        {consents.map(({ consent, recipient, state }) => (
          <li key={consent.id}>
            <p>
              <strong>{recipient}</strong> · {t(`staff.consent.state.${state}`)}
              <br />
              {t(`staff.consent.purpose.${consent.purpose}`)}:{' '}
              {consent.fields.map((f) => t(`staff.field.${f}`)).join(', ')}
              <br />
              {t('staff.consent.until', { date: formatDate(ctx, consent.expiresAt) })}
            </p>
            {state === 'active' ? (
              <form
                method="post"
                action={href(ctx, `/staff/people/${person.id}/consents/${consent.id}/revoke`)}
              >
                <Csrf actor={actor} />
                <button type="submit" class="secondary">
                  {t('staff.consent.revoke')}
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={href(ctx, `/staff/people/${person.id}/consents/new`)}>
          {t('staff.consent.record')}
        </a>
      </p>
    </section>
  );
}

/** A person's page: what is recorded, and what staff of the recording organisation can do next. */
export function PersonPage({
  ctx,
  actor,
  person,
  sites,
  consents,
  sections,
  done,
  draft = { kind: 'note', body: '' },
  problems = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  person: TPersonView;
  sites: HelpdeskSite[];
  consents: ConsentListItem[];
  /** Rendered sections from other domains (the referrals slot). */
  sections: VNode[];
  done?: Done | undefined;
  draft?: NoteDraft;
  problems?: FormProblem[];
}) {
  const { t } = ctx;
  const owner = person.access === 'owner';
  return (
    <StaffLayout ctx={ctx} actor={actor} title={personName(ctx, person)}>
      {done ? <Notice>{t(`staff.person.doneNotice.${done}`)}</Notice> : null}
      <Problems ctx={ctx} problems={problems} />
      {person.erasureRequestedAt ? (
        <div class="notice urgent">
          <p>{t('staff.person.erasureRequested', { date: formatDate(ctx, person.erasureRequestedAt) })}</p>
        </div>
      ) : null}
      {owner && person.createdAt && person.lastContactAt ? (
        <p class="small">
          {t('staff.person.since', { date: formatDate(ctx, person.createdAt) })} ·{' '}
          {t('staff.person.lastContact', { date: formatDate(ctx, person.lastContactAt) })}
        </p>
      ) : null}
      <Recorded ctx={ctx} person={person} />
      {person.needs ? <Needs ctx={ctx} actor={actor} person={person} /> : null}
      {owner ? (
        <>
          <Notes ctx={ctx} actor={actor} person={person} draft={draft} problems={problems} />
          <Visits ctx={ctx} actor={actor} person={person} sites={sites} />
          <Consents ctx={ctx} actor={actor} person={person} consents={consents} />
        </>
      ) : null}
      {/* The slot for other domains' sections (referrals): nothing is shown until one is plugged in. */}
      {sections}
      {owner ? (
        <section aria-labelledby="code-title" id="code">
          <h2 id="code-title">{t('staff.person.code')}</h2>
          <p>{t('staff.person.codeHint')}</p>
          <form method="post" action={href(ctx, `/staff/people/${person.id}/code`)} class="stack">
            <Csrf actor={actor} />
            <input type="hidden" name="slipLang" value={ctx.locale} />
            <button type="submit" class="secondary">
              {t('staff.person.newCode')}
            </button>
          </form>
          <h2>{t('staff.person.erase')}</h2>
          <p>
            <a href={href(ctx, `/staff/people/${person.id}/erase`)}>{t('staff.person.eraseLink')}</a>
          </p>
        </section>
      ) : null}
    </StaffLayout>
  );
}

/** Erasure asks once more: it cannot be undone. */
export function ErasePage({
  ctx,
  actor,
  person,
}: {
  ctx: PageContext;
  actor: StaffActor;
  person: TPersonView;
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.erase.title', { name: personName(ctx, person) })}>
      <div class="notice urgent">
        <p>{t('staff.erase.warning')}</p>
      </div>
      <form method="post" action={href(ctx, `/staff/people/${person.id}/erase`)} class="stack">
        <Csrf actor={actor} />
        <button type="submit">{t('staff.erase.confirm')}</button>
      </form>
      <p>
        <a href={href(ctx, `/staff/people/${person.id}`)}>{t('staff.erase.cancel')}</a>
      </p>
    </StaffLayout>
  );
}
