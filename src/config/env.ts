// Every environment variable wanflow reads, in one place. The DashScope and Temporal names are the
// ecosystems' own, so one environment serves the official SDKs and wanflow alike.
// TEMPORAL_* are read through @temporalio/envconfig (with its TLS, profile and gRPC-header variables); they
// are listed here for the embedded stack's check and the compose test.
export const ENV = {
  temporalAddress: 'TEMPORAL_ADDRESS',
  temporalNamespace: 'TEMPORAL_NAMESPACE',
  temporalApiKey: 'TEMPORAL_API_KEY',
  temporalTls: 'TEMPORAL_TLS',
  taskQueue: 'WANFLOW_TASK_QUEUE',
  live: 'WANFLOW_LIVE',
  region: 'DASHSCOPE_API_REGION',
  apiKey: 'DASHSCOPE_API_KEY',
  baseUrl: 'DASHSCOPE_HTTP_BASE_URL',
  workspaceId: 'DASHSCOPE_WORKSPACE_ID',
  simulatorUrl: 'WANFLOW_SIMULATOR_URL',
  dataDir: 'WANFLOW_DATA_DIR',
  storage: 'WANFLOW_STORAGE',
  storageDir: 'WANFLOW_STORAGE_DIR',
  s3Endpoint: 'WANFLOW_S3_ENDPOINT',
  s3Bucket: 'WANFLOW_S3_BUCKET',
  s3Prefix: 'WANFLOW_S3_PREFIX',
  s3AccessKey: 'AWS_ACCESS_KEY_ID',
  s3SecretKey: 'AWS_SECRET_ACCESS_KEY',
  s3Region: 'AWS_REGION',
  ambiguousSubmit: 'WANFLOW_AMBIGUOUS_SUBMIT',
  prices: 'WANFLOW_PRICES',
  searchAttributes: 'WANFLOW_SEARCH_ATTRIBUTES',
  inputPublishing: 'WANFLOW_INPUT_PUBLISHING',
  webhookUrl: 'WANFLOW_WEBHOOK_URL',
  webhookSecret: 'WANFLOW_WEBHOOK_SECRET',
  falUserId: 'FAL_USER_ID',
  assetUrl: 'WANFLOW_ASSET_URL',
  assetSecret: 'WANFLOW_ASSET_SECRET',
  preflightAllowHosts: 'WANFLOW_PREFLIGHT_ALLOW_HOSTS',
  falKey: 'FAL_KEY',
  falQueueUrl: 'FAL_QUEUE_URL',
  falJwksUrl: 'FAL_JWKS_URL',
  eachlabsKey: 'EACHLABS_API_KEY',
  eachlabsUrl: 'EACHLABS_API_URL',
  eachlabsWebhookSecret: 'EACHLABS_WEBHOOK_SECRET',
  eachlabsSignatureHeader: 'EACHLABS_SIGNATURE_HEADER',
} as const;

/** A key for one region only: DASHSCOPE_API_KEY_AP_SOUTHEAST_1 and so on. */
export function regionKeyVar(region: string): string {
  return `${ENV.apiKey}_${region.toUpperCase().replace(/-/g, '_')}`;
}
