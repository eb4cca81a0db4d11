// The patches in force (docs/contributing.md, "A patch's life"): one name per change of a short-lived
// workflow's commands, so runs recorded before it replay on the code after it.

/**
 * A job's lean create path (since 0.1.0): validation runs as a local activity in the job's first workflow
 * task, and the create lock travels with the create (submit.ts) — three workflow tasks and seven history
 * events less per job, measured by `npm run bench:burst`.
 */
export const LEAN_JOB = 'lean-job';
