import type { TKitPdfInput } from '../../pdf/index.ts';
import { dirOf, type PageContext } from '../../ui/index.ts';
import { excerpt } from './directory.pages.tsx';
import type { HsdsRow } from './hsds.flatten.ts';
import { firstPhone, type KitSection } from './kit.pages.tsx';
import { DAYS } from './service.pages.tsx';

/** Opening hours as a short line in the page's language: "Mon, Tue, Wed 09:00–17:00; Thu 17:00–19:00". */
export function hoursLine(locale: string, schedules: HsdsRow[]): string | undefined {
  const short = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  const parts = schedules
    .filter((s) => typeof s.opens_at === 'string' && typeof s.closes_at === 'string')
    .map((s) => {
      const days = DAYS.filter((d) => typeof s.byday !== 'string' || s.byday.toUpperCase().includes(d))
        .map((d) => short.format(Date.UTC(2024, 0, 1 + DAYS.indexOf(d))))
        .join(', ');
      return `${days} ${String(s.opens_at).slice(0, 5)}–${String(s.closes_at).slice(0, 5)}`;
    });
  return parts.length ? parts.join('; ') : undefined;
}

function addressLine(service: HsdsRow): string | undefined {
  const place = ((service.service_at_locations as HsdsRow[] | undefined) ?? [])[0]?.location as
    | HsdsRow
    | undefined;
  const address = ((place?.addresses as HsdsRow[] | undefined) ?? [])[0];
  if (!address) return undefined;
  return [address.address_1, address.postal_code, address.city]
    .filter((v) => typeof v === 'string' && v !== '')
    .join(', ');
}

/** Everything the printable kit shows, from the same sections as the kit page, in the page's language. */
export function kitPdfInput(
  ctx: PageContext,
  sections: KitSection[],
  options: { url: string; now: Date; emergencyNumber: string },
): TKitPdfInput {
  const { t } = ctx;
  const labelWords = (code: string) => t(`label.${code}`);
  return {
    locale: ctx.locale,
    dir: ctx.dir,
    title: t('kit.title'),
    city: ctx.city,
    intro: t('kit.intro', { city: ctx.city }),
    promise: t('home.status.body'),
    url: options.url,
    qrCaption: t('kit.qr'),
    printedOn: t('kit.printedOn', {
      date: new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long' }).format(options.now),
    }),
    sections: sections.map((section) => ({
      id: section.id,
      title: t(`kit.section.${section.id}.title`),
      intro: t(`kit.section.${section.id}.intro`),
      services: section.services.map((s) => {
        const phone = firstPhone(s);
        const address = addressLine(s.full);
        const hours = hoursLine(ctx.locale, (s.full.schedules as HsdsRow[] | undefined) ?? []);
        const description = s.description?.text;
        return {
          name: s.name.text,
          lang: s.name.lang,
          dir: dirOf(s.name.lang),
          ...(description ? { description: excerpt(description, 220) } : {}),
          ...(phone ? { phone } : {}),
          ...(address ? { address } : {}),
          ...(hours ? { hours } : {}),
          labels: s.labels.map((l) => labelWords(l.code)),
        };
      }),
    })),
    emergency: {
      title: t('home.help.title'),
      text: t('home.help.body', { number: options.emergencyNumber }),
      number: options.emergencyNumber,
    },
  };
}
