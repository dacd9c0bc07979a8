export {
  type Catalogue,
  Catalogues,
  loadCatalogues,
  type MessageValues,
  parseCatalogue,
  readCatalogueFiles,
  SOURCE_LOCALE,
  type Translate,
} from './catalogues.ts';
