import { describe, expect, it } from 'vitest';
import { pipelineEta } from '../../src/pipelines/eta';
import type { PipelineRecord, StageState } from '../../src/shared/records';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function stage(
  status: StageState['status'],
  expectedSeconds: number,
  after: string[],
  started?: string,
): StageState {
  return { status, model: 'wan2.7-t2v', after, expectedSeconds, started, jobIds: [], outputs: [], jobs: [] };
}

// a → (b, c) → d: a diamond, so the ETA follows the longer branch.
function diamond(b: StageState, c: StageState, status: PipelineRecord['status'] = 'running'): PipelineRecord {
  return {
    pipelineId: 'p',
    status,
    order: ['a', 'b', 'c', 'd'],
    stages: { a: stage('stored', 40, []), b, c, d: stage('waiting', 20, ['b', 'c']) },
    cost: { estimated: {}, billed: {} },
    timestamps: { started: ago(100) },
  };
}

describe('pipeline ETA', () => {
  it('follows the longest remaining chain: a running stage counts from its start', () => {
    const rec = diamond(stage('running', 30, ['a'], ago(10)), stage('waiting', 50, ['a']));
    expect(pipelineEta(rec, NOW)).toEqual({ seconds: 70, overdue: [] });
  });

  it('the running branch decides when it is the longer one', () => {
    const rec = diamond(stage('running', 90, ['a'], ago(10)), stage('stored', 50, ['a']));
    expect(pipelineEta(rec, NOW)).toEqual({ seconds: 100, overdue: [] });
  });

  it('a stage past its expected time is overdue and counts as finishing now', () => {
    const rec = diamond(stage('running', 30, ['a'], ago(45)), stage('stored', 50, ['a']));
    expect(pipelineEta(rec, NOW)).toEqual({ seconds: 20, overdue: ['b'] });
  });

  it('a finished pipeline has nothing left', () => {
    const rec = diamond(stage('stored', 30, ['a']), stage('stored', 50, ['a']), 'stored');
    rec.stages.d!.status = 'stored';
    expect(pipelineEta(rec, NOW).seconds).toBe(0);
  });
});
