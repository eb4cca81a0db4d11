// Model Studio response shapes (contract §5), parsed leniently: unknown fields are kept out, missing
// optional ones tolerated, both usage spellings (`duration` and older `video_duration`) read.
import { z } from 'zod';
import { TASK_STATUSES, type ObservedStatus, type TaskSnapshot } from '../../wan/tasks';
import type { TaskListItem } from '../provider';

// Only a literal UNKNOWN means the task is gone; any other word is kept and never ends a task.
const known = new Set<string>(TASK_STATUSES);
const status = z.string();
const observed = (s: string): ObservedStatus => (known.has(s) ? (s as ObservedStatus) : 'UNRECOGNIZED');

export const createAnswer = z.object({
  request_id: z.string().optional(),
  output: z.object({ task_id: z.string().min(1), task_status: status }),
});

export const errorAnswer = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  request_id: z.string().optional(),
});

// Image answers are chat-style choices, each holding image parts.
const choices = z.array(
  z.object({ message: z.object({ content: z.array(z.object({ image: z.string().optional() })) }) }),
);

const usage = z
  .object({
    duration: z.number().optional(),
    video_duration: z.number().optional(),
    input_video_duration: z.number().optional(),
    output_video_duration: z.number().optional(),
    video_count: z.number().optional(),
    SR: z.union([z.number(), z.string()]).optional(),
    ratio: z.string().optional(),
    video_ratio: z.string().optional(),
    image_count: z.number().optional(),
  })
  .optional();

export const queryAnswer = z.object({
  request_id: z.string().optional(),
  output: z.object({
    task_id: z.string(),
    task_status: status,
    submit_time: z.string().optional(),
    scheduled_time: z.string().optional(),
    end_time: z.string().optional(),
    video_url: z.string().optional(),
    choices: choices.optional(),
    orig_prompt: z.string().optional(),
    actual_prompt: z.string().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
  }),
  usage,
});

export function toSnapshot(a: z.output<typeof queryAnswer>): TaskSnapshot {
  const o = a.output;
  const u = a.usage;
  return {
    taskId: o.task_id,
    status: observed(o.task_status),
    rawStatus: known.has(o.task_status) ? undefined : o.task_status.slice(0, 64),
    requestId: a.request_id,
    submitTime: o.submit_time,
    scheduledTime: o.scheduled_time,
    endTime: o.end_time,
    videoUrl: o.video_url,
    imageUrls: imageUrlsOf(o.choices),
    origPrompt: o.orig_prompt,
    actualPrompt: o.actual_prompt,
    code: o.code,
    message: o.message,
    usage: u && {
      duration: u.duration ?? u.video_duration,
      inputVideoDuration: u.input_video_duration,
      outputVideoDuration: u.output_video_duration,
      videoCount: u.video_count,
      sr: u.SR === undefined ? undefined : Number(u.SR),
      ratio: u.ratio ?? u.video_ratio,
      imageCount: u.image_count,
    },
  };
}

export const syncImageAnswer = z.object({
  request_id: z.string().optional(),
  output: z.object({
    choices,
  }),
  usage: z.object({ image_count: z.number().optional() }).optional(),
});

export function imageUrlsOf(c: z.output<typeof choices> | undefined): string[] | undefined {
  const urls = c?.flatMap((c) => c.message.content.flatMap((p) => (p.image ? [p.image] : [])));
  return urls?.length ? urls : undefined;
}

// The list body is undocumented (§9): the task array is accepted under `data`, `output.data` or `tasks`.
// A body with none of them is not read as "no tasks": after a lost create answer that would resend.
const listItem = z.object({
  task_id: z.string(),
  task_status: status.optional(),
  model_name: z.string().optional(),
  model: z.string().optional(),
  submit_time: z.string().optional(),
  scheduled_time: z.string().optional(),
  end_time: z.string().optional(),
});
const items = z.array(listItem);
export const listAnswer = z.object({
  data: items.optional(),
  tasks: items.optional(),
  output: z.object({ data: items.optional(), total: z.number().optional() }).optional(),
  total: z.number().optional(),
});

/** The tasks of one list page, or undefined when the body holds no task array wanflow knows. */
export function toListItems(a: z.output<typeof listAnswer>): TaskListItem[] | undefined {
  const raw = a.data ?? a.output?.data ?? a.tasks;
  return raw?.map((t) => ({
    taskId: t.task_id,
    status: t.task_status === undefined ? undefined : observed(t.task_status),
    model: t.model_name ?? t.model,
    submitTime: t.submit_time,
    scheduledTime: t.scheduled_time,
    endTime: t.end_time,
  }));
}
