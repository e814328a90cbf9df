export const usage = `hopscope — the HTTP traffic between containers

Usage:
  hopscope live [-i IF]... [-w FILE] [BPF filter] [options]
                                            capture live (root or CAP_NET_RAW+CAP_NET_ADMIN); Ctrl-C stops
  hopscope interfaces [--json]              what live capture would capture on, and why
  hopscope containers [--save FILE] [--json] the address → container table from Docker (--save: for read --containers)
  hopscope read <capture|->  [options]     analyse a .pcap/.pcapng file (or stdin with -)
  hopscope demo              [options]     analyse the bundled demo capture
  hopscope                                  on a terminal: the UI on every Docker bridge; without capture
                                            (addon not built, no permission, no Docker bridges) the UI on
                                            the demo capture replayed at its recorded pace, saying why.
                                            Not on a terminal: live as a table, or the demo with the reason
                                            on stderr
  hopscope read <capture> --tui | demo --tui | live --tui [live options]
                                            the terminal UI on a capture (read as fast as it goes) or live

Terminal UI (--tui; keys: ? shows them all):
  list      ↑/↓ PgUp/PgDn Home/End move; F follow new rows; Enter detail; / filter (same language as
            --filter; Enter applies, Esc cancels); t containers view (s sorts, Enter shows a pair's
            exchanges); w waterfall of the focused exchange's request tree (bars on a shared
            time axis, latency, share of the root's time, critical path marked ●); space pause the view (capture goes on);
            c clear; e export the filtered exchanges as HAR (hopscope-YYYYMMDD-HHMMSS.har here,
            credentials redacted unless --no-redact); q or Ctrl-C quit
  detail    ↑/↓ PgUp/PgDn scroll; Tab request/response; Esc back
  The UI keeps the newest 50,000 exchanges (256 MiB of bodies); older ones are evicted and counted.
  --filter sets its first filter. Live notes and warnings show in its hint line and on stderr after it.

Live capture:
  -i, --interface <if>  capture on this interface (repeatable); without -i: docker0 and every br-* bridge,
                        and bridges that appear while running (their veths are skipped: the bridge sees them)
  -w, --write <file>    also save every captured packet as pcapng (one interface block per device,
                        nanosecond kernel timestamps, interface statistics at the end)
  <BPF filter>          a capture filter as in tcpdump, e.g. 'tcp port 8080' (quoted or as separate words)
  --buffer-size <size>  the kernel's capture buffer per device (default 32m; suffixes k, m)
  --merge-window <s>    put frames of several interfaces back in time order within this window (default 0.2)
  Live lines (table, --jsonl, --har) come as exchanges complete, not in request start order; --summary
  comes at the end. If stdout (or the --har file) falls more than 16 MiB behind, exchanges are left out
  of it and counted rather than slowing capture. At the end (Ctrl-C or SIGTERM; a second one exits at
  once) open requests end as capture-end, --har and -w files are completed, and stderr gets:
    hopscope: N packets on K interfaces, D dropped by the kernel, Q dropped in queue, E exchanges

Container names (every output names both ends; addresses where unknown):
  live                  from the Docker API (DOCKER_HOST, else /var/run/docker.sock; Podman's socket too),
                        followed as containers come and go; -w files carry the names for read and Wireshark
  --no-containers       live: do not ask Docker; show addresses
  --containers <file>   read: names from a saved timeline (hopscope containers --save) or docker inspect JSON
  --by <container|service>  --summary rows per container pair (default) or compose service pair

Output (one of; the default is a table, one line per exchange):
  --jsonl               one HAR 1.2 entry per line (JSON lines): read: in request start order
  --summary             per client→server pair: counts, status classes, latency percentiles, bytes
  --json                with --summary: the summary as JSON
  --har <file|->        a HAR 1.2 file (credentials redacted; see --no-redact)
  --traces              request trees across containers (by trace headers, else by timing): the table
                        prints one tree per root request, critical path marked (live: once the tree is
                        complete, ~30 s of capture time after it started); --jsonl/--har entries get
                        _traceId, _parentId, _depth (live: written tree by tree once settled); --summary
                        adds a section per root endpoint
  --trace-header <name> with --traces (and in the UI): a further request header whose value the services
                        pass along and that correlates a whole tree, e.g. x-correlation-id; repeatable

Options:
  --filter <expr>       keep matching exchanges, e.g. 'status>=500', 'server=users and latency>100ms'
  --max-body <bytes>    body bytes kept per message (default 1MiB; suffixes k, m)
  --redact <pattern>    also redact this header/query/JSON field name (or /regex/); repeatable
  --no-redact           export credentials as captured (prints a warning)
  --idle-timeout <s>    flush connections idle this long in capture time (default 300)
  --quiet               read: no progress bar on stderr; live: no "capturing on" notes
  -h, --help            this help
`;
