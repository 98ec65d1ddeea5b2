/** Fleet trims the server URL of white space and trailing slashes and requires https. */
export function normalizeServerUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  const trimmed = raw.trim().replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return { ok: false, reason: 'url is not valid' };
  }
  if (parsed.protocol !== 'https:') return { ok: false, reason: 'url scheme must be https' };
  return { ok: true, url: trimmed };
}
