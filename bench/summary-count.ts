/**
 * The total request count in hopscope's summary, for checking it against what the generator wrote.
 * The summary's exact layout belongs to the CLI and may change, so this looks for the figure
 * rather than parsing a fixed format: first in the text summary (a "total" line), then in
 * `--summary --json` output (a total field, or the per-pair counts summed).
 */

export interface FoundCount {
  count: number;
  /** How it was found, for the report. */
  how: string;
}

const COUNT_KEYS = ['requests', 'exchanges', 'requestCount', 'exchangeCount', 'totalRequests', 'totalExchanges', 'count'];
const TOTAL_KEYS = ['total', 'totals', 'overall', 'all'];
const LIST_KEYS = ['pairs', 'rows', 'byPair', 'connections'];

function num(text: string): number {
  return Number(text.replace(/[,_\s]/g, ''));
}

/**
 * A header comment line ("# …; 125000 requests") or a line mentioning "total", with
 * "N requests"/"requests: N" (or exchanges) in it. Per-pair rows are never read as totals.
 */
export function countFromText(text: string): FoundCount | undefined {
  for (const line of text.split('\n')) {
    if (!/^\s*#|total|all pairs/i.test(line)) continue;
    const after = /\b(?:requests|exchanges)\b\s*[:=]?\s*(\d[\d,_]*)/i.exec(line);
    if (after) return { count: num(after[1]), how: `text: "${line.trim()}"` };
    const before = /(\d[\d,_]*)\s+(?:requests|exchanges)\b/i.exec(line);
    if (before) return { count: num(before[1]), how: `text: "${line.trim()}"` };
  }
  return undefined;
}

function countIn(obj: Record<string, unknown>): number | undefined {
  for (const k of COUNT_KEYS) if (typeof obj[k] === 'number') return obj[k] as number;
  return undefined;
}

function sumList(list: unknown[]): number | undefined {
  let sum = 0;
  for (const item of list) {
    const n = item && typeof item === 'object' ? countIn(item as Record<string, unknown>) : undefined;
    if (n === undefined) return undefined;
    sum += n;
  }
  return list.length ? sum : undefined;
}

/** From `--summary --json` output: a total object, a top-level count, or a sum over pairs. */
export function countFromJson(text: string): FoundCount | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) {
    const sum = sumList(value);
    return sum === undefined ? undefined : { count: sum, how: 'json: sum over the pairs array' };
  }
  if (!value || typeof value !== 'object') return undefined;
  const obj = value as Record<string, unknown>;
  for (const k of TOTAL_KEYS) {
    const total = obj[k];
    if (total && typeof total === 'object') {
      const n = countIn(total as Record<string, unknown>);
      if (n !== undefined) return { count: n, how: `json: ${k}` };
    }
  }
  const top = countIn(obj);
  if (top !== undefined) return { count: top, how: 'json: top-level count' };
  for (const k of LIST_KEYS) {
    if (Array.isArray(obj[k])) {
      const sum = sumList(obj[k] as unknown[]);
      if (sum !== undefined) return { count: sum, how: `json: sum over ${k}` };
    }
  }
  return undefined;
}
