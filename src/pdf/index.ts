export { isolateLtrRuns, stripDirectionControls } from './bidi.ts';
export {
  type TKitPdfInput,
  type TKitPdfSection,
  type TKitPdfService,
  ZKitPdfInput,
  ZKitPdfSection,
  ZKitPdfService,
} from './kit.schema.ts';
export {
  createPdfRenderer,
  type PdfFailure,
  type PdfInputs,
  PdfRenderError,
  type PdfRenderer,
  type PdfRendererOptions,
  type PdfRendererStats,
  type PdfTemplate,
} from './renderer.ts';
