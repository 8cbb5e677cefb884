export { buildReport, type BuildReportInput } from './build-report.js';
export { renderText, summaryLine, formatValue } from './render-text.js';
export { renderMarkdown } from './render-markdown.js';
export { Redactor, DEFAULT_REDACT_PATTERNS, MASK_PREFIX, isFieldPathPattern } from './redact.js';
export * from './model.js';
export { renderPage, renderPageContent, filterResources, escapeHtml, type PageFilters } from './render-html.js';
