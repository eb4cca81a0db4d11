// Where each route's calls go and with which key: the simulator unless the user asked for the paid API
// (WANFLOW_LIVE), then the key of the region or route. Keys are read here, at call time in the worker,
// and never enter the configuration that travels, workflow inputs or history.
import { regionBaseUrl, type RegionId } from '../wan/regions';
import type { WanflowConfig } from './config';
import type { TaskStatus } from '../wan/tasks';
import { envVar, modelStudioKey, modelStudioWorkspace, regionKeyVar } from './env';
import { ConfigError } from './errors';
import {
  SIM_DEFAULT_KEY,
  SIM_EACHLABS_KEY,
  SIM_EACHLABS_WEBHOOK_SECRET,
  SIM_FAL_KEY,
  SIM_INFERENCE_KEY,
} from './simulator';

export interface Endpoint {
  baseUrl: string;
  apiKey: string;
  workspaceId?: string;
}

/**
 * Where and with which key a region's Model Studio calls go. Without WANFLOW_LIVE the simulator is the
 * target, whatever key is set: reaching the paid API takes an explicit flag.
 */
export function modelStudioEndpoint(
  config: WanflowConfig,
  region: RegionId,
  env: NodeJS.ProcessEnv = process.env,
): Endpoint {
  const key = modelStudioKey(env, region);
  const workspaceId = modelStudioWorkspace(env, region);
  if (!config.live) {
    return {
      baseUrl: config.baseUrlOverride ?? `${config.simulatorUrl}/api/v1`,
      apiKey: key ?? SIM_DEFAULT_KEY,
      workspaceId,
    };
  }
  if (!key)
    throw new ConfigError(`no API key for ${region}: set ${regionKeyVar(region)} or DASHSCOPE_API_KEY`);
  const form = envVar(env, 'DASHSCOPE_WORKSPACE_FORM') ?? 'host';
  const baseUrl = config.baseUrlOverride ?? regionBaseUrl(region, form === 'host' ? workspaceId : undefined);
  if (!baseUrl)
    throw new ConfigError(
      form === 'header' && workspaceId
        ? `${region} has no public host for the header form: set DASHSCOPE_WORKSPACE_FORM=host`
        : `${region} has only workspace hosts: set DASHSCOPE_WORKSPACE_ID_${region.toUpperCase().replace(/-/g, '_')} (or DASHSCOPE_WORKSPACE_ID) or DASHSCOPE_HTTP_BASE_URL`,
    );
  return { baseUrl, apiKey: key, workspaceId };
}

/** fal.ai's queue and key; without WANFLOW_LIVE, the simulator's fal routes. */
export function falEndpoint(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv = process.env,
): { queueUrl: string; apiKey: string; jwksUrl?: string } {
  if (!config.live) {
    return {
      queueUrl: config.falQueueUrl ?? `${config.simulatorUrl}/fal`,
      apiKey: envVar(env, 'FAL_KEY') ?? SIM_FAL_KEY,
      jwksUrl: config.falJwksUrl ?? `${config.simulatorUrl}/fal/.well-known/jwks.json`,
    };
  }
  const apiKey = envVar(env, 'FAL_KEY');
  if (!apiKey) throw new ConfigError(`the fal route needs FAL_KEY`);
  return { queueUrl: config.falQueueUrl ?? 'https://queue.fal.run', apiKey, jwksUrl: config.falJwksUrl };
}

/** each::labs' API, key and webhook secret; without WANFLOW_LIVE, the simulator's each::labs routes. */
export function eachlabsEndpoint(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv = process.env,
): { apiUrl: string; apiKey: string; webhookSecret?: string; signatureHeader?: string } {
  const signatureHeader = envVar(env, 'EACHLABS_SIGNATURE_HEADER');
  if (!config.live) {
    return {
      apiUrl: envVar(env, 'EACHLABS_API_URL') ?? `${config.simulatorUrl}/eachlabs`,
      apiKey: envVar(env, 'EACHLABS_API_KEY') ?? SIM_EACHLABS_KEY,
      webhookSecret: envVar(env, 'EACHLABS_WEBHOOK_SECRET') ?? SIM_EACHLABS_WEBHOOK_SECRET,
      signatureHeader,
    };
  }
  const apiKey = envVar(env, 'EACHLABS_API_KEY');
  if (!apiKey) throw new ConfigError(`the eachlabs route needs EACHLABS_API_KEY`);
  return {
    apiUrl: envVar(env, 'EACHLABS_API_URL') ?? 'https://api.eachlabs.ai',
    apiKey,
    webhookSecret: envVar(env, 'EACHLABS_WEBHOOK_SECRET'),
    signatureHeader,
  };
}

/** inference.sh's API, key and status overrides; without WANFLOW_LIVE, the simulator's inference.sh routes. */
export function inferenceEndpoint(
  config: WanflowConfig,
  env: NodeJS.ProcessEnv = process.env,
): { apiUrl: string; apiKey: string; statuses?: Record<string, TaskStatus> } {
  const statuses = envVar(env, 'INFERENCE_STATUSES');
  if (!config.live) {
    return {
      apiUrl: envVar(env, 'INFERENCE_API_URL') ?? `${config.simulatorUrl}/inference`,
      apiKey: envVar(env, 'INFERENCE_API_KEY') ?? SIM_INFERENCE_KEY,
      statuses,
    };
  }
  const apiKey = envVar(env, 'INFERENCE_API_KEY');
  if (!apiKey) throw new ConfigError(`the inference route needs INFERENCE_API_KEY`);
  return { apiUrl: envVar(env, 'INFERENCE_API_URL') ?? 'https://api.inference.sh', apiKey, statuses };
}
