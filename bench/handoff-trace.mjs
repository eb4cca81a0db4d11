// Where a slot's hand-over time goes, read from the histories of a finished campaign bench run: from a task's
// end at the provider to the create of the row its slot goes to, step by step. Each step is a median over
// the jobs (or grants) that took it, in seconds:
//   detect   task end (the simulator's books) → the job's task notice (the watcher's sweep)
//   release  the notice → the job's release signal to its slot workflow (its poll, when it polls first)
//   grant    a release reaching the slot workflow → its next grant sent
//   create   the grant reaching a waiting job → the task's create at the simulator
// Used by campaign-makespan.mjs when BENCH_TRACE=1 (reads every job's history: minutes at 1,000 rows).

const at = (e) => Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] / 1000 : NaN;
}

function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length * 0.95)] / 1000 : NaN;
}

async function histories(client, type) {
  const out = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${type}'` })) {
    const h = client.workflow.getHandle(wf.workflowId, wf.runId);
    out.push({ id: wf.workflowId, events: (await h.fetchHistory()).events ?? [] });
  }
  return out;
}

/** Hand-over steps from the job and slot histories, against the simulator's books (`books`). */
export async function traceHandoffs(client, books) {
  const byTask = new Map(books.map((b) => [b.taskId, b]));
  const steps = { detect: [], release: [], grant: [], create: [] };
  for (const { events } of await histories(client, 'wanJob')) {
    const notice = events.find(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'taskNotice',
    );
    const release = events.find(
      (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'releaseSlot',
    );
    const granted = events.find(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'slotGranted',
    );
    const submitted = events.find(
      (e) =>
        e.activityTaskCompletedEventAttributes &&
        /"taskId"/.test(payloadText(e.activityTaskCompletedEventAttributes)),
    );
    const taskId = submitted
      ? JSON.parse(payloadText(submitted.activityTaskCompletedEventAttributes)).taskId
      : undefined;
    const book = taskId ? byTask.get(taskId) : undefined;
    if (!book) continue;
    if (notice) steps.detect.push(at(notice) - book.endsAt);
    if (notice && release && at(release) >= at(notice)) steps.release.push(at(release) - at(notice));
    if (granted) steps.create.push(book.createdAt - at(granted));
  }
  // Tasks the watcher counted as another client's take slots away: their time-weighted mean, in slots.
  let foreignArea = 0;
  let slotSpan = 0;
  for (const { events } of await histories(client, 'wanAccountSlots')) {
    let lastRelease;
    let foreign = 0;
    let since = events.length ? at(events[0]) : 0;
    for (const e of events) {
      const signaled = e.workflowExecutionSignaledEventAttributes;
      if (signaled?.signalName === 'foreignTasks') {
        foreignArea += foreign * (at(e) - since);
        since = at(e);
        foreign = JSON.parse(Buffer.from(signaled.input.payloads[0].data).toString('utf8')).foreign;
      }
      if (e.workflowExecutionSignaledEventAttributes?.signalName === 'releaseSlot') lastRelease = at(e);
      const sent = e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'slotGranted';
      if (sent && lastRelease !== undefined) {
        steps.grant.push(at(e) - lastRelease);
        lastRelease = undefined;
      }
    }
    if (events.length) {
      foreignArea += foreign * (at(events.at(-1)) - since);
      slotSpan += at(events.at(-1)) - at(events[0]);
    }
  }
  return {
    ...Object.fromEntries(
      Object.entries(steps).map(([k, xs]) => [k, { n: xs.length, p50: median(xs), p95: p95(xs) }]),
    ),
    foreignMean: slotSpan ? foreignArea / slotSpan : 0,
  };
}

function payloadText(attrs) {
  const p = attrs.result?.payloads?.[0];
  return p?.data ? Buffer.from(p.data).toString('utf8') : '';
}
