import { publicAccess } from '../../http/policy.ts';

/** "What we store about you" is public: anyone may read it before telling us anything. */
export const viewPrivacyPage = { ...publicAccess, name: 'privacy.view' };
