import { publicAccess } from '../../http/policy.ts';

/** The home page and the language redirect are public: a newcomer needs no account to look for help. */
export const viewHome = publicAccess;
