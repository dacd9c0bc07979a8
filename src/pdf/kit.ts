import QRCode from 'qrcode';
import { isolateLtrRuns, isolatePhone, stripDirectionControls } from './bidi.ts';
import { type TKitPdfInput, type TKitPdfService, ZKitPdfInput } from './kit.schema.ts';

type Dir = 'ltr' | 'rtl';

/** Database text made safe to print: no direction controls of its own, numbers isolated in RTL text. */
function printable(text: string, dir: Dir): string {
  return isolateLtrRuns(stripDirectionControls(text), dir);
}

function optional(text: string | undefined, dir: Dir): string | undefined {
  return text === undefined ? undefined : printable(text, dir);
}

function isolateIfRtl(text: string, dir: Dir): string {
  return dir === 'rtl' ? isolatePhone(stripDirectionControls(text)) : stripDirectionControls(text);
}

/**
 * A service's name, description and address are in its own language and direction; its labels, phone and
 * hours are set in the page's (templates/kit.typ prints them so).
 */
function printableService(service: TKitPdfService, page: Dir): TKitPdfService {
  return {
    name: printable(service.name, service.dir),
    lang: service.lang,
    dir: service.dir,
    description: optional(service.description, service.dir),
    address: optional(service.address, service.dir),
    phone: service.phone === undefined ? undefined : isolateIfRtl(service.phone, page),
    hours: optional(service.hours, page),
    labels: service.labels.map((label) => printable(label, page)),
  };
}

/**
 * The `sys.inputs` of templates/kit.typ: the kit as JSON (`data`) and the QR code to the online kit as SVG
 * (`qr`). Content goes in only as data, never as Typst source (see README.md).
 */
export async function kitInputs(raw: TKitPdfInput): Promise<Record<string, string>> {
  const kit = ZKitPdfInput.parse(raw);
  const dir = kit.dir;
  const data: TKitPdfInput = {
    locale: kit.locale,
    dir,
    title: printable(kit.title, dir),
    city: printable(kit.city, dir),
    intro: printable(kit.intro, dir),
    promise: printable(kit.promise, dir),
    url: isolateIfRtl(kit.url, dir),
    qrCaption: printable(kit.qrCaption, dir),
    printedOn: printable(kit.printedOn, dir),
    sections: kit.sections.map((section) => ({
      id: section.id,
      title: printable(section.title, dir),
      intro: optional(section.intro, dir),
      services: section.services.map((service) => printableService(service, dir)),
    })),
    emergency: {
      title: printable(kit.emergency.title, dir),
      text: printable(kit.emergency.text, dir),
      number: isolateIfRtl(kit.emergency.number, dir),
    },
  };
  // Error correction M (15 %) survives a creased or smudged printout; the margin is drawn by the template.
  const qr = await QRCode.toString(kit.url, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
  return { data: JSON.stringify(data), qr };
}
