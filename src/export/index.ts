export { clusterSpec, serviceSpec, taskDefinitionSpec } from '../kinds/export-specs.js';
export { buildExport, type ExportOptions } from './build.js';
export { orderManifest } from './order.js';
export { replaceSensitiveValues, variableName } from './placeholders.js';
export { readForExport } from './read.js';
export { renderDocument, renderFile } from './render.js';
export { verifyExport } from './verify.js';
export { ENV_EXAMPLE, exportTexts, OutputNotEmptyError, writeExport } from './write.js';
