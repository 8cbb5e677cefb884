export { type BuildReportInput, buildReport } from './build-report.js';
export * from './model.js';
export { DEFAULT_REDACT_PATTERNS, isFieldPathPattern, MASK_PREFIX, Redactor } from './redact.js';
export { escapeHtml, filterResources, type PageFilters, renderPage, renderPageContent, showModeOf } from './render-html.js';
export { MARKDOWN_LIMIT, type MarkdownOptions, renderMarkdown } from './render-markdown.js';
export { createdLines, formatValue, renderText, summaryLine } from './render-text.js';
export { listedResources, needsAttention, SHOW_MODES, type ShowMode } from './show.js';
export { specJsonLines, specYaml, withSortedKeys } from './spec-yaml.js';
