// Names shared by workflows and clients: queries defined once.
import { defineQuery } from '@temporalio/workflow';
import type { JobRecord } from '../activities/job-record';

export const jobStateQuery = defineQuery<JobRecord>('jobState');
