import type { StaffActor } from '../../http/policy.ts';
import type { PageContext } from '../../ui/index.ts';
import { formatTime, StaffLayout, staffHref } from '../accounts/index.ts';
import type { ChainedRow } from './audit.chain.ts';
import type { TAuditQuery } from './audit.schema.ts';

type Filters = Omit<TAuditQuery, 'limit' | 'before'>;

const FIELDS = ['actor', 'organisation', 'action', 'objectType', 'objectId'] as const;

function queryString(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const f of FIELDS) {
    const v = filters[f];
    if (v) params.set(f, v);
  }
  if (filters.from) params.set('from', filters.from.toISOString().slice(0, 10));
  if (filters.to) params.set('to', filters.to.toISOString().slice(0, 10));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The auditor's view: filters (a GET form, so a filtered view can be bookmarked), the rows, a CSV download. */
export function AuditPage({
  ctx,
  actor,
  filters,
  entries,
  nextBefore,
}: {
  ctx: PageContext;
  actor: StaffActor;
  filters: Filters;
  entries: ChainedRow[];
  nextBefore: number | null;
}) {
  const { t } = ctx;
  const day = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '');
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.audit.title')}>
      <form method="get" action="/staff/audit" class="filters">
        <input type="hidden" name="lang" value={ctx.locale} />
        <fieldset>
          <legend>{t('staff.audit.filters')}</legend>
          {FIELDS.map((f) => (
            <div class="field" key={f}>
              <label for={`f-${f}`}>{t(`staff.audit.${f}`)}</label>
              <input
                type="text"
                id={`f-${f}`}
                name={f}
                value={filters[f] ?? ''}
                dir="ltr"
                autocomplete="off"
              />
            </div>
          ))}
          <div class="field">
            <label for="f-from">{t('staff.audit.from')}</label>
            <input type="date" id="f-from" name="from" value={day(filters.from)} />
          </div>
          <div class="field">
            <label for="f-to">{t('staff.audit.to')}</label>
            <input type="date" id="f-to" name="to" value={day(filters.to)} />
          </div>
          <button type="submit">{t('staff.audit.apply')}</button>
        </fieldset>
      </form>
      <p>
        <a href={`/api/v1/audit/export.csv${queryString(filters)}`} download="audit-log.csv">
          {t('staff.audit.export')}
        </a>
      </p>
      {entries.length === 0 ? (
        <p>{t('staff.audit.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('staff.audit.time')}</th>
                <th scope="col">{t('staff.audit.action')}</th>
                <th scope="col">{t('staff.audit.actor')}</th>
                <th scope="col">{t('staff.audit.object')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{formatTime(ctx, e.at)}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td dir="ltr">
                    {e.actorUserId ? <code>{e.actorUserId}</code> : '—'}
                    {e.actorRole ? ` (${e.actorRole})` : ''}
                  </td>
                  <td dir="ltr">
                    {e.objectType ? <code>{`${e.objectType} ${e.objectId ?? ''}`}</code> : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextBefore ? (
        <p>
          <a
            href={staffHref(
              ctx.locale,
              `/staff/audit${queryString(filters, { before: String(nextBefore) })}`,
            )}
          >
            {t('staff.audit.more')}
          </a>
        </p>
      ) : null}
    </StaffLayout>
  );
}
