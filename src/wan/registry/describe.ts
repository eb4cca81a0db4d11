// A family's contract in a sentence: what an agent reads in a tool's schema to write a request, made from
// the registry so the tools name every model and mode there is.
import type { ModelFamily } from './family';
import type { ImageFamily } from './image-family';

export function describeFamily(family: ModelFamily): string {
  const p = family.parameters;
  const title = `${family.title}${family.preview ? ' (preview)' : ''}`;
  const duration = `duration ${p.duration.min}–${p.duration.max} s${p.duration.auto === undefined ? '' : ` or ${p.duration.auto} (the model chooses)`}`;
  const resolution = `resolution ${p.resolutions.join('|')} (unset: ${p.defaultResolution})`;
  if (family.request === 'typed media')
    return `${title}: ${family.models.map((m) => m.id).join(', ')}, one model for every mode (${family.modes.map((m) => m.id).join(', ')}), chosen by input.media[] of {type, url} with type ${Object.keys(family.media).join('|')}; ${resolution}; ${duration}`;
  return `${title}: ${family.models.map((m) => `${m.id} (${(m.modes ?? []).join(', ')})`).join('; ')}; ${resolution}; ${duration}`;
}

export function describeImageFamily(family: ImageFamily): string {
  const p = family.parameters;
  const sizes = family.models.map((m) => `${m.id} (${m.sizes.join('|')})`).join(', ');
  return `${family.title}: ${sizes}; input.messages of one user message with 0–${p.maxInputImages} {image} parts and one {text}; size a name or W*H (unset: ${p.defaultSize}); n 1–${p.maxN}, up to ${p.maxNSequential} with enable_sequential`;
}
