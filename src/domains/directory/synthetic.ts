import type { Db } from '../../db/driver.ts';
import { stableUuid } from './demo.ts';
import { ACCESS_LABELS, ACCESS_TAXONOMY, CATEGORY_TAXONOMY } from './directory.repo.ts';
import { addRow, emptyFlatRows, type FlatRows } from './hsds.flatten.ts';
import { upsertRows } from './hsds.rows.ts';
import { reindexServices } from './search.index.ts';

/**
 * `arrival seed-demo --services N --seed S`: a deterministic synthetic directory of any size, in eight languages
 * and three scripts, for benchmarks. The same N and S always give the same ids and text.
 */

/** mulberry32: a small, well-known deterministic PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per language: kinds of help, audiences, and places, combined into names and descriptions. */
const WORDS: Record<string, { help: string[]; who: string[]; where: string[]; free: string }> = {
  en: {
    help: [
      'legal advice',
      'health clinic',
      'night shelter',
      'food bank',
      'language class',
      'job advice',
      'school enrolment help',
      'counselling',
      'clothes bank',
      'housing advice',
    ],
    who: ['newcomers', 'families', 'women', 'young people', 'workers', 'everyone'],
    where: ['North', 'Harbour', 'Old Town', 'Riverside', 'Station', 'Market'],
    free: 'Free, no appointment needed.',
  },
  es: {
    help: [
      'asesoría jurídica',
      'clínica de salud',
      'albergue nocturno',
      'banco de alimentos',
      'clase de idioma',
      'orientación laboral',
      'ayuda escolar',
      'apoyo psicológico',
      'ropero',
      'asesoría de vivienda',
    ],
    who: ['recién llegados', 'familias', 'mujeres', 'jóvenes', 'trabajadores', 'todas las personas'],
    where: ['Norte', 'Puerto', 'Casco Antiguo', 'Ribera', 'Estación', 'Mercado'],
    free: 'Gratis, sin cita previa.',
  },
  fr: {
    help: [
      'conseil juridique',
      'centre de santé',
      'hébergement de nuit',
      'banque alimentaire',
      'cours de langue',
      'conseil emploi',
      'aide à la scolarité',
      'soutien psychologique',
      'vestiaire',
      'conseil logement',
    ],
    who: ['nouveaux arrivants', 'familles', 'femmes', 'jeunes', 'travailleurs', 'tout le monde'],
    where: ['Nord', 'Port', 'Vieille Ville', 'Rivière', 'Gare', 'Marché'],
    free: 'Gratuit, sans rendez-vous.',
  },
  pt: {
    help: [
      'apoio jurídico',
      'clínica de saúde',
      'abrigo noturno',
      'banco de alimentos',
      'aula de idioma',
      'orientação de emprego',
      'apoio escolar',
      'apoio psicológico',
      'banco de roupas',
      'apoio à habitação',
    ],
    who: ['recém-chegados', 'famílias', 'mulheres', 'jovens', 'trabalhadores', 'todas as pessoas'],
    where: ['Norte', 'Porto', 'Cidade Velha', 'Ribeira', 'Estação', 'Mercado'],
    free: 'Gratuito, sem marcação.',
  },
  ar: {
    help: [
      'استشارة قانونية',
      'عيادة صحية',
      'مأوى ليلي',
      'بنك الطعام',
      'دروس اللغة',
      'إرشاد مهني',
      'مساعدة مدرسية',
      'دعم نفسي',
      'بنك الملابس',
      'استشارة سكنية',
    ],
    who: ['القادمين الجدد', 'العائلات', 'النساء', 'الشباب', 'العمال', 'الجميع'],
    where: ['الشمال', 'الميناء', 'المدينة القديمة', 'النهر', 'المحطة', 'السوق'],
    free: 'مجاني، بدون موعد.',
  },
  uk: {
    help: [
      'юридична консультація',
      'медичний пункт',
      'нічний притулок',
      'продовольчий банк',
      'мовні курси',
      'консультація з працевлаштування',
      'допомога зі школою',
      'психологічна підтримка',
      'одяг для всіх',
      'консультація з житла',
    ],
    who: ['переселенців', 'сімей', 'жінок', 'молоді', 'працівників', 'всіх'],
    where: ['Північ', 'Гавань', 'Старе місто', 'Набережна', 'Вокзал', 'Ринок'],
    free: 'Безкоштовно, без запису.',
  },
  fa: {
    help: [
      'مشاوره حقوقی',
      'درمانگاه',
      'سرپناه شبانه',
      'بانک غذا',
      'کلاس زبان',
      'مشاوره شغلی',
      'کمک مدرسه',
      'حمایت روانی',
      'بانک لباس',
      'مشاوره مسکن',
    ],
    who: ['تازه‌واردان', 'خانواده‌ها', 'زنان', 'جوانان', 'کارگران', 'همه'],
    where: ['شمال', 'بندر', 'شهر قدیم', 'کنار رود', 'ایستگاه', 'بازار'],
    free: 'رایگان، بدون نوبت.',
  },
  ru: {
    help: [
      'юридическая консультация',
      'медицинский пункт',
      'ночлежка',
      'продуктовый банк',
      'языковые курсы',
      'консультация по работе',
      'помощь со школой',
      'психологическая поддержка',
      'одежда для всех',
      'консультация по жилью',
    ],
    who: ['переселенцев', 'семей', 'женщин', 'молодёжи', 'работников', 'всех'],
    where: ['Север', 'Гавань', 'Старый город', 'Набережная', 'Вокзал', 'Рынок'],
    free: 'Бесплатно, без записи.',
  },
};
const CATEGORIES = [
  'legal-aid',
  'health',
  'housing',
  'food',
  'language-classes',
  'work',
  'education',
  'mental-health',
  'essentials',
  'housing',
];
const LANGS = Object.keys(WORDS);

/** Services number `from` to `to - 1` of the directory for `seed` (each service has its own random stream). */
export function buildSyntheticDirectory(from: number, to: number, seed: number): FlatRows {
  let next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const flat = emptyFlatRows();
  const source = { file: 'seed-demo', row: 0 };
  const access = stableUuid(`taxonomy:${ACCESS_TAXONOMY}`);
  const categories = stableUuid(`taxonomy:${CATEGORY_TAXONOMY}`);
  addRow(
    flat,
    'taxonomy',
    { id: access, name: ACCESS_TAXONOMY, description: 'Status-safety labels' },
    source,
  );
  addRow(flat, 'taxonomy', { id: categories, name: CATEGORY_TAXONOMY, description: 'Types of help' }, source);
  for (const code of ACCESS_LABELS) {
    addRow(
      flat,
      'taxonomy_term',
      {
        id: stableUuid(`term:${ACCESS_TAXONOMY}:${code}`),
        code,
        name: code,
        description: code,
        taxonomy: ACCESS_TAXONOMY,
        taxonomy_id: access,
      },
      source,
    );
  }
  for (const code of new Set(CATEGORIES)) {
    addRow(
      flat,
      'taxonomy_term',
      {
        id: stableUuid(`term:${CATEGORY_TAXONOMY}:${code}`),
        code,
        name: code,
        description: code,
        taxonomy: CATEGORY_TAXONOMY,
        taxonomy_id: categories,
      },
      source,
    );
  }
  for (let i = from; i < to; i++) {
    next = random(Math.imul(seed, 1_000_003) + i);
    const lang = LANGS[i % LANGS.length] ?? 'en';
    const w = WORDS[lang] ?? WORDS.en;
    if (!w) continue;
    const kind = Math.floor(next() * w.help.length);
    const id = stableUuid(`synthetic:${seed}:service:${i}`);
    const orgIndex = Math.floor(i / 10);
    const organizationId = stableUuid(`synthetic:${seed}:org:${orgIndex}`);
    const locationId = stableUuid(`synthetic:${seed}:location:${i}`);
    const where = pick(w.where);
    const name = `${w.help[kind]} ${where} ${i + 1}`;
    if (i % 10 === 0 || i === from) {
      addRow(
        flat,
        'organization',
        {
          id: organizationId,
          name: `${pick(w.where)} ${orgIndex + 1}`,
          description: w.free,
          content_lang: lang,
        },
        source,
      );
    }
    addRow(
      flat,
      'service',
      {
        id,
        organization_id: organizationId,
        name,
        description: `${w.help[kind]} — ${pick(w.who)}, ${pick(w.who)}. ${w.free}`,
        status: 'active',
        content_lang: lang,
        last_modified: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      },
      source,
    );
    addRow(
      flat,
      'location',
      {
        id: locationId,
        location_type: 'physical',
        name: where,
        latitude: 53.4 + next() * 0.1,
        longitude: -7.95 + next() * 0.1,
        content_lang: lang,
      },
      source,
    );
    addRow(
      flat,
      'service_at_location',
      { id: stableUuid(`synthetic:${seed}:sal:${i}`), service_id: id, location_id: locationId },
      source,
    );
    addRow(
      flat,
      'phone',
      {
        id: stableUuid(`synthetic:${seed}:phone:${i}`),
        service_id: id,
        number: `+353 90 ${String(1000000 + i).slice(-7)}`,
      },
      source,
    );
    addRow(
      flat,
      'schedule',
      {
        id: stableUuid(`synthetic:${seed}:schedule:${i}`),
        service_id: id,
        freq: 'WEEKLY',
        byday: 'MO,TU,WE,TH,FR',
        opens_at: '09:00',
        closes_at: next() < 0.5 ? '13:00' : '17:00',
      },
      source,
    );
    addRow(
      flat,
      'language',
      { id: stableUuid(`synthetic:${seed}:language:${i}`), service_id: id, code: lang, name: lang },
      source,
    );
    const category = CATEGORIES[kind] ?? 'welcome';
    addRow(
      flat,
      'attribute',
      {
        id: stableUuid(`synthetic:${seed}:category:${i}`),
        link_id: id,
        link_entity: 'service',
        taxonomy_term_id: stableUuid(`term:${CATEGORY_TAXONOMY}:${category}`),
        value: category,
      },
      source,
    );
    for (const label of ACCESS_LABELS) {
      if (next() < 0.3) {
        addRow(
          flat,
          'attribute',
          {
            id: stableUuid(`synthetic:${seed}:label:${i}:${label}`),
            link_id: id,
            link_entity: 'service',
            taxonomy_term_id: stableUuid(`term:${ACCESS_TAXONOMY}:${label}`),
            value: label,
          },
          source,
        );
      }
    }
  }
  return flat;
}

/** Writes a synthetic directory in batches, each its own transaction, so memory stays flat at 100k services. */
export async function seedSyntheticDirectory(db: Db, services: number, seed: number): Promise<void> {
  const BATCH = 5000;
  for (let from = 0; from < services; from += BATCH) {
    const flat = buildSyntheticDirectory(from, Math.min(services, from + BATCH), seed);
    await db.transaction(async (tx) => {
      await upsertRows(tx, flat);
      await reindexServices(tx, [...(flat.tables.get('service')?.keys() ?? [])]);
    });
  }
}
