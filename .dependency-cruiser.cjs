// The architecture as rules (README, Architecture): dependencies flow one way,
// cli/client → workflows → activities → providers, storage, media → wan, with shared/ and config/ below
// them all; no import circles; nothing in production imports the simulator. `npm run lint` and
// test/unit/architecture.test.ts check them.
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-simulator-in-production',
      comment: 'Only the simulator command and the embedded stack (development) start the simulator.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: ['^src/simulator/', '^src/stack/', '^src/cli/commands/simulator\\.ts$'],
      },
      to: { path: layer('simulator') },
    },
    {
      name: 'wan-and-shared-are-pure',
      comment: 'The contract as data and the shared vocabulary import nothing of wanflow above them.',
      severity: 'error',
      from: { path: ['^src/wan/', '^src/shared/'] },
      to: { path: '^src/', pathNot: ['^src/wan/', '^src/shared/'] },
    },
    {
      name: 'coordination-is-pure',
      comment:
        'Coordination state machines (slots, locks, ledgers, admission) are pure transitions: no Temporal, ' +
        'no I/O, nothing of wanflow but the shared vocabulary and the contract. Workflows are their shells.',
      severity: 'error',
      from: { path: '^src/coordination/' },
      to: {
        path: ['^src/', '(^|/)@temporalio/', '^(node:)?(fs|net|http|https|child_process)$'],
        pathNot: ['^src/coordination/', '^src/shared/', '^src/wan/'],
      },
    },
    {
      name: 'providers-below-temporal',
      comment: 'Adapters speak HTTP; activities and workflows are above them.',
      severity: 'error',
      from: { path: ['^src/providers/', '^src/storage/', '^src/media/'] },
      to: { path: ['^src/activities/', '^src/workflows/', '^src/client/', '^src/cli/', '^src/worker/'] },
    },
    {
      name: 'activities-below-workflows',
      severity: 'error',
      from: { path: '^src/activities/' },
      to: {
        path: ['^src/workflows/', '^src/client/', '^src/cli/', '^src/worker/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'workflows-deterministic',
      comment:
        'Workflow code imports only workflow-safe modules: no activities, providers, storage or config values.',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: {
        path: [
          '^src/activities/',
          '^src/providers/',
          '^src/storage/',
          '^src/media/',
          '^src/config/',
          '^src/client/',
          '^src/cli/',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'config-below-everything-but-shared-and-wan',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: ['^src/config/', '^src/shared/', '^src/wan/'] },
    },
    {
      name: 'cli-only-from-cli',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|test|bench|scripts)/' },
  },
};
