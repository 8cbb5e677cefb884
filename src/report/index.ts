export { buildReport, type BuildReportInput } from './build-report.js';
export { renderText, summaryLine, formatValue, createdLines } from './render-text.js';
export { listedResources, needsAttention, SHOW_MODES, type ShowMode } from './show.js';
export { specYaml, specJsonLines, withSortedKeys } from './spec-yaml.js';
export { renderMarkdown, MARKDOWN_LIMIT, type MarkdownOptions } from './render-markdown.js';
export { Redactor, DEFAULT_REDACT_PATTERNS, MASK_PREFIX, isFieldPathPattern } from './redact.js';
export * from './model.js';
export { renderPage, renderPageContent, filterResources, escapeHtml, showModeOf, type PageFilters } from './render-html.js';
