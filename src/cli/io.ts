// What a command reads and writes: results on `out` (stdout, what scripts parse), progress and errors on
// `err`, a spec on `stdin` (`wanflow run -`). The entry point provides them; tests can too.
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Standard input as text, read to its end. */
  stdin: () => Promise<string>;
}
/** The writing half, for helpers that only print. */
export type Out = Pick<Io, 'out' | 'err'>;
