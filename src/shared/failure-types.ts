// The failure type names workflows decide on. An activity's error reaches the workflow as a Temporal
// failure whose type is the error's `name`; each class takes its name from here, so the classes and the
// workflow's matching cannot drift apart.
export const FAILURE_TYPE = {
  invalidRequest: 'InvalidRequestError',
  config: 'ConfigError',
  storage: 'StorageError',
  requestRejected: 'RequestRejectedError',
  rateLimited: 'RateLimitedError',
  transient: 'TransientProviderError',
  ambiguous: 'AmbiguousRequestError',
  connectionFailed: 'ConnectionFailedError',
  resultExpired: 'ResultExpiredError',
  taskClaimedElsewhere: 'TaskClaimedElsewhereError',
  /** Not a class: an activity attempt that timed out (its worker died or hung). */
  timeout: 'Timeout',
} as const;
export type FailureType = (typeof FAILURE_TYPE)[keyof typeof FAILURE_TYPE];
