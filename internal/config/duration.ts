// Fleet configures durations with Go's time.ParseDuration syntax ("2160h", "30s",
// "1h30m"). Config fields hold whole seconds, so that is what we parse into.

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6, // U+00B5 micro sign, as Go accepts
  'μs': 1e-6, // U+03BC Greek mu, as Go accepts
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go duration string or a plain integer number of seconds into whole seconds.
 * Returns an error message instead of throwing so callers can name the value's source.
 */
export function parseDurationSeconds(text: string): number | string {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '') return 'empty duration';
  if (s.startsWith('-')) return 'negative durations are not allowed';
  if (/^\d+d$/.test(s)) {
    // A common mistake: Go has no day unit.
    return `"${s}" is not a Go duration (no "d" unit); use hours, e.g. "${Number(s.slice(0, -1)) * 24}h"`;
  }
  let total = 0;
  PART.lastIndex = 0;
  const body = s.startsWith('+') ? s.slice(1) : s;
  while (PART.lastIndex < body.length) {
    const at = PART.lastIndex;
    const m = PART.exec(body);
    if (m === null || m.index !== at) {
      return `"${text}" is not a duration; use Go syntax like "30s", "1h30m", "2160h" or integer seconds`;
    }
    total += Number(m[1]) * (UNIT_SECONDS[m[2]!] ?? NaN);
  }
  const whole = Math.round(total);
  if (!Number.isFinite(total) || Math.abs(total - whole) > 1e-6) {
    return `"${text}" is not a whole number of seconds`;
  }
  return whole;
}

/** Formats whole seconds in Go duration syntax, compactly: 7776000 -> "2160h". */
export function formatDurationSeconds(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}
