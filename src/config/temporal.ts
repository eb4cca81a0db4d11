// Where Temporal is and how to reach it, read by @temporalio/envconfig exactly as the Temporal CLI and
// SDKs read it (see config/env.ts for the variables).
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { ConfigError } from './errors';

/**
 * Where Temporal is and how to reach it, read the way the Temporal CLI and SDKs read it: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, and the profile
 * (TEMPORAL_PROFILE) of the TOML file (TEMPORAL_CONFIG_FILE, default ~/.config/temporalio/temporal.toml).
 */
export function temporalConnection(env: NodeJS.ProcessEnv) {
  let loaded: ClientConnectConfig;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: definedOnly(env) });
  } catch (err) {
    throw new ConfigError(`Temporal connection settings: ${(err as Error).message}`, { cause: err });
  }
  const c = loaded.connectionOptions;
  return {
    address: c.address ?? 'localhost:7233',
    namespace: loaded.namespace ?? 'default',
    apiKey: typeof c.apiKey === 'string' ? c.apiKey : undefined,
    tls: c.tls ?? undefined,
    metadata: c.metadata as Record<string, string> | undefined,
  };
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
