// A campaign's files, read and written for its workflow: a page of rows, a part of the report, and at the
// end the whole report (JSONL, CSV) and the summary. Idempotent: each writes the same key with the same
// content when retried.
import type { CampaignPageRef, CampaignRowEntry, CampaignState, RowOutcome } from '../shared/campaigns';
import { campaignKeys } from '../shared/campaigns';
import { putText, readText } from '../storage/store';
import type { AssetStore } from '../storage';
import { failureGroups, parseOutcomes, reportCsv, reportJsonl, reportRows } from '../campaigns/report';

export async function readCampaignPage(store: AssetStore, key: string): Promise<CampaignRowEntry[]> {
  return JSON.parse(await readText(store, key)) as CampaignRowEntry[];
}

export async function writeCampaignPart(
  store: AssetStore,
  input: { key: string; outcomes: RowOutcome[] },
): Promise<void> {
  await putText(store, input.key, reportJsonl(input.outcomes.map((o) => ({ ...o }))), 'application/x-ndjson');
}

/** Writes the report of every row and the summary; returns the report's keys. */
export async function finishCampaign(
  store: AssetStore,
  input: { state: CampaignState; pages: CampaignPageRef[] },
): Promise<{ jsonl: string; csv: string }> {
  const report = await buildReport(store, input.state, input.pages);
  const c = input.state.campaignId;
  const keys = { jsonl: campaignKeys.reportJsonl(c), csv: campaignKeys.reportCsv(c) };
  await putText(store, keys.jsonl, reportJsonl(report), 'application/x-ndjson');
  await putText(store, keys.csv, reportCsv(report), 'text/csv');
  await store.putJson(campaignKeys.summary(c), {
    ...input.state,
    pages: input.pages,
    reportKeys: keys,
    failures: failureGroups(report),
  });
  return keys;
}

/** Every row of the campaign's pages with its outcome so far (the client reads it while it runs). */
export async function buildReport(
  store: AssetStore,
  state: Pick<CampaignState, 'parts'>,
  pages: CampaignPageRef[],
) {
  const rows = (await Promise.all(pages.map((p) => readCampaignPage(store, p.key)))).flat();
  const outcomes = parseOutcomes(await Promise.all(state.parts.map((k) => readText(store, k))));
  return reportRows(rows, outcomes);
}
