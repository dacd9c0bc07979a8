import { z } from 'zod';

const ZDir = z.enum(['ltr', 'rtl']);
/** A BCP 47 primary language subtag (Typst's `text(lang:)` takes ISO 639 codes only). */
const ZLang = z.string().regex(/^[a-z]{2,3}$/);

export const ZKitPdfService = z.object({
  name: z.string().min(1),
  /** The language the service's own texts are written in; may differ from the page's. */
  lang: ZLang,
  dir: ZDir,
  description: z.string().optional(),
  phone: z.string().optional(),
  address: z.string().optional(),
  /** Opening hours as words in the page's language ("Mon–Fri 9:00–17:00"). */
  hours: z.string().optional(),
  /** Status-safety labels as words in the page's language ("No ID needed"). */
  labels: z.array(z.string()),
});

export const ZKitPdfSection = z.object({
  id: z.string(),
  title: z.string().min(1),
  intro: z.string().optional(),
  services: z.array(ZKitPdfService),
});

/** Everything the printable welcome kit shows, already translated into the page's language. */
export const ZKitPdfInput = z.object({
  locale: ZLang,
  dir: ZDir,
  title: z.string().min(1),
  city: z.string(),
  intro: z.string(),
  /** "We do not ask about immigration status." */
  promise: z.string(),
  /** The online kit (http or https only); printed as a QR code and as text. */
  url: z.url({ protocol: /^https?$/ }),
  qrCaption: z.string(),
  /** The print date as words in the page's language. */
  printedOn: z.string(),
  sections: z.array(ZKitPdfSection),
  emergency: z.object({ title: z.string(), text: z.string(), number: z.string() }),
});

export type TKitPdfService = z.infer<typeof ZKitPdfService>;
export type TKitPdfSection = z.infer<typeof ZKitPdfSection>;
export type TKitPdfInput = z.infer<typeof ZKitPdfInput>;
