// The workflow bundle stays lean: every cached workflow shares it, and a schema library inside it is
// memory and start-up time spent on nothing workflow code does (validation happens in activities and the
// client). A workflow module that imports a zod schema (directly or through a module that does) fails here.
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../harness/workers';

describe('the workflow bundle', () => {
  it('carries no schema library and stays under 2.5 MB', async () => {
    const { code } = await workflowBundle();
    expect(code.match(/ZodError|ZodType/g) ?? []).toHaveLength(0);
    // 4.7 MB with zod (through the pipeline spec's schema); 2.0 MB without.
    expect(code.length).toBeLessThan(2.5e6);
  }, 120_000);
});
