// Status log messages real osqueryd emits (file:line from 4.6.0 / 5.12.1 sources, see
// the fixtures' log-status-*.json), rotated by the periodic status line.
import { versionAtLeast, type StatusMessage } from './logs';

const PERIODIC: ReadonlyArray<Omit<StatusMessage, 'line'> & { line4: number; line5: number }> = [
  { severity: 0, filename: 'scheduler.cpp', line4: 83, line5: 98, message: 'Executing scheduled query' },
  { severity: 0, filename: 'events.cpp', line4: 867, line5: 156, message: 'Event publisher not enabled: auditeventpublisher: Publisher disabled via configuration' },
  { severity: 1, filename: 'config.cpp', line4: 325, line5: 972, message: 'Scheduled query may have failed' },
];

const pickLine = (version: string, l4: number, l5: number) => (versionAtLeast(version, '5.0.0') ? l5 : l4);

export function periodicStatus(n: number, version: string, detail: string): StatusMessage {
  const m = PERIODIC[n % PERIODIC.length]!;
  const message = m.filename === 'events.cpp' ? m.message : `${m.message}: ${detail}`;
  return { severity: m.severity, filename: m.filename, line: pickLine(version, m.line4, m.line5), message };
}

export function distributedErrorStatus(version: string, name: string, error: string): StatusMessage {
  return { severity: 2, filename: 'distributed.cpp', line: pickLine(version, 131, 187), message: `Error executing distributed query: ${name}: ${error}` };
}

export function initialResultsStatus(version: string, name: string): StatusMessage {
  return { severity: 0, filename: 'query.cpp', line: pickLine(version, 113, 119), message: `Storing initial results for new scheduled query: ${name}` };
}
