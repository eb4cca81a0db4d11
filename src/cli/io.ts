// What a command writes to: results on `out` (stdout, what scripts parse), progress and errors on `err`.
export type Out = { out: (s: string) => void; err: (s: string) => void };
