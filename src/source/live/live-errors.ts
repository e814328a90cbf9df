import { HopscopeError } from '../../model/errors.js';

export const PERMISSION_MESSAGE =
  'live capture needs root or CAP_NET_RAW+CAP_NET_ADMIN: run with sudo, or once: sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which node))';

/**
 * Turns an error thrown by the addon (an Error with `code` and libpcap's text) into a HopscopeError
 * whose message says what to do. libpcap's own text stays available as `cause`.
 */
export function liveError(error: unknown, filter: string | undefined): HopscopeError {
  if (error instanceof HopscopeError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  let result: HopscopeError;
  switch (code) {
    case 'permission':
      result = new HopscopeError('permission', PERMISSION_MESSAGE);
      break;
    case 'no-such-device':
      result = new HopscopeError(
        'no-such-device',
        `no such network device: ${deviceOf(text)} (list devices with ip link; Docker's bridges are docker0 and br-<network id>)`,
      );
      break;
    case 'bad-filter':
      result = new HopscopeError('bad-filter', `bad capture filter ${JSON.stringify(filter ?? '')}: ${text} (the syntax is tcpdump's: man pcap-filter)`);
      break;
    default:
      result = new HopscopeError('capture-failed', `live capture failed: ${text}`);
  }
  result.cause = text;
  return result;
}

/** Native messages start with "<device>: ". */
function deviceOf(text: string): string {
  const colon = text.indexOf(': ');
  return colon > 0 ? text.slice(0, colon) : text;
}
