export {
  buildDemoCity,
  KIT_SECTIONS,
  KIT_TAXONOMY,
  loadDemoCityIfEmpty,
  publishAccessTaxonomy,
  stableUuid,
} from './demo.ts';
export { type DirectoryPagesDeps, directoryPageRoutes } from './directory.routes.ts';
export { hsdsService, TRANSLATION_ORIGINS } from './directory.schema.ts';
export {
  exportHsds,
  hsdsValidator,
  type ImportSummary,
  importHsds,
  importHsdsTranslations,
} from './directory.service.ts';
export { type DirectoryVersion, watchDirectoryVersion } from './hsds.cache.ts';
export { type ImportProblem, ImportRejected } from './hsds.import.ts';
export { type HsdsApiDeps, hsdsRoutes } from './hsds.routes.ts';
export { hsdsLocation } from './hsds.tables.ts';
export { prepareSearch } from './search.memory.ts';
export { buildSyntheticDirectory, seedSyntheticDirectory } from './synthetic.ts';
