export const usage = `hopscope — the HTTP traffic between containers

Usage:
  hopscope read <capture|->  [options]     analyse a .pcap/.pcapng file (or stdin with -)
  hopscope demo              [options]     analyse the bundled demo capture
  hopscope                                  (live capture is not built yet: shows the demo capture)

Output (one of; the default is a table, one line per exchange):
  --jsonl               one HAR 1.2 entry per line (JSON lines), in request start order
  --summary             per client→server pair: counts, status classes, latency percentiles, bytes
  --json                with --summary: the summary as JSON
  --har <file|->        a HAR 1.2 file (credentials redacted; see --no-redact)

Options:
  --filter <expr>       keep matching exchanges, e.g. 'status>=500', 'server=users and latency>100ms'
  --max-body <bytes>    body bytes kept per message (default 1MiB; suffixes k, m)
  --redact <pattern>    also redact this header/query/JSON field name (or /regex/); repeatable
  --no-redact           export credentials as captured (prints a warning)
  --idle-timeout <s>    flush connections idle this long in capture time (default 300)
  --quiet               no progress bar on stderr
  -h, --help            this help
`;
