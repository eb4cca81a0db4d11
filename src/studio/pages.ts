// The studio's HTML, rendered on the server with hono's `html` template: every value put into a page is
// escaped (prompts and labels are shown as text, never markup). htmx makes parts of a page live: a part
// that can still change asks for itself again every two seconds and stops once it is final, so a playing
// video of a finished stage is never replaced.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { CampaignState } from '../shared/campaigns';
import type { CostFigure } from '../wan/pricing';
import type { JobRecord, JobSummary, PersistedOutput, PipelineRecord, StageState } from '../shared/records';
import { failureGroups, type ReportRow } from '../campaigns/report';
import { parseUtc8 } from '../wan/time';
import { ALL_RESOLUTIONS } from '../wan/models';
import { modelsServing, modeTitleOf } from '../wan/registry';
import type { RunDetail, RunFilter, RunRow } from './runs';
import type { StillKind } from './stills';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** How pages name things they link to: signed media URLs, the job records behind a pipeline's stages. */
export interface PageContext {
  media(key: string): string;
  /** A link to an output's still, made when first asked for (studio/stills.ts); none for an image's sheet. */
  still(outputKey: string, kind: StillKind): string | undefined;
  /** The job's whole record (prompt, request), when its manifest could be read. */
  manifest(job: Pick<JobSummary, 'jobId' | 'manifestKey'>): JobRecord | undefined;
  /** A seed for a stage's "again" button. */
  newSeed(): number;
}

const POLL = '2s';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#111;color:#eee}
header{padding:10px 20px;background:#1d1d1d;display:flex;gap:20px;align-items:center}
header a{color:#eee;text-decoration:none;font-weight:600}
main{padding:16px 20px}
a{color:#8cf}
table{border-collapse:collapse;width:100%}
td,th{padding:6px 8px;border-bottom:1px solid #333;text-align:left;vertical-align:top}
.state{display:inline-block;padding:1px 8px;border-radius:9px;background:#333}
.state.stored,.state.completed{background:#1e5e2e}.state.failed{background:#7a1f1f}
.state.running,.state.polling,.state.submitted,.state.submitting{background:#6a5a10}
.state.canceled,.state.canceling{background:#555}
.stages{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-start}
.card{background:#1d1d1d;border-radius:8px;padding:10px;width:300px}
.card h3{margin:0 0 6px;font-size:15px}
.card video{width:300px;height:200px;display:block;border-radius:4px;background:#000;object-fit:contain}
.card img{width:300px;display:block;border-radius:4px;margin-top:4px}
.facts{font-size:12px;color:#bbb;margin:6px 0 0;white-space:pre-wrap;word-break:break-word}
.prompt{white-space:pre-wrap;word-break:break-word}
.grid{display:flex;gap:8px;flex-wrap:wrap}.grid figure{margin:0;width:200px}.grid img{width:200px}
.arrow{align-self:center;color:#777;font-size:20px}
form.filters{display:flex;gap:8px;margin-bottom:12px}
button{background:#333;color:#eee;border:1px solid #555;border-radius:4px;padding:4px 12px;cursor:pointer}
.bar{height:10px;background:#333;border-radius:5px;overflow:hidden;width:400px}
.bar>div{height:100%;background:#2f8f4f}
#new-run{margin-bottom:14px}form.start{display:flex;gap:8px;align-items:flex-start;margin-top:8px}
.error{color:#f88}
img.thumb{width:96px;display:block;border-radius:3px}
`;

export function layout(title: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · wanflow studio</title>
        <style>
          ${raw(STYLE)}
        </style>
        <script src="/static/htmx.min.js"></script>
      </head>
      <body hx-headers='{"X-Wanflow-Studio": "1"}'>
        <header><a href="/">wanflow studio</a><span>${title}</span></header>
        <main>${body}</main>
      </body>
    </html>`;
}

/**
 * A new text-to-video job. The form carries a key made when the page was rendered: sending it twice
 * (a double click, a retry) starts one job, never a second paid task.
 */
function startForm(key: string): Html {
  return html`<details id="new-run">
    <summary>new text-to-video job</summary>
    <form hx-post="/runs" hx-target="#start-result" class="start">
      <input type="hidden" name="key" value="${key}" />
      <textarea name="prompt" rows="3" cols="80" placeholder="prompt"></textarea>
      <select name="model">
        ${modelsServing('text').map(
          ({ model, family }) =>
            html`<option value="${model.id}">${model.id}${family.preview ? ' (preview)' : ''}</option>`,
        )}
      </select>
      <select name="resolution">
        ${ALL_RESOLUTIONS.map((r) => html`<option ${r === '720P' ? 'selected' : ''}>${r}</option>`)}
      </select>
      <input name="duration" type="number" value="5" /> s
      <button class="start">start</button>
      <span id="start-result"></span>
    </form>
  </details>`;
}

export function runsPage(rows: RunRow[], filter: RunFilter, startKey: string): Html {
  const option = (value: string, current?: string) =>
    html`<option value="${value}" ${value === (current ?? '') ? 'selected' : ''}>${value || 'any'}</option>`;
  return layout(
    'runs',
    html`${startForm(startKey)}
      <form class="filters" method="get" action="/">
        <select name="kind">
          ${['', 'pipeline', 'job', 'campaign'].map((k) => option(k, filter.kind))}
        </select>
        <select name="state">
          ${['', 'running', 'stored', 'completed', 'failed', 'canceled'].map((s) => option(s, filter.state))}
        </select>
        <input name="label" placeholder="label key=value" value="${filter.labels?.[0] ?? ''}" />
        <input name="model" placeholder="model" value="${filter.model ?? ''}" />
        <button>filter</button>
      </form>
      <table>
        <tr>
          <th></th>
          <th>run</th>
          <th>kind</th>
          <th>state</th>
          <th>models</th>
          <th>labels</th>
          <th>started</th>
        </tr>
        ${
          rows.length
            ? rows.map(
                (r) =>
                  html`<tr class="run" data-id="${r.id}">
                    <td>${r.kind === 'campaign' ? '' : runStill(r.id)}</td>
                    <td><a href="/runs/${encodeURIComponent(r.id)}">${r.id}</a></td>
                    <td>${r.kind}</td>
                    <td><span class="state ${r.state}">${r.state}</span></td>
                    <td>${r.models.join(', ')}</td>
                    <td>${r.labels.join(', ')}</td>
                    <td>${r.started}</td>
                  </tr>`,
              )
            : html`<tr>
                <td colspan="7">
                  no
                  runs${
                    filter.kind || filter.state || filter.labels?.length || filter.model
                      ? ' match these filters'
                      : ' yet: start one with wanflow run'
                  }
                </td>
              </tr>`
        }
      </table>`,
  );
}

/** A run's still, fetched by the browser on its own (lazily): the list renders without reading records. */
function runStill(id: string): Html {
  return html`<img class="thumb" loading="lazy" src="/runs/${encodeURIComponent(id)}/thumb" alt="" />`;
}

export function runPage(d: RunDetail, ctx: PageContext): Html {
  if (d.kind === 'campaign')
    return layout(
      `campaign ${d.id}`,
      html`${campaignHead(d.id, d.state, d.running)}${d.running ? actions(d.id, true) : ''}${campaignGrid(d.rows, ctx)}`,
    );
  if (!d.record)
    return layout(
      `${d.kind} ${d.id}`,
      html`<p>
        ${
          d.running
            ? `running; its record could not be read (${d.unanswered ?? 'no worker answered'})`
            : 'ended without a record (terminated by hand?)'
        }
      </p>`,
    );
  if (d.kind === 'job')
    return layout(
      `job ${d.id}`,
      html`${jobCard(d.id, d.record as JobRecord, ctx)}${d.running ? actions(d.id, false) : ''}`,
    );
  const p = d.record as PipelineRecord;
  return layout(
    `pipeline ${d.id}`,
    html`${pipelineHead(d.id, p)}${d.running ? actions(d.id, false) : ''}
      <div class="stages">
        ${p.order.map(
          (stage, i) =>
            html`${i ? html`<span class="arrow">→</span>` : ''}${stageCard(d.id, stage, p.stages[stage]!, ctx)}`,
        )}
      </div>`,
  );
}

/** A pipeline's status, cost and cancel button; asks again while the pipeline runs. */
export function pipelineHead(id: string, p: PipelineRecord): Html {
  const live = p.status === 'running';
  return html`<section
    id="head"
    ${live ? raw(`hx-get="/runs/${attr(id)}/head" hx-trigger="every ${POLL}" hx-swap="outerHTML"`) : ''}
  >
    <h2>${p.name ?? id} <span class="state ${p.status}" id="run-state">${p.status}</span></h2>
    <p>
      ${labelsOf(p.labels)} started
      ${p.timestamps.started}${p.timestamps.finished ? ` · finished ${p.timestamps.finished}` : ''} ·
      estimated ${money(p.cost.estimated)} · billed ${money(p.cost.billed)}
    </p>
  </section>`;
}

/** One stage: its jobs' outputs as thumbnails and players, and their facts; asks again until final. */
export function stageCard(runId: string, stage: string, s: StageState, ctx: PageContext): Html {
  const live = s.status === 'waiting' || s.status === 'running';
  return html`<section
    class="card stage"
    id="stage-${stage}"
    data-status="${s.status}"
    ${
      live
        ? raw(
            `hx-get="/runs/${attr(runId)}/stages/${attr(stage)}" hx-trigger="every ${POLL}" hx-swap="outerHTML"`,
          )
        : ''
    }
  >
    <h3>${stage} <span class="state ${s.status}">${s.status}</span></h3>
    <div class="facts">
      ${s.model}${s.mode ? ` · ${modeTitleOf(s.model, s.mode) ?? s.mode}` : ''}${s.after.length ? ` · after ${s.after.join(', ')}` : ''}
    </div>
    ${s.jobs.map((job) => jobOutputs(job, ctx.manifest(job), ctx))}
    ${s.failure ? html`<p class="facts">failed: ${s.failure.message}</p>` : ''}
    ${s.status === 'stored' && s.jobs[0]?.manifestKey ? againButton(runId, stage, ctx.newSeed()) : ''}
  </section>`;
}

/** A job on its own page: the same card, live until it ends. */
export function jobCard(id: string, r: JobRecord, ctx: PageContext): Html {
  const live = !['stored', 'failed', 'expired', 'canceled'].includes(r.status);
  return html`<section
    class="card job"
    id="job"
    data-status="${r.status}"
    ${live ? raw(`hx-get="/runs/${attr(id)}/job" hx-trigger="every ${POLL}" hx-swap="outerHTML"`) : ''}
  >
    <h3>${id} <span class="state ${r.status}" id="run-state">${r.status}</span></h3>
    ${jobOutputs(r, r, ctx)}
  </section>`;
}

function jobOutputs(job: JobSummary, record: JobRecord | undefined, ctx: PageContext): Html {
  return html`<div class="job-outputs" data-job="${job.jobId}">
    ${(job.outputs ?? []).map((o) => outputMedia(o, ctx))}
    ${record ? html`<p class="prompt">${promptOf(record)}</p>` : ''}
    <div class="facts">${factsOf(job, record)}</div>
  </div>`;
}

/** A video with its thumbnail as poster and its contact sheet beneath; an image as itself. */
function outputMedia(o: PersistedOutput, ctx: PageContext): Html {
  const media = o.contentType.startsWith('video/')
    ? html`<video
        controls
        muted
        preload="metadata"
        poster="${ctx.still(o.key, 'thumb')}"
        src="${ctx.media(o.key)}"
      ></video>`
    : html`<img src="${ctx.still(o.key, 'thumb')}" alt="${o.key}" />`;
  const sheet = ctx.still(o.key, 'sheet');
  return html`${media}
    ${sheet ? html`<img class="sheet" src="${sheet}" alt="four frames of ${o.key}" />` : ''}
    <div class="facts">
      <a href="${ctx.media(o.key)}" download>download</a> (the link expires in an hour)
    </div>`;
}

function factsOf(job: JobSummary, record: JobRecord | undefined): string {
  const params = (record?.request as { parameters?: Record<string, unknown> } | undefined)?.parameters ?? {};
  const t = job.timestamps;
  const lines = [
    `${job.model} on ${job.route} (${job.region}) · ${job.status}`,
    [
      (params.seed ?? job.seed) ? `seed ${String(params.seed ?? job.seed)}` : '',
      record?.resolution ?? (params.resolution as string | undefined) ?? '',
      record?.durationSeconds ? `${record.durationSeconds} s` : '',
    ]
      .filter(Boolean)
      .join(' · '),
    job.taskId ? `task ${job.taskId}` : '',
    `estimated ${cost(job.cost.estimated)} · billed ${cost(job.cost.billed)}`,
    timings(t),
    job.keptAfterCancel ? 'kept after cancel: it was running, so it is paid for and stored' : '',
    job.failure ? `failure (${job.failure.cause}): ${job.failure.message}` : '',
  ];
  return lines.filter(Boolean).join('\n');
}

/** Submit (our clock), queue and run (the provider's, UTC+8 without a zone), then the whole job. */
function timings(t: JobSummary['timestamps']): string {
  const ours = (v?: string) => (v ? Date.parse(v) : undefined);
  const theirs = (v?: string) => (v ? parseUtc8(v) : undefined);
  const span = (label: string, a?: number, b?: number) =>
    a !== undefined && b !== undefined && b >= a ? `${label} ${((b - a) / 1000).toFixed(1)} s` : undefined;
  return [
    span('submit', ours(t.created), ours(t.submitted)),
    span('queue', theirs(t.providerSubmit), theirs(t.providerScheduled)),
    span('run', theirs(t.providerScheduled), theirs(t.providerEnd)),
    span('in all', ours(t.created), ours(t.stored ?? t.finished)),
  ]
    .filter(Boolean)
    .join(' · ');
}

function promptOf(r: JobRecord): string {
  const input = (r.request as { input?: { prompt?: unknown } } | undefined)?.input;
  return typeof input?.prompt === 'string' ? input.prompt : '';
}

/** A campaign's progress and spend; pause, resume and cancel while it runs; asks again while it runs. */
export function campaignHead(id: string, s: CampaignState, running: boolean): Html {
  const c = s.counters;
  const done = c.stored + c.failed + c.canceled;
  const pct = c.total ? Math.round((100 * done) / c.total) : 0;
  const currency = s.budget?.currency ?? s.estimate.currency ?? '';
  return html`<section
    id="head"
    ${running ? raw(`hx-get="/runs/${attr(id)}/head" hx-trigger="every ${POLL}" hx-swap="outerHTML"`) : ''}
  >
    <h2>campaign ${id} <span class="state ${s.status}" id="run-state">${s.status}</span></h2>
    <div class="bar"><div style="width:${pct}%"></div></div>
    <p id="counters">
      ${done} of ${c.total} done · stored ${c.stored} · running ${c.running} · failed ${c.failed} · canceled
      ${c.canceled}
    </p>
    <p>
      spent ${money(s.spent)}${s.budget ? ` of ${s.budget.cap} ${currency}` : ''} · reserved
      ${s.reserved.toFixed(2)} ${currency} · estimate ${s.estimate.total.toFixed(2)} ${currency}
    </p>
  </section>`;
}

// A page holds the first few hundred outputs; the report (CSV, JSONL) has every row.
const GRID_MAX = 300;

export function campaignGrid(rows: ReportRow[], ctx: PageContext): Html {
  const groups = failureGroups(rows);
  const produced = rows.filter((r) => r.outputs.length);
  return html`<section id="grid">
    ${
      groups.length
        ? html`<h3>failures by cause</h3>
            <table>
              ${groups.map(
                (g) =>
                  html`<tr>
                    <td>${g.cause}</td>
                    <td>${g.rows} rows</td>
                    <td>${g.remedy ?? ''}</td>
                    <td>e.g. line ${g.example.line}: ${g.example.message}</td>
                  </tr>`,
              )}
            </table>`
        : ''
    }
    ${
      produced.length > GRID_MAX
        ? html`<p class="facts">
            the first ${GRID_MAX} of ${produced.length} outputs; \`wanflow campaign report\` lists every row
          </p>`
        : ''
    }
    <div class="grid">
      ${produced.slice(0, GRID_MAX).map(
        (r) =>
          html`<figure>
            <a href="${ctx.media(r.outputs[0]!)}"
              ><img src="${ctx.still(r.outputs[0]!, 'thumb')}" alt="row ${r.key}"
            /></a>
            <figcaption class="facts">
              ${r.key} · ${r.status}${r.billed ? ` · ${r.billed} ${r.currency ?? ''}` : ''}
            </figcaption>
          </figure>`,
      )}
    </div>
  </section>`;
}

/**
 * The stage's request again as a job of its own with another seed (its inputs are the stored outputs it
 * used). The seed is chosen when the card is rendered: pressing twice starts that one job once.
 */
function againButton(runId: string, stage: string, seed: number): Html {
  return html`<button
      class="again"
      hx-post="/runs/${attr(runId)}/stages/${attr(stage)}/again?seed=${seed}"
      hx-target="#again-${stage}"
    >
      again with seed ${seed}</button
    ><span id="again-${stage}"></span>`;
}

/**
 * A running run's buttons, outside the parts that refresh themselves (an answer shown beside them stays).
 * Cancel for every run; pause and resume for a campaign.
 */
function actions(id: string, campaign: boolean): Html {
  const button = (action: string, label: string, confirm?: string) =>
    html`<button
      class="${action}"
      hx-post="/runs/${attr(id)}/${action}"
      hx-target="#action-result"
      ${confirm ? raw(`hx-confirm="${confirm}"`) : ''}
    >
      ${label}
    </button>`;
  return html`<section id="actions">
    ${campaign ? html`${button('pause', 'pause')} ${button('resume', 'resume')}` : ''}
    ${button('cancel', 'cancel', 'Cancel this run? Tasks already running are paid for and kept.')}
    <span id="action-result"></span>
  </section>`;
}

function labelsOf(labels?: Record<string, string>): string {
  const all = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return all.length ? `${all.join(', ')} · ` : '';
}

function money(m: Record<string, number>): string {
  const parts = Object.entries(m).map(([cur, n]) => `${n.toFixed(2)} ${cur}`);
  return parts.length ? parts.join(' + ') : '—';
}

function cost(c?: CostFigure): string {
  return c ? `${c.amount.toFixed(2)} ${c.currency}` : '—';
}

/** For the few attributes written raw (htmx's): IDs are escaped like any other value. */
function attr(v: string): string {
  return encodeURIComponent(v);
}
