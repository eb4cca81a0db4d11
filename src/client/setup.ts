// One-time namespace setup on an existing cluster: register wanflow's search attributes (the embedded dev
// server registers them itself; Temporal Cloud takes them in its UI or `tcld`, see the README).
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { EXIT, WanflowError } from '../shared/errors';

export class SearchAttributeTypeError extends WanflowError {
  override readonly name = 'SearchAttributeTypeError';
  override readonly exitCode = EXIT.usage;
  readonly remedy =
    'Another tool registered this name with another type: rename theirs, or set WANFLOW_SEARCH_ATTRIBUTES=off.';
}

export class SearchAttributesMissingError extends WanflowError {
  override readonly name = 'SearchAttributesMissingError';
  override readonly exitCode = EXIT.usage;
  readonly remedy =
    'Run `wanflow setup` once for this namespace (Temporal Cloud: add them in its UI or with tcld, see the README), or set WANFLOW_SEARCH_ATTRIBUTES=off.';
}

/** The server's refusal of an unregistered attribute, as an error that says what to do; others unchanged. */
export function explainMissingAttributes(err: unknown): unknown {
  const text = `${(err as Error)?.message} ${(err as { cause?: Error })?.cause?.message ?? ''}`;
  const m =
    /(Namespace \S+) has no mapping defined for search attribute (\w+)|search attribute (\w+) is not defined/.exec(
      text,
    );
  if (!m) return err;
  return new SearchAttributesMissingError(
    `${m[1] ?? 'the namespace'} lacks wanflow's search attribute ${m[2] ?? m[3]}; nothing was started`,
    { cause: err },
  );
}

const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Whether the namespace's frontend knows every one of wanflow's attributes yet: an attribute just added
 * is listed at once, but a start naming it is refused until the frontend's namespace cache refreshes (up
 * to ~10 s on the Temporal server on PostgreSQL). A visibility query naming them is checked the same way.
 */
export async function searchAttributesUsable(client: Client, namespace: string): Promise<boolean> {
  const query = SEARCH_ATTRIBUTES.map((key) => `${key.name} IS NULL`).join(' OR ');
  return client.workflowService.countWorkflowExecutions({ namespace, query }).then(
    () => true,
    () => false,
  );
}

/** Registers whichever of wanflow's attributes the namespace lacks; returns the names it added. */
export async function registerSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  const operator = client.connection.operatorService;
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of SEARCH_ATTRIBUTES) {
    const existing = customAttributes?.[key.name];
    if (existing === undefined) missing[key.name] = INDEXED[key.type]!;
    else if (existing !== INDEXED[key.type])
      throw new SearchAttributeTypeError(
        `search attribute ${key.name} exists in namespace ${namespace} with another type (${temporal.api.enums.v1.IndexedValueType[existing]}); wanflow needs ${key.type}`,
      );
  }
  if (Object.keys(missing).length)
    await operator.addSearchAttributes({ namespace, searchAttributes: missing });
  return Object.keys(missing);
}
