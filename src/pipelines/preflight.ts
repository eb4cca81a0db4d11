// Media preflight of a whole pipeline before its first stage is paid: every stage's own inputs (URLs and
// stored local files; outputs of earlier stages are checked when they exist). A spec whose third stage
// names an unreadable or disallowed input is refused at start, not after two stages were paid for.
import { InvalidRequestError, parseWanRequest, type FieldProblem } from '../wan/validation';
import { mediaFieldsOf } from '../wan/media-roles';
import { preflightMedia } from '../media/preflight';
import type { SourcePolicy } from '../media/source-guard';
import { readableRefs } from '../assets/publish';
import type { AssetStore } from '../storage/store';
import { substituteRefs } from './spec';
import type { PipelinePlan } from './plan';

const LATER = 'https://stage.invalid/';

export async function preflightPipeline(
  plan: PipelinePlan,
  store: AssetStore,
  sources: SourcePolicy,
): Promise<void> {
  const problems: FieldProblem[] = [];
  await Promise.all(
    plan.order.map(async (id) => {
      const stage = plan.stages[id]!;
      // planPipeline has validated the request with the same stand-ins for stage outputs.
      const request = parseWanRequest(
        substituteRefs(stage.spec.request, (r) => `${LATER}${r.stage}/${r.output}`),
      );
      const own = mediaFieldsOf(request);
      const readable = mediaFieldsOf(await readableRefs(request, store))
        .map((f, i) => ({ ...f, trusted: own[i]!.url.startsWith('asset://') }))
        .filter((f) => !f.url.startsWith(LATER));
      const result = await preflightMedia(readable, undefined, sources);
      problems.push(
        ...result.problems.map((p) => ({ ...p, field: `stages.${stage.index}.request.${p.field}` })),
      );
    }),
  );
  if (problems.length) throw new InvalidRequestError(problems);
}
