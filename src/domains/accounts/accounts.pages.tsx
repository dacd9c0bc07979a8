import type { ComponentChildren } from 'preact';
import type { Role, StaffActor } from '../../http/policy.ts';
import { Layout, type PageContext, QrCode } from '../../ui/index.ts';
import type { MemberView, OrganisationRow } from './accounts.repo.ts';
import type { SessionView } from './sessions.service.ts';
import { staffHref } from './staff-links.ts';

const href = (ctx: PageContext, path: string) => staffHref(ctx.locale, path);

export function formatTime(ctx: PageContext, at: Date): string {
  return new Intl.DateTimeFormat(ctx.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(at);
}

export function Csrf({ actor }: { actor: StaffActor }) {
  return <input type="hidden" name="_csrf" value={actor.csrfToken} />;
}

/** The error summary at the top of a form (GOV.UK pattern): announced at once, links to nothing it cannot. */
export function ErrorSummary({ ctx, code }: { ctx: PageContext; code: string | undefined }) {
  if (!code) return null;
  return (
    <div class="notice urgent" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">{ctx.t('staff.error.title')}</h2>
      <p>{ctx.t(`error.code.${code}`)}</p>
    </div>
  );
}

/** The roles that help people at a helpdesk (people.policy.ts). */
const helpsPeople = (actor: StaffActor) => ['city_admin', 'org_admin', 'caseworker'].includes(actor.role);

function StaffNav({ ctx, actor }: { ctx: PageContext; actor: StaffActor }) {
  const { t } = ctx;
  const links: [string, string, boolean][] = [
    ['/staff/', 'staff.nav.home', true],
    ['/staff/people/new', 'staff.nav.intake', helpsPeople(actor)],
    ['/staff/people', 'staff.nav.people', helpsPeople(actor)],
    ['/staff/referrals', 'staff.nav.referrals', helpsPeople(actor)],
    ['/staff/sessions', 'staff.nav.sessions', true],
    ['/staff/recovery-codes', 'staff.nav.recovery', true],
    ['/staff/organisation', 'staff.nav.organisation', ['city_admin', 'org_admin'].includes(actor.role)],
    ['/staff/audit', 'staff.nav.audit', ['city_admin', 'auditor'].includes(actor.role)],
  ];
  return (
    <nav class="staff-nav" aria-label={t('staff.nav.label')}>
      <ul>
        {links
          .filter(([, , shown]) => shown)
          .map(([path, key]) => (
            <li key={path}>
              <a href={href(ctx, path)}>{t(key)}</a>
            </li>
          ))}
      </ul>
      <form method="post" action={href(ctx, '/staff/logout')}>
        <Csrf actor={actor} />
        <button type="submit" class="secondary">
          {t('staff.logout')}
        </button>
      </form>
    </nav>
  );
}

export function StaffLayout(props: {
  ctx: PageContext;
  actor: StaffActor;
  title: string;
  children: ComponentChildren;
}) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <StaffNav ctx={props.ctx} actor={props.actor} />
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  );
}

export function LoginPage({
  ctx,
  next,
  error,
  email,
  csrf,
}: {
  ctx: PageContext;
  next: string;
  error?: string;
  email?: string;
  csrf: string;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('staff.login.title')}>
      <h1>{t('staff.login.title')}</h1>
      <p>{t('staff.login.intro')}</p>
      <ErrorSummary ctx={ctx} code={error} />
      <form method="post" action={href(ctx, '/staff/login')} class="stack">
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="_csrf" value={csrf} />
        <div class="field">
          <label for="email">{t('staff.login.email')}</label>
          <input
            type="email"
            id="email"
            name="email"
            autocomplete="username"
            required
            value={email ?? ''}
            aria-invalid={error ? 'true' : undefined}
          />
        </div>
        <div class="field">
          <label for="password">{t('staff.login.password')}</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required />
        </div>
        <div class="field">
          <label for="totp">{t('staff.login.totp')}</label>
          <span class="hint" id="totp-hint">
            {t('staff.login.totpHint')}
          </span>
          <input
            type="text"
            id="totp"
            name="totp"
            inputmode="numeric"
            autocomplete="one-time-code"
            aria-describedby="totp-hint"
          />
        </div>
        <button type="submit">{t('staff.login.submit')}</button>
      </form>
    </Layout>
  );
}

export const roleLabel = (ctx: PageContext, role: Role) => ctx.t(`staff.role.${role}`);

export function StaffHomePage({ ctx, actor }: { ctx: PageContext; actor: StaffActor }) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.home.title')}>
      <p>
        {t('staff.home.signedIn', {
          email: actor.email,
          role: roleLabel(ctx, actor.role),
          organisation: actor.organisationName,
        })}
      </p>
      {helpsPeople(actor) ? (
        <>
          <h2>{t('staff.home.helpdesk')}</h2>
          <ul class="links">
            <li>
              <a href={href(ctx, '/staff/people/new')}>{t('staff.nav.intake')}</a>
            </li>
            <li>
              <a href={href(ctx, '/staff/people')}>{t('staff.nav.people')}</a>
            </li>
            <li>
              <a href={href(ctx, '/staff/referrals')}>{t('staff.nav.referrals')}</a>
            </li>
            {['org_admin', 'caseworker'].includes(actor.role) ? (
              <li>
                <a href={href(ctx, '/staff/services/capacity')}>{t('staff.capacity.title')}</a>
              </li>
            ) : null}
          </ul>
        </>
      ) : null}
    </StaffLayout>
  );
}

export function SessionsPage({
  ctx,
  actor,
  sessions,
}: {
  ctx: PageContext;
  actor: StaffActor;
  sessions: SessionView[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.sessions.title')}>
      <p>{t('staff.sessions.intro')}</p>
      <ul class="cards">
        {sessions.map((s) => (
          <li key={s.id}>
            <p>
              {t('staff.sessions.started')}: {formatTime(ctx, s.createdAt)}
              <br />
              {t('staff.sessions.lastUsed')}: {formatTime(ctx, s.lastSeenAt)}
              <br />
              {roleLabel(ctx, s.role)}
            </p>
            {s.current ? (
              <p>
                <strong>{t('staff.sessions.current')}</strong>
              </p>
            ) : (
              <form method="post" action={href(ctx, `/staff/sessions/${s.id}/end`)}>
                <Csrf actor={actor} />
                <button type="submit" class="secondary">
                  {t('staff.sessions.end')}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </StaffLayout>
  );
}

const INVITABLE: Record<'city_admin' | 'org_admin', Role[]> = {
  city_admin: [
    'city_admin',
    'org_admin',
    'caseworker',
    'partner_editor',
    'analyst',
    'complaint_handler',
    'auditor',
  ],
  org_admin: ['org_admin', 'caseworker', 'partner_editor', 'analyst', 'complaint_handler'],
};

export function OrganisationPage({
  ctx,
  actor,
  organisation,
  members,
  organisations,
  invited,
  error,
}: {
  ctx: PageContext;
  actor: StaffActor;
  organisation: OrganisationRow;
  members: MemberView[];
  organisations: OrganisationRow[];
  invited?: string;
  error?: string;
}) {
  const { t } = ctx;
  const roles = INVITABLE[actor.role === 'city_admin' ? 'city_admin' : 'org_admin'];
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.org.title', { organisation: organisation.name })}>
      {invited ? (
        <div class="notice" role="status">
          <p>{t('staff.invite.sent', { email: invited })}</p>
        </div>
      ) : null}
      <ErrorSummary ctx={ctx} code={error} />
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('staff.org.email')}</th>
              <th scope="col">{t('staff.org.role')}</th>
              <th scope="col">{t('staff.org.status')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId}>
                <td>{m.email}</td>
                <td>{roleLabel(ctx, m.role)}</td>
                <td>
                  {m.disabled ? (
                    t('staff.org.disabled')
                  ) : m.userId === actor.userId ? (
                    t('staff.org.active')
                  ) : (
                    <form method="post" action={href(ctx, `/staff/users/${m.userId}/disable`)}>
                      <Csrf actor={actor} />
                      <input type="hidden" name="organisationId" value={organisation.id} />
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={t('staff.org.disableWho', { email: m.email })}
                      >
                        {t('staff.org.disable')}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t('staff.invite.title')}</h2>
      <form
        method="post"
        action={href(ctx, `/staff/organisations/${organisation.id}/invitations`)}
        class="stack"
      >
        <Csrf actor={actor} />
        <div class="field">
          <label for="invite-email">{t('staff.invite.email')}</label>
          <input type="email" id="invite-email" name="email" required autocomplete="off" />
        </div>
        <div class="field">
          <label for="invite-role">{t('staff.invite.role')}</label>
          <select id="invite-role" name="role">
            {roles.map((r) => (
              <option key={r} value={r}>
                {roleLabel(ctx, r)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('staff.invite.submit')}</button>
      </form>

      {organisations.length > 1 ? (
        <>
          <h2>{t('staff.org.others')}</h2>
          <ul class="links">
            {organisations.map((o) => (
              <li key={o.id}>
                <a href={href(ctx, `/staff/organisations/${o.id}`)}>{o.name}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </StaffLayout>
  );
}

export function AcceptInvitationPage({
  ctx,
  token,
  organisationName,
  email,
  error,
}: {
  ctx: PageContext;
  token: string;
  organisationName: string;
  email: string;
  error?: string;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('staff.accept.title', { organisation: organisationName })}>
      <h1>{t('staff.accept.title', { organisation: organisationName })}</h1>
      <p>{t('staff.accept.intro')}</p>
      <ErrorSummary ctx={ctx} code={error} />
      <form method="post" action={href(ctx, `/staff/invitations/${token}`)} class="stack">
        {/* For password managers: the account this password belongs to. */}
        <input type="hidden" name="username" value={email} autocomplete="username" />
        <div class="field">
          <label for="new-password">{t('staff.accept.password')}</label>
          <span class="hint" id="new-password-hint">
            {t('staff.accept.passwordHint')}
          </span>
          <input
            type="password"
            id="new-password"
            name="password"
            autocomplete="new-password"
            minlength={12}
            required
            aria-describedby="new-password-hint"
            aria-invalid={error ? 'true' : undefined}
          />
        </div>
        <button type="submit">{t('staff.accept.submit')}</button>
      </form>
    </Layout>
  );
}

function RecoveryCodeList({ codes }: { codes: string[] }) {
  return (
    <ul class="codes" lang="en" dir="ltr">
      {codes.map((c) => (
        <li key={c}>
          <code>{c}</code>
        </li>
      ))}
    </ul>
  );
}

/** After accepting an invitation: the second factor to enrol (shown once) and the way to log in. */
export function EnrolmentPage({
  ctx,
  totp,
}: {
  ctx: PageContext;
  totp: { uri: string; recoveryCodes: string[] } | undefined;
}) {
  const { t } = ctx;
  const secret = totp ? (new URL(totp.uri).searchParams.get('secret') ?? '') : '';
  return (
    <Layout ctx={ctx} title={totp ? t('staff.totp.title') : t('staff.accept.done')}>
      <h1>{totp ? t('staff.totp.title') : t('staff.accept.done')}</h1>
      {totp ? (
        <>
          <p>{t('staff.totp.intro')}</p>
          <p>
            <QrCode text={totp.uri} label={t('staff.totp.qr')} />
          </p>
          <p>
            {t('staff.totp.key')}:{' '}
            <code class="secret" lang="en" dir="ltr">
              {secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
          </p>
          <p>
            <a href={totp.uri}>{t('staff.totp.link')}</a>
          </p>
          <h2>{t('staff.recovery.title')}</h2>
          <p>
            {t('staff.recovery.intro')} {t('staff.recovery.shownOnce')}
          </p>
          <RecoveryCodeList codes={totp.recoveryCodes} />
        </>
      ) : null}
      <p>
        <a class="button" href={href(ctx, '/staff/login')}>
          {t('staff.login.submit')}
        </a>
      </p>
    </Layout>
  );
}

export function RecoveryCodesPage({
  ctx,
  actor,
  unused,
  fresh,
}: {
  ctx: PageContext;
  actor: StaffActor;
  unused: number;
  fresh?: string[];
}) {
  const { t } = ctx;
  return (
    <StaffLayout ctx={ctx} actor={actor} title={t('staff.recovery.title')}>
      <p>{t('staff.recovery.intro')}</p>
      {fresh ? (
        <>
          <p>
            <strong>{t('staff.recovery.shownOnce')}</strong>
          </p>
          <RecoveryCodeList codes={fresh} />
        </>
      ) : (
        <p>{t('staff.recovery.left', { count: unused })}</p>
      )}
      <form method="post" action={href(ctx, '/staff/recovery-codes')}>
        <Csrf actor={actor} />
        <p class="hint">{t('staff.recovery.regenerateHint')}</p>
        <button type="submit">{t('staff.recovery.regenerate')}</button>
      </form>
    </StaffLayout>
  );
}
