// What the simulator received, exposed for tests at GET /_sim/stats.
export interface SimulatorStats {
  createRequests: number;
  tasksCreated: number;
  /** Tasks created, by masked key then model. */
  tasksByKeyAndModel: Record<string, Record<string, number>>;
  queries: number;
  cancels: number;
  lists: number;
  downloads: number;
  uploadPolicies: number;
  uploads: number;
  falCreates: number;
  eachlabsCreates: number;
  inferenceCreates: number;
  webhooksSent: number;
  /** Completion events POSTed to the account's EventBridge target (deliveries, retries included). */
  eventsSent: number;
  /** Refusals by error code. */
  refusals: Record<string, number>;
}

export function emptyStats(): SimulatorStats {
  return {
    createRequests: 0,
    tasksCreated: 0,
    tasksByKeyAndModel: {},
    queries: 0,
    cancels: 0,
    lists: 0,
    downloads: 0,
    uploadPolicies: 0,
    uploads: 0,
    falCreates: 0,
    eachlabsCreates: 0,
    inferenceCreates: 0,
    webhooksSent: 0,
    eventsSent: 0,
    refusals: {},
  };
}

/** Keys are secrets even here: stats name them by their ends only. */
export function maskKey(key: string): string {
  return key.length <= 10 ? '…' : `${key.slice(0, 3)}…${key.slice(-4)}`;
}
