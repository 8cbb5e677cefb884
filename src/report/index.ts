export { buildReport } from './build-report.js';
export * from './model.js';
export { DEFAULT_REDACT_PATTERNS, isFieldPathPattern, Redactor } from './redact.js';
export { renderPage, renderPageContent, renderTaskListPage, showModeOf } from './render-html.js';
export { renderMarkdown } from './render-markdown.js';
export { renderText } from './render-text.js';
export { SHOW_MODES, type ShowMode } from './show.js';
export { specJsonLines, specYaml } from './spec-yaml.js';
