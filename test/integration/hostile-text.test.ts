// Text from live ECS that an adversary wrote (stoppedReason, events, tag keys, file
// names), as people see it: the daemon's page and the pull-request Markdown (rendered
// as GitHub does, raw HTML allowed) in headless Chromium. Nothing runs, nothing loads,
// nothing is forged; the text is shown as text.
import { existsSync } from 'node:fs';
import MarkdownIt from 'markdown-it';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown, renderPage } from '../../src/report/index.js';
import { HOSTILE, hostileReport } from '../hostile-text-report.js';

const CHROMIUM = '/usr/bin/chromium';

describe('hostile text in the page and the Markdown, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; scripts/ensure-chromium does it as root)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string): Promise<{ page: Page; requests: string[] }> {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForTimeout(200);
    return { page, requests };
  }

  async function checkNothingRuns(page: Page, requests: string[]): Promise<void> {
    // details opened, so what they hold is laid out and read as a person would
    await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('h1', { hasText: 'forged' }).count()).toBe(0);
    expect(await page.locator('a[href*="evil"], a[href*="127.0.0.1:9"]').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    expect(requests).toEqual([]);
  }

  it('the page: every hostile string is shown as text, no image, link or request', async () => {
    const { page, requests } = await open(renderPage(hostileReport(), {}, { static: true }));
    await checkNothingRuns(page, requests);
    const text = await page.locator('body').innerText();
    expect(text).toContain('</details></table><h1>forged</h1>');
    expect(text).toContain('<img src=');
    expect(await page.locator('tr.resource').count()).toBe(1);
    await page.close();
  });

  it('the Markdown: one collapsible section, its table rows whole, code spans unbroken, nothing loads', async () => {
    const html = new MarkdownIt({ html: true }).render(renderMarkdown(hostileReport()));
    const { page, requests } = await open(`<!doctype html><meta charset="utf-8"><body>${html}</body>`);
    await checkNothingRuns(page, requests);
    expect(await page.locator('details').count()).toBe(1);
    // the changes table: a header and two rows of four cells
    const cells = await page.locator('details table tr').evaluateAll((trs) => trs.map((tr) => tr.children.length));
    expect(cells).toEqual([4, 4, 4]);
    const codes = await page.locator('details table code').allInnerTexts();
    expect(codes).toContain(`tags.${HOSTILE.pipes}`);
    expect(codes.some((c) => c.includes('<img src='))).toBe(true);
    const text = await page.locator('body').innerText();
    expect(text).toContain('[click](http://evil.example/)');
    // a mention outside a code span pings (GitHub skips code spans): none is left there
    const prose = (await page.evaluate(
      "(() => { const b = document.body.cloneNode(true); b.querySelectorAll('code').forEach((c) => c.remove()); return b.textContent; })()",
    )) as string;
    expect(prose).toContain('@\u200bchannel');
    expect(prose).not.toMatch(/@(channel|here)\b/);
    expect(await page.locator('body').innerText()).toContain(HOSTILE.backticks);
    await page.close();
  });
});
