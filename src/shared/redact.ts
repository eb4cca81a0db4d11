// Signed URLs carry credentials in their query; records, failures and logs keep only scheme, host and
// path. The one place wanflow redacts them.

/** A URL with its query replaced; an inline data URL shortened to its media type and length. */
export function redactUrl(url: string): string {
  if (url.startsWith('data:')) return `${url.slice(0, url.indexOf(',') + 1)}<${url.length} chars>`;
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?<redacted>`;
}

/** Every URL in a text (an error message) with its query replaced. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s?#"']+)\?[^\s"']*/gi, '$1?<redacted>');
}
