// What a request's probed inputs add up to: the input seconds billed as output seconds are (the family's
// `billedSeconds` types: Wan 2.7's reference videos and edited video, Wan 3.0's reference videos), and
// the limits only those seconds can break (Wan 3.0: seconds of a type together, input + output). Pure.
import { isTypedMediaRequest, type FieldProblem, type WanRequest } from './validation';
import type { MediaField } from './media-roles';
import { familyOf } from './registry';
import { typedMediaTotalsProblems } from './registry/typed-media-plan';

/** A field's probed seconds, when it was probed and has any. */
export type SecondsOf = (field: MediaField) => number | undefined;

export function billedInputSeconds(
  request: WanRequest,
  fields: readonly MediaField[],
  seconds: SecondsOf,
): number {
  const media = familyOf(request.model)?.media ?? {};
  const total = fields
    .filter((f) => media[f.role]?.billedSeconds)
    .reduce((sum, f) => sum + (seconds(f) ?? 0), 0);
  return Math.round(total * 100) / 100;
}

export function mediaTotalsProblems(
  request: WanRequest,
  fields: readonly MediaField[],
  seconds: SecondsOf,
): FieldProblem[] {
  if (!isTypedMediaRequest(request)) return [];
  const probed = fields.map((f) => ({
    index: Number(/^input\.media\.(\d+)\./.exec(f.field)![1]),
    seconds: seconds(f),
  }));
  return typedMediaTotalsProblems(familyOf(request.model)!, request, probed);
}
