// Model Studio timestamps: `YYYY-MM-DD HH:mm:ss.SSS` in UTC+8 (task times), `YYYYMMDDhhmmss` (list filters).
const UTC8_MS = 8 * 3600_000;

export function formatUtc8(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().replace('T', ' ').replace('Z', '');
}

export function parseUtc8(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, +(frac ?? '0').padEnd(3, '0')) - UTC8_MS;
}

export function formatListTime(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

export function parseListTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - UTC8_MS;
}
