import type { StaffActor } from '../../http/policy.ts';
import type { PageContext } from '../../ui/index.ts';
import { Csrf, formatTime, StaffLayout } from '../accounts/index.ts';
import type { TPersonView } from '../people/index.ts';
import type { TReferralList, TReferralSummary, TReferralView } from '../referrals/index.ts';
import {
  Facts,
  FieldProblem,
  type FormProblem,
  formatDate,
  href,
  invalid,
  Notice,
  Problems,
  personFacts,
  Slip,
} from './helpdesk.components.tsx';
import type { PersonReferral, ReferrableService } from './helpdesk.repo.ts';
import { personName } from './person.pages.tsx';

/** The staff pages of referrals: refer from a need, a referral, the organisation's boxes, capacity. */

const stateName = (ctx: PageContext, state: string) => ctx.t(`staff.referral.state.${state}`);

/** The "Referrals" section of the person page (their organisation's referrals of them, and where to refer). */
export function PersonReferralsSection({
  ctx,
  person,
  referrals,
}: {
  ctx: PageContext;
  person: TPersonView;
  referrals: PersonReferral[];
}) {
  const { t } = ctx;
  const open = (person.needs ?? []).filter((n) => n.status === 'open');
  return (
    <section aria-labelledby="referrals-title" id="referrals">
      <h2 id="referrals-title">{t('staff.referral.section')}</h2>
      {referrals.length === 0 ? <p>{t('staff.referral.none')}</p> : null}
      <ul class="cards">
        {referrals.map((r) => (
          <li key={r.id}>
            <p>
              <a href={href(ctx, `/staff/referrals/${r.id}`)}>{r.serviceName || r.receiverName}</a>
            </p>
            <p class="small">
              {r.receiverName} · {stateName(ctx, r.state)} · {formatDate(ctx, r.createdAt)}
            </p>
          </li>
        ))}
      </ul>
      {open.length > 0 ? (
        <ul class="links">
          {open.map((n) => (
            <li key={n.id}>
              <a href={href(ctx, `/staff/people/${person.id}/refer?need=${n.id}`)}>
                {t('staff.referral.findFor', { need: t(`staff.need.${n.need}`) })}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export interface ConsentOption {
  id: string;
  recipientOrganisationId: string;
  expiresAt: Date;
}

/** What was chosen on one service's form (kept when the referral is refused). */
export interface ReferChoice {
  serviceId: string;
  share: string;
  send: 'now' | 'draft';
}

function Capacity({ ctx, service }: { ctx: PageContext; service: ReferrableService }) {
  const { t } = ctx;
  const notStated = t('staff.referral.notStated');
  return (
    <dl class="facts">
      <div>
        <dt>{t('staff.referral.canReceive')}</dt>
        <dd>
          {service.receiverId
            ? t('staff.referral.receivedBy', { organisation: service.receiverName ?? '' })
            : t('staff.referral.notInArrival')}
        </dd>
      </div>
      <div>
        <dt>{t('staff.capacity.accepting')}</dt>
        <dd>
          {service.accepting === null
            ? notStated
            : service.accepting
              ? t('staff.person.yes')
              : t('staff.capacity.notAccepting')}
        </dd>
      </div>
      <div>
        <dt>{t('staff.capacity.weeklyPlaces')}</dt>
        <dd>{service.weeklyPlaces ?? notStated}</dd>
      </div>
      <div>
        <dt>{t('staff.capacity.waitingDays')}</dt>
        <dd>{service.waitingDays ?? notStated}</dd>
      </div>
    </dl>
  );
}

export function ReferPage({
  ctx,
  actor,
  person,
  needId,
  need,
  q,
  services,
  consents,
  choice,
  problems = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  person: TPersonView;
  needId: string;
  need: string;
  q: string;
  services: ReferrableService[];
  consents: ConsentOption[];
  choice?: ReferChoice | undefined;
  problems?: FormProblem[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout
      ctx={ctx}
      actor={actor}
      title={t('staff.referral.referTitle', { need: t(`staff.need.${need}`), name: personName(ctx, person) })}
    >
      <Problems ctx={ctx} problems={problems} />
      <p>
        <a href={`${href(ctx, `/staff/people/${person.id}`)}#referrals`}>
          {t('staff.referral.backToPerson')}
        </a>
      </p>
      <form method="get" action={href(ctx, `/staff/people/${person.id}/refer`)} class="stack">
        <input type="hidden" name="need" value={needId} />
        <input type="hidden" name="lang" value={ctx.locale} />
        <div class="field">
          <label for="q">{t('staff.referral.searchName')}</label>
          <input type="search" id="q" name="q" value={q} maxLength={100} />
        </div>
        <button type="submit" class="secondary">
          {t('staff.referral.search')}
        </button>
      </form>
      {services.length === 0 ? <p>{t('staff.referral.noServices')}</p> : null}
      <ul class="cards">
        {services.map((s) => {
          const mine = consents.filter((c) => c.recipientOrganisationId === s.receiverId);
          const chosen = choice?.serviceId === s.id ? choice : undefined;
          const field = `share-${s.id}`;
          return (
            <li key={s.id}>
              <h2>{s.name}</h2>
              <p class="small">{s.organisationName}</p>
              <Capacity ctx={ctx} service={s} />
              {s.receiverId ? (
                <form method="post" action={href(ctx, `/staff/people/${person.id}/refer`)} class="stack">
                  <Csrf actor={actor} />
                  <input type="hidden" name="needId" value={needId} />
                  <input type="hidden" name="serviceId" value={s.id} />
                  <input type="hidden" name="q" value={q} />
                  <div class="field">
                    <label for={field}>{t('staff.referral.share')}</label>
                    <select
                      id={field}
                      name="share"
                      aria-invalid={chosen ? invalid(field, problems) : undefined}
                      aria-describedby={chosen && invalid(field, problems) ? `${field}-problem` : undefined}
                    >
                      <option value="pseudonymous" selected={!chosen || chosen.share === 'pseudonymous'}>
                        {t('staff.referral.pseudonymous')}
                      </option>
                      {mine.map((c) => (
                        <option key={c.id} value={c.id} selected={chosen?.share === c.id}>
                          {t('staff.referral.withConsent', { date: formatDate(ctx, c.expiresAt) })}
                        </option>
                      ))}
                    </select>
                    {chosen ? <FieldProblem ctx={ctx} field={field} problems={problems} /> : null}
                  </div>
                  <div class="actions">
                    <button type="submit" name="send" value="now">
                      {t('staff.referral.sendNow')}
                    </button>
                    <button type="submit" name="send" value="draft" class="secondary">
                      {t('staff.referral.saveDraft')}
                    </button>
                  </div>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>
    </StaffLayout>
  );
}

/** The moves that need a reason field (required for declined / not completed, optional for cancelled). */
const REASON_MOVES = new Set(['declined', 'not_completed', 'cancelled']);

export function ReferralPage({
  ctx,
  actor,
  referral,
  disclosureCode,
  slipLang,
  problems = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  referral: TReferralView;
  /** Only just after a pseudonymous referral was created: the one-time code, shown once. */
  disclosureCode?: string | undefined;
  slipLang?: string | undefined;
  problems?: FormProblem[];
}) {
  const { t } = ctx;
  const p = referral.person;
  const plain = referral.moves.filter((m) => !REASON_MOVES.has(m));
  const withReason = referral.moves.filter((m) => REASON_MOVES.has(m));
  const action = href(ctx, `/staff/referrals/${referral.id}/status`);
  const slip = ctx.catalogues.translator(slipLang ?? ctx.locale);
  return (
    <StaffLayout
      ctx={ctx}
      actor={actor}
      title={t('staff.referral.title', { service: referral.service.name })}
    >
      <Problems ctx={ctx} problems={problems} />
      {disclosureCode ? (
        <Slip
          ctx={ctx}
          lang={slipLang ?? ctx.locale}
          title={slip('staff.referral.slipTitle')}
          code={disclosureCode}
        >
          <p>{slip('staff.referral.slipText', { service: referral.service.name })}</p>
        </Slip>
      ) : null}
      <dl class="facts">
        <div>
          <dt>{t('staff.referral.stateLabel')}</dt>
          <dd>
            <strong>{stateName(ctx, referral.state)}</strong>
          </dd>
        </div>
        <div>
          <dt>{t('staff.referral.from')}</dt>
          <dd>{referral.sender.name}</dd>
        </div>
        <div>
          <dt>{t('staff.referral.to')}</dt>
          <dd>
            {referral.receiver.name} · {referral.service.name}
          </dd>
        </div>
        {referral.reason ? (
          <div>
            <dt>{t('staff.referral.reason')}</dt>
            <dd>{referral.reason}</dd>
          </div>
        ) : null}
      </dl>
      <section aria-labelledby="shared-title">
        <h2 id="shared-title">{t('staff.referral.person')}</h2>
        {referral.pseudonymous && !p.identityDisclosed ? <p>{t('staff.referral.pseudonymousNote')}</p> : null}
        <Facts rows={personFacts(ctx, p, p.needs)} empty={t('staff.person.nothing')} />
      </section>
      {referral.side === 'receiver' &&
      referral.pseudonymous &&
      !p.identityDisclosed &&
      referral.moves.length > 0 ? (
        <form method="post" action={href(ctx, `/staff/referrals/${referral.id}/disclose`)} class="stack">
          <Csrf actor={actor} />
          <div class="field">
            <label for="code">{t('staff.referral.codeLabel')}</label>
            <span class="hint" id="code-hint">
              {t('staff.referral.codeHint')}
            </span>
            <input
              type="text"
              id="code"
              name="code"
              autocomplete="off"
              maxLength={40}
              aria-describedby={invalid('code', problems) ? 'code-hint code-problem' : 'code-hint'}
              aria-invalid={invalid('code', problems)}
            />
            <FieldProblem ctx={ctx} field="code" problems={problems} />
          </div>
          <button type="submit">{t('staff.referral.disclose')}</button>
        </form>
      ) : null}
      {referral.moves.length > 0 ? (
        <section aria-labelledby="moves-title">
          <h2 id="moves-title">{t('staff.referral.moves')}</h2>
          {plain.length > 0 ? (
            <form method="post" action={action} class="actions">
              <Csrf actor={actor} />
              {plain.map((m) => (
                <button type="submit" name="status" value={m} key={m}>
                  {t(`staff.referral.move.${m}`)}
                </button>
              ))}
            </form>
          ) : null}
          {withReason.map((m) => {
            const field = `reason-${m}`;
            return (
              <form method="post" action={action} class="stack" key={m}>
                <Csrf actor={actor} />
                <input type="hidden" name="status" value={m} />
                <div class="field">
                  <label for={field}>
                    {t(m === 'cancelled' ? 'staff.referral.reasonOptional' : 'staff.referral.reasonRequired')}
                  </label>
                  <textarea
                    id={field}
                    name="reason"
                    rows={2}
                    maxLength={2000}
                    required={m !== 'cancelled'}
                    aria-invalid={invalid(field, problems)}
                    aria-describedby={invalid(field, problems) ? `${field}-problem` : undefined}
                  />
                  <FieldProblem ctx={ctx} field={field} problems={problems} />
                </div>
                <button type="submit" class="secondary">
                  {t(`staff.referral.move.${m}`)}
                </button>
              </form>
            );
          })}
        </section>
      ) : null}
      <section aria-labelledby="events-title">
        <h2 id="events-title">{t('staff.referral.events')}</h2>
        <ol class="cards">
          {referral.events.map((e) => (
            <li key={e.at + e.to}>
              <p>
                <strong>{stateName(ctx, e.to)}</strong> · {formatTime(ctx, new Date(e.at))}
              </p>
              <p class="small">{e.organisation ? e.organisation.name : t('staff.referral.bySystem')}</p>
              {e.reason ? <p class="note-body">{e.reason}</p> : null}
            </li>
          ))}
        </ol>
      </section>
      <p>
        <a href={href(ctx, '/staff/referrals')}>{t('staff.referral.dashboard')}</a>
      </p>
    </StaffLayout>
  );
}

export function ReferralsDashboardPage({
  ctx,
  actor,
  summary,
  list,
  box,
  state,
  states,
  done,
}: {
  ctx: PageContext;
  actor: StaffActor;
  summary: TReferralSummary;
  list: TReferralList;
  box: 'sent' | 'received';
  state: string | undefined;
  states: readonly string[];
  done?: string | undefined;
}) {
  const { t } = ctx;
  const link = (b: string, page = 1, s = state) =>
    href(ctx, `/staff/referrals?box=${b}${s ? `&state=${s}` : ''}${page > 1 ? `&page=${page}` : ''}`);
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.referral.dashboard')}>
      {done === 'capacity' ? <Notice>{t('staff.capacity.saved')}</Notice> : null}
      <div class="counts">
        {(['received', 'sent'] as const).map((b) => (
          <section key={b} aria-labelledby={`count-${b}`}>
            <h2 id={`count-${b}`}>{t(`staff.referral.box.${b}`)}</h2>
            <Facts
              rows={(['open', 'overdue', 'completed'] as const).map((k) => [
                t(`staff.referral.count.${k}`),
                summary[b][k],
              ])}
            />
          </section>
        ))}
      </div>
      <nav aria-label={t('staff.referral.boxes')}>
        <ul class="links">
          {(['received', 'sent'] as const).map((b) => (
            <li key={b}>
              <a href={link(b, 1, undefined)} aria-current={b === box ? 'page' : undefined}>
                {t(`staff.referral.box.${b}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <form method="get" action={href(ctx, '/staff/referrals')} class="inline-form">
        <input type="hidden" name="box" value={box} />
        <input type="hidden" name="lang" value={ctx.locale} />
        <label for="state">{t('staff.referral.stateLabel')}</label>
        <select id="state" name="state">
          <option value="">{t('staff.referral.allStates')}</option>
          {states.map((s) => (
            <option key={s} value={s} selected={s === state}>
              {stateName(ctx, s)}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          {t('staff.referral.filter')}
        </button>
      </form>
      <h2>{t(`staff.referral.box.${box}`)}</h2>
      {list.items.length === 0 ? <p>{t('staff.referral.noneInBox')}</p> : null}
      <ul class="cards">
        {list.items.map((r) => (
          <li key={r.id} class={r.overdue ? 'overdue' : undefined}>
            <p>
              <a href={href(ctx, `/staff/referrals/${r.id}`)}>{r.service.name}</a>
              {r.overdue ? <strong class="tag-overdue">{t('staff.referral.overdue')}</strong> : null}
            </p>
            <p class="small">
              {box === 'received' ? r.sender.name : r.receiver.name} · {stateName(ctx, r.state)} ·{' '}
              {formatDate(ctx, r.sentAt ?? r.createdAt)}
            </p>
          </li>
        ))}
      </ul>
      {list.totalPages > 1 ? (
        <nav aria-label={t('staff.referral.pages')}>
          <ul class="links">
            {list.page > 1 ? (
              <li>
                <a href={link(box, list.page - 1)}>{t('staff.referral.previous')}</a>
              </li>
            ) : null}
            <li>{t('staff.referral.pageOf', { page: list.page, pages: list.totalPages })}</li>
            {list.page < list.totalPages ? (
              <li>
                <a href={link(box, list.page + 1)}>{t('staff.referral.next')}</a>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
      {['org_admin', 'caseworker'].includes(actor.role) ? (
        <p>
          <a href={href(ctx, '/staff/services/capacity')}>{t('staff.capacity.title')}</a>
        </p>
      ) : null}
    </StaffLayout>
  );
}

export interface CapacityValues {
  accepting: boolean;
  weeklyPlaces: string;
  waitingDays: string;
}

export function CapacityPage({
  ctx,
  actor,
  services,
  failed,
  problems = [],
}: {
  ctx: PageContext;
  actor: StaffActor;
  services: ReferrableService[];
  failed?: { serviceId: string; values: CapacityValues } | undefined;
  problems?: FormProblem[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.capacity.title')}>
      <Problems ctx={ctx} problems={problems} />
      <p>{t('staff.capacity.intro')}</p>
      {services.length === 0 ? <p>{t('staff.capacity.none')}</p> : null}
      <ul class="cards">
        {services.map((s) => {
          const v: CapacityValues =
            failed?.serviceId === s.id
              ? failed.values
              : {
                  accepting: s.accepting ?? true,
                  weeklyPlaces: s.weeklyPlaces === null ? '' : String(s.weeklyPlaces),
                  waitingDays: s.waitingDays === null ? '' : String(s.waitingDays),
                };
          const id = (f: string) => `${f}-${s.id}`;
          return (
            <li key={s.id}>
              <h2>{s.name}</h2>
              <form method="post" action={href(ctx, `/staff/services/capacity/${s.id}`)} class="stack">
                <Csrf actor={actor} />
                <label class="choice" for={id('accepting')}>
                  <input
                    type="checkbox"
                    id={id('accepting')}
                    name="accepting"
                    value="yes"
                    checked={v.accepting}
                  />
                  <span>{t('staff.capacity.acceptingNow')}</span>
                </label>
                {(['weeklyPlaces', 'waitingDays'] as const).map((f) => (
                  <div class="field" key={f}>
                    <label for={id(f)}>{t(`staff.capacity.${f}`)}</label>
                    <span class="hint" id={`${id(f)}-hint`}>
                      {t('staff.capacity.emptyHint')}
                    </span>
                    <input
                      type="text"
                      inputMode="numeric"
                      id={id(f)}
                      name={f}
                      value={v[f]}
                      maxLength={6}
                      aria-invalid={invalid(id(f), problems)}
                      aria-describedby={
                        invalid(id(f), problems) ? `${id(f)}-hint ${id(f)}-problem` : `${id(f)}-hint`
                      }
                    />
                    <FieldProblem ctx={ctx} field={id(f)} problems={problems} />
                  </div>
                ))}
                <button type="submit">{t('staff.person.save')}</button>
              </form>
            </li>
          );
        })}
      </ul>
    </StaffLayout>
  );
}
