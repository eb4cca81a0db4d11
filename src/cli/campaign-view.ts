// A campaign as the terminal shows it: one progress line (done, running, queued, failed; spend against
// the budget; rate; ETA), the closing summary with failures grouped by cause, and following it to its end.
import type { Client } from '@temporalio/client';
import { getCampaignState } from '../client/campaigns';
import type { WanflowConfig } from '../config/config';
import type { CampaignState } from '../shared/campaigns';
import { EXIT } from '../shared/errors';
import type { FailureGroup } from '../campaigns/report';
import type { Out } from './io';

const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);

/** Rows ended per minute since the start, and the minutes the rest should take at that rate. */
export function pace(state: CampaignState, nowMs: number): { perMinute: number; etaMinutes?: number } {
  const c = state.counters;
  const ended = c.admitted - c.running;
  const minutes = (nowMs - Date.parse(state.timestamps.started)) / 60_000;
  const perMinute = minutes > 0 ? ended / minutes : 0;
  const left = c.total - ended;
  return { perMinute, ...(perMinute > 0 ? { etaMinutes: left / perMinute } : {}) };
}

export function progressLine(state: CampaignState, nowMs: number): string {
  const c = state.counters;
  const ended = c.admitted - c.running;
  const parts = [
    `campaign ${state.campaignId} ${state.status}: ${ended}/${c.total} done`,
    `${c.stored} stored`,
    `${c.running} running`,
    `${c.total - c.admitted} queued`,
    `${c.failed} failed`,
  ];
  if (c.budgetExhausted) parts.push(`${c.budgetExhausted} over budget`);
  if (c.canceled) parts.push(`${c.canceled} canceled`);
  const currency = state.budget?.currency ?? state.estimate.currency ?? Object.keys(state.spent)[0];
  if (currency) {
    const spent = state.spent[currency] ?? 0;
    const forecast = spent + state.reserved + (state.estimate.total - state.estimate.admitted);
    parts.push(
      `spent ${money(spent)}${state.budget ? ` of ${money(state.budget.cap)}` : ''} ${currency} (reserved ${money(state.reserved)}, forecast ${money(forecast)})`,
    );
  }
  const { perMinute, etaMinutes } = pace(state, nowMs);
  if (perMinute > 0) parts.push(`${perMinute.toFixed(1)} rows/min`);
  if (etaMinutes !== undefined && state.status !== 'completed' && state.status !== 'canceled')
    parts.push(`ETA ${Math.ceil(etaMinutes)} min`);
  return parts.join(' · ');
}

export function failureLines(groups: FailureGroup[]): string[] {
  return groups.map(
    (g) =>
      `  ${g.cause}: ${g.rows} row${g.rows === 1 ? '' : 's'} (e.g. line ${g.example.line}: ${g.example.message})${g.remedy ? `\n    → ${g.remedy}` : ''}`,
  );
}

/** What a campaign that ended exits with: 0 every row stored, 3 canceled, 1 any row not stored. */
export function exitForCampaign(state: CampaignState): number {
  if (state.status === 'canceled') return EXIT.canceled;
  if (state.status !== 'completed') return EXIT.wrongState;
  const c = state.counters;
  return c.failed || c.budgetExhausted || c.canceled ? EXIT.failed : EXIT.ok;
}

/** Prints progress (a line when it changes, or NDJSON states) until the campaign ends; its final state. */
export async function followCampaign(
  client: Client,
  config: WanflowConfig,
  campaignId: string,
  json: boolean | undefined,
  io: Out,
  everyMs = 2000,
): Promise<CampaignState> {
  let last = '';
  for (;;) {
    const state = await getCampaignState(client, config, campaignId);
    const line = json ? JSON.stringify({ event: 'progress', state }) : progressLine(state, Date.now());
    const key = JSON.stringify([state.status, state.counters, state.spent, state.reserved]);
    if (key !== last) (json ? io.out : io.err)(line);
    last = key;
    if (state.status === 'completed' || state.status === 'canceled') return state;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
