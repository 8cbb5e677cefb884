/**
 * Escaping per output format for text the controller does not write itself: service
 * events and stoppedReason (anyone with ecs:StopTask sets the reason), tag keys and
 * values, file names, AWS error messages. Each format has its own dangers: a terminal
 * runs ESC sequences, Markdown in a pull-request comment renders HTML (`</details>`,
 * `<img src=...>` that calls out) and pings `@team`, Slack turns `<!here>` into a
 * mention and `<http://a|b>` into a disguised link.
 */

/**
 * C0 controls but newline and tab, DEL, C1 controls, and the bidirectional overrides
 * that make a line read differently from what it holds (CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** ESC-introduced sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ST`, and two-byte ones), dropped whole. */
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b\[[0-?]*[ -/]*[@-~]?|\u001b[@-_]?|\u009b[0-?]*[ -/]*[@-~]?/g;

/** For a terminal: ESC sequences and control characters removed, newlines and tabs kept. */
export function terminalText(s: string): string {
  return s.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/** One line of any format: control characters removed, line breaks as spaces. */
export function oneLine(s: string): string {
  return terminalText(s).replace(/[\r\n\t\u2028\u2029]+/g, ' ');
}

/**
 * Markdown prose (an event, a reason, outside a code span): no HTML (`<`, `>`, `&` as
 * entities), no code span, link or image (`` ` ``, `[`, `]` and `\` backslash-escaped),
 * no table cell break (`|`), no mention (`@team` gets a zero-width space after `@`).
 * Emphasis is left alone: it changes how text looks, not what it does.
 */
export function markdownText(s: string): string {
  return oneLine(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`[\]|]/g, (c) => `\\${c}`)
    .replace(/@(?=\w)/g, '@\u200b');
}

/**
 * A Markdown code span holding any text: fenced with one more backtick than the longest
 * run inside (CommonMark), padded when it starts or ends with one; `|` escaped, which
 * GitHub's tables honour inside code spans too. HTML in a code span is shown, not run.
 */
export function markdownCode(s: string): string {
  const text = oneLine(s).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Slack (and compatible webhook) message text: `&`, `<`, `>` escaped as Slack asks, so
 * no `<!here>`, `<@U123>` or `<http://a|b>` is read as markup; a bare `@channel`,
 * `@here` or `@everyone` gets a zero-width space so no client reads it as a mention.
 */
export function slackText(s: string): string {
  return terminalText(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=\w)/g, '@\u200b');
}
