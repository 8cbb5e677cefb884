export {
  buildExport,
  clusterSpec,
  type ExportedManifest,
  type ExportFile,
  type ExportOptions,
  type ExportResult,
  type PinnedService,
  runsNewestContent,
  serviceSpec,
  taskDefinitionSpec,
} from './build.js';
export { orderManifest } from './order.js';
export { escapeDollar, type Placeholder, type PlaceholderSet, replaceSensitiveValues, unescapeDollar, variableName } from './placeholders.js';
export { type ExportRead, type ReadForExportOptions, readForExport } from './read.js';
export { type ReadmeContext, renderDocument, renderEnvExample, renderFile, renderReadme } from './render.js';
export { type VerifyResult, verifyExport } from './verify.js';
export { ENV_EXAMPLE, exportTexts, OutputNotEmptyError, writeExport } from './write.js';
