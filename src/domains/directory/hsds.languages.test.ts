import { describe, expect, it } from 'vitest';
import { detectLanguage, detectLanguages, francInWorker, WORKER_MIN_TEXTS } from './hsds.languages.ts';

const LOCALES = ['en', 'es', 'fr', 'pt', 'ar', 'uk', 'fa', 'ru'];
const SAMPLES: [string, string | undefined][] = [
  ['Free legal advice for newcomers and their families, whatever their papers', 'en'],
  ['Centro de salud gratuito para todas las personas, con o sin papeles', 'es'],
  ['Aide juridique gratuite pour les personnes migrantes et leurs familles', 'fr'],
  ['Atendimento de saúde gratuito para todas as pessoas, com ou sem documentos', 'pt'],
  ['Безкоштовна юридична допомога для всіх, хто щойно приїхав до міста', 'uk'],
  ['Бесплатная юридическая помощь для всех, кто недавно приехал в город', 'ru'],
  ['مشاوره حقوقی رایگان برای همه تازه‌واردان و خانواده‌هایشان', 'fa'],
  ['استشارة قانونية مجانية لجميع القادمين الجدد وعائلاتهم', 'ar'],
  ['Food', undefined],
];

describe('content language detection', () => {
  it('tells the city languages apart, and is unsure of a word or two', () => {
    for (const [text, lang] of SAMPLES) expect(detectLanguage(text, LOCALES)).toBe(lang);
  });

  it('only answers with a language the city has', () => {
    expect(detectLanguage(SAMPLES[1]?.[0] ?? '', ['en', 'fr'])).not.toBe('es');
  });

  it('detects many texts in a worker thread, with the same answers', async () => {
    const texts = Array.from({ length: WORKER_MIN_TEXTS }, (_, i) => {
      const [text] = SAMPLES[i % SAMPLES.length] ?? ['', undefined];
      return `${text} ${i}`;
    });
    let workers = 0;
    const counting = () => {
      workers += 1;
    };
    process.on('worker', counting);
    try {
      const langs = await detectLanguages(texts, LOCALES);
      expect(workers).toBe(1);
      expect(langs).toEqual(texts.map((text) => detectLanguage(text, LOCALES)));
      expect(new Set(langs)).toEqual(new Set(SAMPLES.map(([, lang]) => lang)));
    } finally {
      process.off('worker', counting);
    }
  });

  it('runs franc in its worker as in this thread', async () => {
    const jobs: [string, string[]][] = SAMPLES.map(([text]) => [text, ['eng', 'spa', 'fra', 'por']]);
    expect(await francInWorker(jobs)).toEqual([
      'eng',
      'spa',
      'fra',
      'por',
      'und',
      'und',
      'und',
      'und',
      'und',
    ]);
  });
});
