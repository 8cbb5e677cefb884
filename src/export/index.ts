export { buildExport, clusterSpec, serviceSpec, taskDefinitionSpec, runsNewestContent, type ExportOptions, type ExportResult, type ExportFile, type ExportedManifest, type PinnedService } from './build.js';
export { orderManifest } from './order.js';
export { replaceSensitiveValues, variableName, escapeDollar, unescapeDollar, type Placeholder, type PlaceholderSet } from './placeholders.js';
export { renderDocument, renderFile, renderReadme, renderEnvExample, type ReadmeContext } from './render.js';
export { verifyExport, type VerifyResult } from './verify.js';
export { readForExport, type ReadForExportOptions, type ExportRead } from './read.js';
export { exportTexts, writeExport, OutputNotEmptyError, ENV_EXAMPLE } from './write.js';
