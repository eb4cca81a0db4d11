// A tool call's or API request's arguments as a run's body: a job's `request` (with its route and region),
// a pipeline's `spec`, or a `campaign` — exactly one of them.
import type { REGION_IDS } from '../wan/regions';
import type { ROUTES } from '../wan/routes';
import { InvalidRequestError } from '../wan/validation';
import type { AgentCampaign, RunBody } from './quote';

export function bodyOf(args: {
  request?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  campaign?: AgentCampaign;
  route?: (typeof ROUTES)[number];
  region?: (typeof REGION_IDS)[number];
}): RunBody {
  const given = (['request', 'spec', 'campaign'] as const).filter((k) => args[k] !== undefined);
  if (given.length !== 1)
    throw new InvalidRequestError([
      {
        field: given[1] ?? 'request',
        value: undefined,
        message: 'give exactly one of `request` (a job), `spec` (a pipeline) or `campaign`',
      },
    ]);
  if (!args.request && (args.route || args.region))
    throw new InvalidRequestError([
      {
        field: args.route ? 'route' : 'region',
        value: args.route ?? args.region,
        message: args.spec
          ? "a pipeline's stages name their own route and region"
          : "a campaign's template names its route and region",
      },
    ]);
  if (args.spec) return { kind: 'pipeline', spec: args.spec };
  if (args.campaign) return { kind: 'campaign', campaign: args.campaign };
  return {
    kind: 'job',
    request: args.request,
    ...(args.route ? { route: args.route } : {}),
    ...(args.region ? { region: args.region } : {}),
  };
}
