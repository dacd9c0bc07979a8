import { publicAccess } from '../../http/policy.ts';

/** The directory is public: open data for newcomers, partners and peer cities, no account needed. */
export const readHsdsApi = publicAccess;
export const viewDirectoryPages = publicAccess;
