import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/driver.ts';
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
