// What preflight can know of a document input (Wan 3.0's `file`): its format from its first bytes, not its
// name, and for a PDF its page count where the page tree states it uncompressed. A format that cannot be
// told is refused by the format check; a page count that cannot be read is left to the service.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MediaProbeError, redactQuery } from './probe';
import type { MediaFacts } from '../shared/records';

const HEAD = 64 * 1024;
const TAIL = 256 * 1024;

export async function readDocument(source: string): Promise<MediaFacts> {
  const file = source.startsWith('file:') ? fileURLToPath(source) : source;
  let size: number;
  let handle: FileHandle;
  try {
    ({ size } = await stat(file));
    handle = await open(file, 'r');
  } catch (err) {
    throw new MediaProbeError(`cannot read ${redactQuery(source)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    const read = async (at: number, length: number) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - at)));
      await handle.read(buf, 0, buf.length, at);
      return buf;
    };
    const head = await read(0, HEAD);
    const tail = size > HEAD ? await read(Math.max(HEAD, size - TAIL), TAIL) : Buffer.alloc(0);
    const format = formatOf(head, tail);
    const pages = format === 'pdf' ? pdfPages(Buffer.concat([head, tail]).toString('latin1')) : undefined;
    return { format, sizeBytes: size, ...(pages === undefined ? {} : { pages }) };
  } finally {
    await handle.close();
  }
}

/** OOXML documents are zip files named by the folder of their parts, listed in the central directory at
 * the end; the older Office formats share one container (OLE2) and are accepted as one. */
function formatOf(head: Buffer, tail: Buffer): string {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head.readUInt32BE(0) === 0xd0cf11e0) return 'doc/ppt/xls';
  if (head.readUInt32BE(0) === 0x504b0304) {
    const names = Buffer.concat([head, tail]).toString('latin1');
    if (names.includes('word/')) return 'docx';
    if (names.includes('ppt/')) return 'pptx';
    if (names.includes('xl/')) return 'xlsx';
    return 'zip';
  }
  // Markdown is text: valid UTF-8 without NUL bytes.
  const text = head.toString('utf8');
  if (!head.includes(0) && !text.includes('\uFFFD')) return 'md';
  return 'unknown';
}

/** The largest `/Count` of a `/Type /Pages` node: the root's, which counts every page. */
function pdfPages(text: string): number | undefined {
  const counts = [
    ...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g),
  ].map((m) => Number(m[1] ?? m[2]));
  return counts.length ? Math.max(...counts) : undefined;
}
