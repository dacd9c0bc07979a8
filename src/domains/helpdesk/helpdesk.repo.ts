import { asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { organisations } from '../accounts/index.ts';
import { hsdsLocation } from '../directory/index.ts';

/** A helpdesk site: one of the organisation's places in the directory (an HSDS location). */
export interface HelpdeskSite {
  id: string;
  name: string;
}

/**
 * The helpdesk sites of an Arrival organisation: the HSDS locations of the HSDS organization it is linked to
 * (`organisations.hsds_organization_id` → `hsds_location.organization_id`); none when it has no link.
 */
export async function sitesOfOrganisation(db: Executor, organisationId: string): Promise<HelpdeskSite[]> {
  const [organisation] = await db
    .select({ hsds: organisations.hsdsOrganizationId })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!organisation?.hsds) return [];
  const rows = await db
    .select({ id: hsdsLocation.id, name: hsdsLocation.name })
    .from(hsdsLocation)
    .where(eq(hsdsLocation.organizationId, organisation.hsds))
    .orderBy(asc(hsdsLocation.name), asc(hsdsLocation.id));
  return rows.map((r) => ({ id: r.id, name: r.name ?? r.id }));
}

/** A directory service someone may refer to, with what its receiving organisation says about its capacity. */
export interface ReferrableService {
  id: string;
  name: string;
  organisationName: string;
  /** The Arrival organisation that receives its referrals (linked to its HSDS organization), if any. */
  receiverId: string | null;
  receiverName: string | null;
  accepting: boolean | null;
  weeklyPlaces: number | null;
  waitingDays: number | null;
}

const serviceColumns = sql`s.id, coalesce(s.name, s.id) as name, coalesce(o.name, '') as organisation_name,
  (select a.id from organisations a where a.hsds_organization_id = s.organization_id
    order by a.created_at, a.id limit 1) as receiver_id,
  (select a.name from organisations a where a.hsds_organization_id = s.organization_id
    order by a.created_at, a.id limit 1) as receiver_name,
  c.accepting, c.weekly_places, c.waiting_days`;

interface ServiceDbRow extends Record<string, unknown> {
  id: string;
  name: string;
  organisation_name: string;
  receiver_id: string | null;
  receiver_name: string | null;
  accepting: boolean | null;
  weekly_places: number | null;
  waiting_days: number | null;
}

const toService = (r: ServiceDbRow): ReferrableService => ({
  id: r.id,
  name: r.name,
  organisationName: r.organisation_name,
  receiverId: r.receiver_id,
  receiverName: r.receiver_name,
  accepting: r.accepting,
  weeklyPlaces: r.weekly_places,
  waitingDays: r.waiting_days,
});

/**
 * Active directory services in any of `categories` (taxonomy term ids or codes, as the directory's search
 * filters them) or, when `q` is given, whose name contains it; those that can receive referrals first.
 */
export async function referrableServices(
  db: Executor,
  filter: { categories: readonly string[]; q: string },
  limit = 30,
): Promise<ReferrableService[]> {
  const q = filter.q.trim();
  const match = q
    ? sql`lower(coalesce(s.name, '')) like ${`%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`
    : sql`exists (select 1 from hsds_attribute a join hsds_taxonomy_term t on t.id = a.taxonomy_term_id
        where a.link_id = s.id and (t.id = any(${sql.param([...filter.categories])}::text[])
          or t.code = any(${sql.param([...filter.categories])}::text[])))`;
  const rows = await queryRows<ServiceDbRow>(
    db,
    sql`select * from (select ${serviceColumns}
          from hsds_service s
          left join hsds_organization o on o.id = s.organization_id
          left join service_capacity c on c.service_id = s.id
         where coalesce(s.status, 'active') = 'active' and ${match}) r
        order by (r.receiver_id is null), lower(r.name), r.id
        limit ${limit}`,
  );
  return rows.map(toService);
}

/** The directory services of an Arrival organisation (those of the HSDS organization it is linked to). */
export async function servicesOfOrganisation(
  db: Executor,
  organisationId: string,
): Promise<ReferrableService[]> {
  const rows = await queryRows<ServiceDbRow>(
    db,
    sql`select ${serviceColumns}
          from organisations me
          join hsds_service s on s.organization_id = me.hsds_organization_id
          left join hsds_organization o on o.id = s.organization_id
          left join service_capacity c on c.service_id = s.id
         where me.id = ${organisationId}
         order by lower(coalesce(s.name, s.id)), s.id
         limit 200`,
  );
  return rows.map(toService);
}

/** A person's referrals sent by their organisation (no personal field: state, service, receiver, dates). */
export interface PersonReferral {
  id: string;
  state: string;
  serviceName: string;
  receiverName: string;
  needId: string | null;
  createdAt: Date;
}

export async function referralsOfPerson(
  db: Executor,
  personId: string,
  organisationId: string,
): Promise<PersonReferral[]> {
  const rows = await queryRows<{
    id: string;
    state: string;
    service_name: string | null;
    receiver_name: string;
    need_id: string | null;
    created_at: Date | string;
  }>(
    db,
    sql`select r.id, r.state, s.name as service_name, o.name as receiver_name, r.need_id, r.created_at
          from referrals r
          join organisations o on o.id = r.receiver_organisation_id
          left join hsds_service s on s.id = r.service_id
         where r.person_id = ${personId} and r.sender_organisation_id = ${organisationId}
         order by r.created_at desc, r.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    serviceName: r.service_name ?? '',
    receiverName: r.receiver_name,
    needId: r.need_id,
    createdAt: new Date(r.created_at),
  }));
}
