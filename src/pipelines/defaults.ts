// Pipeline-wide parameter defaults (resolution, duration, seed) that each stage may override: filled into
// a stage's request where its model takes the parameter and the stage left it out. videoedit keeps its
// input's length unless it names a duration itself, so the duration default passes it by.
import { capabilitiesOf } from '../wan/registry';
import { isImageModel } from '../wan/models';
import type { PipelineSpec } from './spec';

export type ParameterDefaults = Pick<PipelineSpec['defaults'], 'resolution' | 'duration' | 'seed'>;

export interface DefaultedSpec {
  spec: PipelineSpec;
  /** Per stage index: request fields (`parameters.duration`) whose value came from the defaults. */
  defaulted: Map<number, Map<string, string>>;
}

export function applyStageDefaults(spec: PipelineSpec): DefaultedSpec {
  const defaulted = new Map<number, Map<string, string>>();
  const stages = spec.stages.map((stage, i) => {
    const model = String(stage.request.model);
    const given = stage.request.parameters;
    // Parameters of the wrong type are left as written, so validation refuses them by name; they are
    // never silently replaced by the defaults.
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given)))
      return stage;
    const current = (given ?? {}) as Record<string, unknown>;
    const parameters = { ...current };
    const fill = (name: keyof ParameterDefaults, applies: boolean) => {
      const value = spec.defaults[name];
      if (value === undefined || !applies || parameters[name] !== undefined) return;
      parameters[name] = value;
      if (!defaulted.has(i)) defaulted.set(i, new Map());
      defaulted.get(i)!.set(`request.parameters.${name}`, `defaults.${name}`);
    };
    const video = !isImageModel(model);
    fill('resolution', video);
    // A model whose unset duration keeps its input's length (Wan 2.7's edit) is not given one.
    fill('duration', video && capabilitiesOf(model)?.parameters.duration.keepInput === undefined);
    fill('seed', true);
    if (!defaulted.has(i)) return stage;
    return { ...stage, request: { ...stage.request, parameters } };
  });
  return { spec: { ...spec, stages }, defaulted };
}
