// Parsers for typed flags. Commander calls them while it reads the command line, and a refusal names the
// flag and the value ("option '--duration <seconds>' argument 'x' is invalid. must be a whole number"),
// not the request field it would have filled.
import { InvalidArgumentError } from 'commander';

/** A whole number ≥ 0, as typed (the request's own limits are judged by validation, by field). */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

/** A whole number, or -1 (Wan 3.0's duration: the model chooses). */
export function wholeNumberOrAuto(value: string): number {
  return value.trim() === '-1' ? -1 : wholeNumber(value);
}

/** A whole number in [min, max]. */
export function wholeNumberIn(min: number, max: number, unit = ''): (value: string) => number {
  return (value) => {
    const n = wholeNumber(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be ${min} to ${max}${unit}`);
    return n;
  };
}

/** A repeatable flag: every value, in order. */
export function repeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A repeatable `key=value` flag. */
export function keyValue(value: string, previous: string[] = []): string[] {
  if (value.indexOf('=') < 1) throw new InvalidArgumentError('expected key=value');
  return [...previous, value];
}

/** `key=value` pairs as an object. */
export function pairs(values: string[] = []): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));
}
