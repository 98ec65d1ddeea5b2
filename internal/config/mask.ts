// Hides secrets before a value is shown to a person (config dump, error messages).
export const MASK = '********';

/** Masks the password of a URL ("postgres://u:pw@h/db" -> "postgres://u:********@h/db"). */
export function maskUrlPassword(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, `$1${MASK}@`)
    .replace(/([?&]password=)[^&]*/gi, `$1${MASK}`);
}
