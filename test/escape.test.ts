// Text from live ECS and file names, escaped per output format: a terminal gets no ESC
// sequence, Markdown no HTML, link or broken code span, Slack no mention or link markup.
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { webhookBody } from '../src/daemon/notify.js';
import { markdownCode, markdownText, slackText, terminalText } from '../src/report/escape.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderText } from '../src/report/render-text.js';
import { HOSTILE, hostileReport } from './hostile-text-report.js';

describe('terminal text', () => {
  it('holds no ESC sequence, control character or bidi override, and no forged line', () => {
    for (const verbose of [false, true]) {
      const out = renderText(hostileReport(), { verbose });
      // eslint-disable-next-line no-control-regex
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(out).toContain('red');
      expect(
        out
          .split('\n')
          .filter((l) => l.includes('Service/eu-west-1/prod/forged'))
          .every((l) => !l.startsWith('  ✓')),
      ).toBe(true);
    }
    expect(terminalText('a\u001b[31mb\u001b]0;t\u0007c\td\ne')).toBe('abc\td\ne');
  });
});

describe('Markdown', () => {
  const md = renderMarkdown(hostileReport());

  it('lets no HTML through, rendered as GitHub does (raw HTML on): one <details> of ours, no <img>, link or forged heading', () => {
    const html = new MarkdownIt({ html: true }).render(md);
    expect(html.match(/<details>/g)).toHaveLength(1);
    expect(html.match(/<\/details>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img|<h1>|<a /i);
    // what the adversary wrote is shown, as text
    expect(html).toContain('&lt;/details&gt;&lt;/table&gt;&lt;h1&gt;forged&lt;/h1&gt;');
  });

  it('keeps each table row to its cells, whatever pipes the values hold', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| `tags.'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(4);
  });

  it('makes a code span of any text, backticks included', () => {
    expect(markdownCode('a ` b')).toBe('``a ` b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode(HOSTILE.backticks)).toMatch(/^````.*````$/);
    expect(markdownText('<b> [a](b) `c` @team | x')).toBe('&lt;b&gt; \\[a\\](b) \\`c\\` @\u200bteam \\| x');
  });
});

describe('Slack / webhook text', () => {
  it('holds no mention or link markup', () => {
    const body = webhookBody(
      hostileReport(),
      [{ resource: 'Service/eu-west-1/prod/web', from: 'ok', to: 'drifted', state: 'drifted', fields: [`tags.${HOSTILE.slack}`] }],
      'https://r.example/?a=1&b=2',
    );
    const text = body.text as string;
    expect(text).not.toMatch(/<!|<@|<http/);
    expect(text).not.toMatch(/@(channel|here|everyone)/);
    expect(text).toContain('&lt;!here&gt;');
    expect(slackText('@here <x|y> & z')).toBe('@\u200bhere &lt;x|y&gt; &amp; z');
  });
});
