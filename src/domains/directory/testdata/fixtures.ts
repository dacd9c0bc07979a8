import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { testDir } from '../../../../test/temp.ts';

/** A small multilingual directory for tests: services written in different languages and scripts. */
export const ORG_ID = '0b0b0b0b-0000-4000-8000-000000000001';
export const LOCATION_ID = '0c0c0c0c-0000-4000-8000-000000000001';

export interface FixtureService {
  id: string;
  name: string;
  description: string;
  languages?: string[];
}

export const FIXTURE_SERVICES: FixtureService[] = [
  {
    id: '0a000000-0000-4000-8000-000000000001',
    name: 'Free legal advice for newcomers',
    description: 'Lawyers answer your questions about housing, work and papers. Free and confidential.',
    languages: ['en', 'fr'],
  },
  {
    id: '0a000000-0000-4000-8000-000000000002',
    name: 'Community kitchen',
    description: 'A hot meal every evening. Nobody asks for documents.',
    languages: ['en'],
  },
  {
    id: '0a000000-0000-4000-8000-000000000003',
    name: 'Clínica de salud sin tarjeta sanitaria',
    description: 'Atención médica gratuita para personas sin tarjeta sanitaria. Intérprete disponible.',
    languages: ['es', 'ar'],
  },
  {
    id: '0a000000-0000-4000-8000-000000000004',
    name: 'دروس مجانية في اللغة للكبار',
    description: 'دروس لغة مجانية كل أسبوع للقادمين الجدد. لا نسأل عن الوثائق.',
    languages: ['ar'],
  },
  {
    id: '0a000000-0000-4000-8000-000000000005',
    name: 'مشاوره حقوقی رایگان',
    description: 'وکیل‌ها به سؤال‌های شما درباره کار و مسکن پاسخ می‌دهند.',
    languages: ['fa'],
  },
  {
    id: '0a000000-0000-4000-8000-000000000006',
    name: 'Юридична консультація для переселенців',
    description: 'Безкоштовна допомога з житлом, роботою та документами.',
    languages: ['uk', 'ru'],
  },
  {
    id: '0a000000-0000-4000-8000-000000000007',
    name: 'Cours de français gratuits',
    description: 'Des cours de langue pour adultes, trois fois par semaine, sans inscription préalable.',
    languages: ['fr'],
  },
  {
    id: '0a000000-0000-4000-8000-000000000008',
    name: 'Night shelter',
    description: 'A safe bed for the night. Walk in from 8 pm. Families welcome.',
    languages: ['en', 'uk'],
  },
];

/** The fixture directory as an HSDS JSON array (each service with its organization and one place). */
export function fixtureServices(): Record<string, unknown>[] {
  return FIXTURE_SERVICES.map((s) => ({
    id: s.id,
    name: s.name,
    description: s.description,
    status: 'active',
    organization: { id: ORG_ID, name: 'Welcome Network', description: 'A network of local organisations.' },
    languages: (s.languages ?? []).map((code) => ({ id: randomUUID(), code, name: code })),
    phones: [{ id: randomUUID(), number: '+1 555 0100' }],
    service_at_locations: [
      {
        id: randomUUID(),
        location: {
          id: LOCATION_ID,
          location_type: 'physical',
          name: 'Welcome Centre',
          latitude: 41.15,
          longitude: -8.61,
          addresses: [
            {
              id: '0d0d0d0d-0000-4000-8000-000000000001',
              address_1: '1 Harbour Street',
              city: 'Demo City',
              state_province: 'Demo',
              postal_code: '1000',
              country: 'PT',
              address_type: 'physical',
            },
          ],
        },
      },
    ],
    schedules: [
      { id: randomUUID(), byday: 'MO,TU,WE,TH,FR', opens_at: '09:00', closes_at: '17:00', freq: 'WEEKLY' },
    ],
  }));
}

export function writeFixtureFile(): string {
  const file = path.join(testDir('fixture'), 'services.json');
  writeFileSync(file, JSON.stringify(fixtureServices()));
  return file;
}
