// Worker Versioning for the short-lived workflows (jobs, pipelines): on a worker of a deployment
// (WANFLOW_DEPLOYMENT) they are PINNED, finishing on the build that started them, so a change to their
// code needs no patch. An unversioned worker must not name a behavior at all (the server refuses the
// workflow task), so the option is asked of the worker that runs the first task.
import type { WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

export function pinnedWhenVersioned(): WorkflowDefinitionOptions {
  return workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'PINNED' } : {};
}
