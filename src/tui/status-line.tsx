import { Text } from 'ink';
import type { TuiStatus } from './status.js';

export interface StatusLineProps {
  status: TuiStatus;
  /** Exchanges kept in the store now and evicted so far. */
  kept: number;
  evicted: number;
  paused: boolean;
  width: number;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The parts of the status line, most important first (a narrow terminal cuts the end). */
export function statusParts({ status, kept, evicted, paused }: Omit<StatusLineProps, 'width'>): string[] {
  const parts: string[] = [];
  if (paused) parts.push('PAUSED (space resumes)');
  parts.push(status.finished ? `${status.source} (read)` : status.source);
  parts.push(`${count(kept)} kept${evicted > 0 ? `, ${count(evicted)} evicted` : ''}`);
  parts.push(`${count(status.packets)} pkts`);
  // Drops only exist for live capture; a file has none to report.
  if (status.kernelDrops > 0 || status.queueDrops > 0 || status.source === 'live') {
    parts.push(`drops ${count(status.kernelDrops)} kernel ${count(status.queueDrops)} queue`);
  }
  parts.push(status.resolver);
  if (status.interfaces.length > 0) parts.push(status.interfaces.join(','));
  parts.push('? help');
  return parts;
}

/** One inverse line at the bottom: capture, store and naming state. */
export function StatusLine(props: StatusLineProps) {
  const parts = statusParts(props);
  const pausedPart = props.paused ? ` ${parts[0]} ` : '';
  const rest = ` ${(props.paused ? parts.slice(1) : parts).join(' · ')}`;
  return (
    <Text inverse wrap="truncate">
      {props.paused ? <Text color="yellow">{pausedPart}</Text> : null}
      {rest.padEnd(Math.max(0, props.width - pausedPart.length))}
    </Text>
  );
}
