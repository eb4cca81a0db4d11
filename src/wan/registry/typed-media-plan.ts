// What a typed-media request (Wan 3.0) will be billed for, and the limits only its probed inputs can
// check: seconds of each media type together, input plus output seconds. `duration: -1` lets the model
// choose: it is estimated at the most it can be and billed as the task reports. Pure.
import type { FieldProblem } from '../validation';
import type { ModelFamily } from './family';
import type { TypedMediaRequest } from './typed-media';

/** A probed input: its index in `input.media`, and its seconds when it has any. */
export interface ProbedItem {
  index: number;
  seconds?: number;
}

export interface TypedMediaPlan {
  /** Output seconds: the asked duration, or the most the model may choose. */
  outputSeconds: number;
  /** Input seconds billed as output seconds are (reference videos). */
  billedInputSeconds: number;
  /** Billed seconds on success, as estimated. */
  quantity: number;
  /** The model chooses the length: the bill is what the task reports, at most `quantity`. */
  lengthChosenByModel: boolean;
}

/** `inputVideoSeconds`: the probed seconds of the request's video inputs (Wan 3.0's reference videos, which
 * are its only video inputs and are billed). */
export function planTypedMedia(
  family: ModelFamily,
  request: TypedMediaRequest,
  inputVideoSeconds: number,
): TypedMediaPlan {
  const billedInputSeconds = round(inputVideoSeconds);
  const { auto } = family.parameters.duration;
  const lengthChosenByModel = auto !== undefined && request.parameters.duration === auto;
  const cap = family.parameters.maxInputPlusOutputSeconds;
  const outputSeconds = lengthChosenByModel
    ? Math.max(
        0,
        Math.min(
          family.output.maxSeconds,
          cap === undefined ? Infinity : Math.floor(cap - inputVideoSeconds),
        ),
      )
    : request.parameters.duration;
  return {
    outputSeconds,
    billedInputSeconds,
    quantity: round(outputSeconds + billedInputSeconds),
    lengthChosenByModel,
  };
}

/** What the probed inputs break: a type's seconds together, input plus output seconds. */
export function typedMediaTotalsProblems(
  family: ModelFamily,
  request: TypedMediaRequest,
  probed: readonly ProbedItem[],
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [type, facts] of Object.entries(family.media)) {
    if (facts.maxTotalSeconds === undefined) continue;
    const total = round(secondsOf(request, probed, (t) => t === type));
    if (total > facts.maxTotalSeconds)
      problems.push({
        field: 'input.media',
        value: total,
        message: `${type} inputs last ${total} s together; at most ${facts.maxTotalSeconds} s`,
      });
  }
  const cap = family.parameters.maxInputPlusOutputSeconds;
  const input = round(videoSeconds(family, request, probed));
  const { duration } = request.parameters;
  if (cap !== undefined && input > 0) {
    if (duration === family.parameters.duration.auto) {
      if (input >= cap)
        problems.push({
          field: 'input.media',
          value: input,
          message: `input video lasts ${input} s: nothing is left of the ${cap} s input + output`,
        });
    } else if (input + duration > cap) {
      problems.push({
        field: 'parameters.duration',
        value: duration,
        message: `with ${input} s of input video, at most ${Math.max(0, Math.floor(cap - input))} (input + output ≤ ${cap} s)`,
      });
    }
  }
  return problems;
}

function secondsOf(
  request: TypedMediaRequest,
  probed: readonly ProbedItem[],
  counts: (type: string) => boolean,
): number {
  const media = request.input.media ?? [];
  return probed.reduce((sum, p) => sum + (counts(media[p.index]?.type ?? '') ? (p.seconds ?? 0) : 0), 0);
}

/** Seconds of the video inputs: what counts toward input + output. */
function videoSeconds(
  family: ModelFamily,
  request: TypedMediaRequest,
  probed: readonly ProbedItem[],
): number {
  return secondsOf(request, probed, (type) => family.media[type]?.rule.kind === 'video');
}

const round = (n: number) => Math.round(n * 100) / 100;
