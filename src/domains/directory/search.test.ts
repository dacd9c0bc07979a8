import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../db/testing.ts';
import { loadCatalogues } from '../../i18n/index.ts';
import { loadDemoCityIfEmpty } from './demo.ts';
import { loadServiceViews } from './directory.repo.ts';
import { normalizeText } from './normalize.ts';
import { combineWordQueries, searchServices } from './search.ts';

describe('normalisation', () => {
  it('folds accents, Arabic diacritics and letter variants, Persian keyboard variants', () => {
    expect(normalizeText('Clínica São Tomé')).toBe('clinica sao tome');
    expect(normalizeText('طَبِيب')).toBe(normalizeText('طبيب'));
    expect(normalizeText('مساعدة قانونية')).toBe(normalizeText('مساعده قانونيه'));
    expect(normalizeText('إسكان')).toBe(normalizeText('اسكان'));
    expect(normalizeText('پزشک رایگان')).toBe(normalizeText('پزشك رايگان'));
    expect(normalizeText('می‌خواهم')).toBe('میخواهم'.replace(/ی/g, 'ي'));
    expect(normalizeText('Їжа ЁЖ')).toBe(normalizeText('їжа ёж'));
  });
});

describe('the tsquery from each word in each configuration', () => {
  it('asks for every word by any of its forms, once each', () => {
    const perWord = [
      ["'apoio'", "'apoi'", "'apoio'"],
      ["'juri':* | 'jurid'", "'jur':*", "'juridica':*"],
    ];
    expect(combineWordQueries(perWord, '&')).toBe("( 'apoio' | 'apoi' ) & 'jur':*");
    expect(combineWordQueries(perWord, '|')).toBe("( 'apoio' | 'apoi' ) | 'jur':*");
  });

  it('keeps a phrase whole and leaves out a word some configuration drops as a stop word', () => {
    const perWord = [
      ["'san'", '', "'sans'"],
      ["'rendez-vous' <-> 'rend'", "'rendez-vous' <-> 'rendez' <-> 'vous'"],
    ];
    expect(combineWordQueries(perWord, '&')).toBe(
      "( ( 'rendez-vous' <-> 'rend' ) | ( 'rendez-vous' <-> 'rendez' <-> 'vous' ) )",
    );
    // A query of nothing but such words still searches for them.
    expect(combineWordQueries([["'the'", '']], '&')).toBe("'the'");
    expect(combineWordQueries([['', '']], '&')).toBe('');
  });
});

describe(`search filters on the demo city (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
    await loadDemoCityIfEmpty(db.db, loadCatalogues('en'));
  });
  afterAll(async () => {
    await db?.close();
  });
  const all = { page: 1, perPage: 100 };

  it('keeps only services with every label asked for', async () => {
    const result = await searchServices(db.db, { ...all, labels: ['no-id-required', 'women-only'] });
    expect(result.total).toBeGreaterThan(0);
    const views = await loadServiceViews(db.db, result.ids, 'en');
    for (const v of views) {
      const codes = v.labels.map((l) => l.code);
      expect(codes).toContain('no-id-required');
      expect(codes).toContain('women-only');
    }
    const everything = await searchServices(db.db, all);
    expect(result.total).toBeLessThan(everything.total);
  });

  it('keeps services delivered in a language', async () => {
    const ps = await searchServices(db.db, { ...all, languages: ['ps'] });
    const en = await searchServices(db.db, { ...all, languages: ['en'] });
    expect(ps.total).toBeGreaterThan(0);
    expect(ps.total).toBeLessThan(en.total);
  });

  it('knows what is open on a Sunday night and on a Tuesday morning', async () => {
    const sundayNight = await searchServices(db.db, { ...all, openAt: { day: 'SU', time: '23:30' } });
    const tuesdayMorning = await searchServices(db.db, { ...all, openAt: { day: 'TU', time: '10:00' } });
    expect(sundayNight.total).toBeGreaterThan(0);
    expect(tuesdayMorning.total).toBeGreaterThan(sundayNight.total);
  });

  it('puts the nearest service first when given a point', async () => {
    const [a] = await searchServices(db.db, { ...all, near: { latitude: 53.4, longitude: -7.9 } }).then(
      (r) => r.ids,
    );
    const [b] = await searchServices(db.db, { ...all, near: { latitude: 53.45, longitude: -7.98 } }).then(
      (r) => r.ids,
    );
    expect(a).toBeDefined();
    expect(a).not.toBe(b);
    const within = await searchServices(db.db, {
      ...all,
      near: { latitude: 53.4251, longitude: -7.9402, radiusKm: 0.3 },
    });
    expect(within.total).toBeLessThan((await searchServices(db.db, all)).total);
  });

  it('counts each service once, however many of its language versions match', async () => {
    // The demo city has every service in 8 languages: a word found in several versions of one service.
    for (const q of ['doctor', 'free', 'legal', 'gratuit', 'مجاني', 'help food']) {
      const everything = await searchServices(db.db, { q, page: 1, perPage: 100 });
      expect(everything.total, q).toBeGreaterThan(0);
      expect(new Set(everything.ids).size, q).toBe(everything.ids.length);
      expect(everything.total, q).toBe(everything.ids.length);
    }
  });

  it('answers a page past the end with no ids and the right total', async () => {
    const page = await searchServices(db.db, { q: 'doctor', page: 50, perPage: 10 });
    expect(page.ids).toEqual([]);
    expect(page.total).toBeGreaterThan(0);
  });
});

describe('demo city name', () => {
  it('is the one the configuration uses when the demo is loaded', async () => {
    const { DEMO_CITY_NAME, loadConfig } = await import('../../config.ts');
    const { buildDemoCity } = await import('./demo.ts');
    expect(buildDemoCity(loadCatalogues('en')).city.name).toBe(DEMO_CITY_NAME);
    expect(loadConfig({ ARRIVAL_DEMO: '1' }).cityName).toBe(DEMO_CITY_NAME);
    expect(loadConfig({ ARRIVAL_DEMO: '1', ARRIVAL_CITY_NAME: 'Sfax' }).cityName).toBe('Sfax');
  });
});
