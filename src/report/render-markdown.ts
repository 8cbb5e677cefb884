/**
 * A pull-request comment: a summary table, then a collapsible section per changed resource.
 * GitHub refuses a comment over 65,536 characters, so the comment is built to a bound
 * (60,000 by default, room for a bot's own header): every section is sized first, and
 * when the whole does not fit, the biggest parts are cut with a line saying what was
 * left out and where the full plan is (the JSON report).
 */
import { capacityLineText } from '../kinds/cluster/report.js';
import { tasksByStateText } from '../kinds/service/report.js';
import { formatProblem } from '../model/problem.js';
import { markdownCode, markdownText, oneLine } from './escape.js';
import type { Report, ReportResource } from './model.js';
import { escapeHtml } from './render-html.js';
import { formatValue, shortRevision, summaryLine } from './render-text.js';
import { hiddenLine, listedResources, type ShowMode } from './show.js';
import { specYaml } from './spec-yaml.js';

export const MARKDOWN_LIMIT = 60_000;
/** one resource's section never takes more than this (a create of a 50-container task definition, say) */
const SECTION_LIMIT = 6_000;
/** kept free for the lines that say what was cut */
const NOTE_RESERVE = 1_500;

export interface MarkdownOptions {
  show?: ShowMode;
  /** the bound on the comment's length in characters (default 60,000) */
  limit?: number;
  /** where the full plan is, named in the lines that say what was cut */
  fullReport?: string;
}

const DEFAULT_FULL_REPORT = "the JSON report (`ecs-reconciler plan DIR --format json`, or the daemon's `/report`)";

function healthText(r: Report['resources'][number]): string {
  const h = r.health;
  if (!h) return '—';
  if ('runningCount' in h)
    return `${h.runningCount}/${h.desiredCount} running${h.rolloutState ? `, ${h.rolloutState.toLowerCase()}` : ''}${h.primaryDeployment && !h.primaryDeployment.startedByThisController ? ' (a rollout not started by this controller)' : ''}${h.failedTasks ? `, ${h.failedTasks} failed` : ''}${h.tasksFrom === 'task list' ? `; tasks ${tasksByStateText(h.tasks)}` : ''}`;
  return `${h.runningTasks} task(s)${h.capacity?.length ? `; ${h.capacity.map(capacityLineText).join('; ')}` : ''}`;
}

function tableRow(r: ReportResource): string {
  return `| ${markdownCode(r.id)} | ${r.state}${r.suspended ? ' (suspended)' : ''}${r.history?.flapping ? ' ⚠ flapping' : ''} | ${markdownText(r.history?.since ?? '—')} | ${markdownText(healthText(r))} | ${r.creates ? 'new' : r.changes.length} | ${markdownText(r.actions.map((a) => a.kind).join(', ') || '—')} |`;
}

/** The lines of a text cut to at most `limit` characters, whole lines only, with what was cut said. */
function cutLines(lines: readonly string[], limit: number, what: (left: number) => string): string[] {
  const out: string[] = [];
  let size = 0;
  for (const [i, line] of lines.entries()) {
    if (size + line.length + 1 > limit) {
      out.push(what(lines.length - i));
      return out;
    }
    out.push(line);
    size += line.length + 1;
  }
  return out;
}

function resourceSection(r: ReportResource, fullReport: string): string | undefined {
  if (r.changes.length === 0 && r.ignored.length === 0 && r.actions.length === 0 && !r.skipped && !r.creates && !r.fight) return undefined;
  const out: string[] = [];
  out.push('', `<details><summary><code>${escapeHtml(oneLine(r.id))}</code>: ${r.state}</summary>`, '');
  out.push(`${markdownText(r.reason)}${r.source ? ` (${markdownCode(r.source)})` : ''}`, '');
  if (r.changes.length || r.ignored.length) {
    out.push('| field | live | desired | cause |', '| --- | --- | --- | --- |');
    for (const c of r.changes)
      out.push(`| ${markdownCode(c.path)} | ${markdownCode(formatValue(c.live))} | ${markdownCode(formatValue(c.desired))} | ${c.cause} |`);
    for (const c of r.ignored)
      out.push(
        `| ${markdownCode(c.path)} | ${markdownCode(formatValue(c.live))} | ${markdownCode(formatValue(c.desired))} | ${c.cause === 'autoscaler' ? 'autoscaler (not reverted)' : 'ignored'} |`,
      );
    out.push('');
  }
  if (r.creates) {
    const yaml = specYaml(r.creates).trimEnd().split('\n');
    const shown = cutLines(yaml, SECTION_LIMIT / 2, (left) => `# … ${left} more line(s): the full spec is in ${fullReport}`);
    const fence = '`'.repeat(Math.max(3, ...shown.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length + 1)))));
    out.push('Created with:', '', `${fence}yaml`, ...shown, fence, '');
  }
  const h = r.health;
  if (h && 'runningCount' in h) {
    if (h.runsOn?.length) out.push(`- runs on: ${h.runsOn.map((p) => markdownCode(p)).join(' + ')}`);
    for (const x of h.stoppedReasons) out.push(`- stopped task ${markdownText(x.task)}: ${markdownText(x.reason)}`);
    for (const e of h.events.slice(0, 3)) out.push(`- event: ${markdownText(e.message)}`);
  }
  if (r.fight)
    out.push(
      `- **fighting** since ${markdownText(r.fight.since)}: applied on ${r.fight.applied} passes in a row, came back each time: ${r.fight.fields.map((f) => markdownCode(f)).join(', ')}`,
    );
  for (const a of r.actions)
    out.push(`- ${a.stage === 'prune' ? 'prune: ' : ''}${a.kind}${a.outcome && a.outcome !== 'planned' ? ` (${a.outcome})` : ''}: ${markdownText(a.reason)}`);
  if (r.skipped) out.push(`- ${r.skipped.error ? '**not applied**' : 'left alone'}: ${markdownText(r.skipped.reason)}`);
  out.push('', '</details>');
  const text = out.join('\n');
  if (text.length <= SECTION_LIMIT) return text;
  // still too big (hundreds of changed fields): the section keeps its head and says the rest is in the JSON
  return cutLines(out, SECTION_LIMIT - 200, (left) => `\n… ${left} more line(s) of this resource: see ${fullReport}\n\n</details>`).join('\n');
}

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? MARKDOWN_LIMIT;
  const fullReport = opts.fullReport ?? DEFAULT_FULL_REPORT;
  const { listed, hidden } = listedResources(report, opts.show ?? 'changed');

  const head: string[] = [];
  head.push(`### ecs-reconciler ${report.mode}${report.gitRevision ? ` at \`${shortRevision(report.gitRevision)}\`` : ''}`, '');
  head.push(summaryLine(report), '');
  head.push(`Controller ${markdownCode(report.controllerId)}${report.repository ? `, repository ${markdownCode(report.repository)}` : ''}.`, '');
  if (report.prune?.status === 'refused') head.push(`**Prune stage refused**: ${markdownText(report.prune.reason ?? '')}`, '');
  else if (report.prune?.status === 'planned' && report.prune.deletions > 0)
    head.push(`Prune stage: ${report.prune.deletions} deletion(s), after every create and update succeeds.`, '');
  head.push('| state | count |', '| --- | ---: |');
  for (const [state, n] of Object.entries(report.summary.byState)) if (n > 0) head.push(`| ${state} | ${n} |`);
  head.push('');
  if (hidden) head.push(hiddenLine(hidden), '');

  const problems = report.problems.length ? ['', '#### Problems', '', ...report.problems.map((p) => `- ${markdownCode(formatProblem(p))}`)] : [];
  const rows = listed.map(tableRow);
  const sections = listed.map((r) => resourceSection(r, fullReport)).filter((s): s is string => s !== undefined);

  let budget = limit - NOTE_RESERVE - head.join('\n').length;
  // problems say why a plan cannot be trusted: a quarter of the room at most, never crowded out
  const problemLines = cutLines(problems, Math.max(0, budget / 4), (left) => `- … ${left} more problem(s): see ${fullReport}`);
  budget -= problemLines.join('\n').length;
  const tableHead = ['| resource | state | since | health | changes | actions |', '| --- | --- | --- | --- | ---: | --- |'];
  const table = listed.length
    ? [...tableHead, ...cutLines(rows, Math.max(0, budget / 2), (left) => `\n… ${left} more resource(s) not in this table: see ${fullReport}`)]
    : [];
  budget -= table.join('\n').length;

  const details: string[] = [];
  let used = 0;
  for (const [i, s] of sections.entries()) {
    if (used + s.length + 1 > budget) {
      details.push(
        '',
        `… the details of ${sections.length - i} more resource(s) are left out to keep this comment under ${limit.toLocaleString('en-US')} characters: see ${fullReport}`,
      );
      break;
    }
    details.push(s);
    used += s.length + 1;
  }
  return `${[...head, ...table, ...details, ...problemLines].join('\n')}\n`;
}
