// Whose stored media a run may name. A CLI user owns the whole local store, as always. An agent owns only
// what it staged (its own `agents/<agent>/` folder) and the outputs of its own runs (`<agent>.<key>`), the
// same runs `status` and `result` let it read: agent A cannot feed agent B's video into a job of its own,
// nor learn its length from a quote. Checked at the client by field, before anything is started or paid.
import { campaignFolder, jobFolder, pipelineFolder } from '../shared/ids';
import { unsafeKeyReason } from '../storage/store';
import type { FieldProblem } from '../wan/validation';
import { assetKey, isAssetRef } from './refs';

/** Where an agent's staged inputs are stored. */
export function agentInputsFolder(agent: string): string {
  return `agents/${agent}/inputs`;
}

/** Key prefixes an agent's runs own: its staged inputs and its runs' folders (agent names hold no "."). */
function agentPrefixes(agent: string): string[] {
  const run = `${agent}.`;
  return [`agents/${agent}/`, jobFolder(run), pipelineFolder(run), campaignFolder(run)];
}

/**
 * Why `value` (an `asset://` reference in `field`) may not be an input of a run started by `agent` (absent:
 * the local user, who may name any safe key); undefined when it may, or when it is no asset reference.
 */
export function assetRefProblem(field: string, value: string, agent?: string): FieldProblem | undefined {
  if (!isAssetRef(value)) return undefined;
  const key = assetKey(value);
  const unsafe = unsafeKeyReason(key);
  if (unsafe)
    return { field, value: value.slice(0, 200), message: `is not a storage key wanflow reads: it ${unsafe}` };
  if (agent !== undefined && !agentPrefixes(agent).some((p) => key.startsWith(p)))
    return {
      field,
      value: value.slice(0, 200),
      message: `is not agent ${agent}'s: an agent's runs name only files it staged and outputs of its own runs (${agentPrefixes(agent).join('…, ')}…)`,
    };
  return undefined;
}
