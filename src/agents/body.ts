// A tool call's or API request's arguments as a run's body: a job's `request` (with its route and region)
// or a pipeline's `spec`, exactly one of them.
import type { REGION_IDS } from '../wan/regions';
import type { ROUTES } from '../wan/routes';
import { InvalidRequestError } from '../wan/validation';
import type { RunBody } from './quote';

export function bodyOf(args: {
  request?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  route?: (typeof ROUTES)[number];
  region?: (typeof REGION_IDS)[number];
}): RunBody {
  if ((args.request === undefined) === (args.spec === undefined))
    throw new InvalidRequestError([
      {
        field: args.request ? 'spec' : 'request',
        value: undefined,
        message: 'give exactly one of `request` (a job) or `spec` (a pipeline)',
      },
    ]);
  if (args.spec) {
    if (args.route || args.region)
      throw new InvalidRequestError([
        {
          field: args.route ? 'route' : 'region',
          value: args.route ?? args.region,
          message: "a pipeline's stages name their own route and region",
        },
      ]);
    return { kind: 'pipeline', spec: args.spec };
  }
  return {
    kind: 'job',
    request: args.request,
    ...(args.route ? { route: args.route } : {}),
    ...(args.region ? { region: args.region } : {}),
  };
}
