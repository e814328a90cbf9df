import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HopscopeError } from '../../model/errors.js';
import { BATCH_FORMAT, RECORD_HEADER_BYTES, type NativeAddon } from './native-addon.js';

/** src/source/live and dist/source/live are both three levels below the package root. */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where `npm run build:native` puts the addon. */
export const defaultAddonPath = resolve(packageRoot, 'native', 'build', 'Release', 'hopscope_pcap.node');

const HOW_TO_BUILD =
  'install libpcap-dev and a C++ compiler (Debian/Ubuntu: sudo apt-get install libpcap-dev g++ make python3), ' +
  'then run npm run build:native in the hopscope folder; offline analysis (hopscope read) works without it';

/**
 * Loads the live capture addon. Throws HopscopeError('live-unavailable') saying what to install when
 * it is not built, does not load (libpcap missing at run time, built for another Node) or is stale.
 * Node caches the loaded module, so calling this again is cheap.
 */
export function loadAddon(path: string = defaultAddonPath): NativeAddon {
  if (!existsSync(path)) {
    throw new HopscopeError('live-unavailable', `live capture is unavailable: the native addon is not built (${path}): ${HOW_TO_BUILD}`);
  }
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new HopscopeError('live-unavailable', `live capture is unavailable: the native addon does not load (${reason}): ${HOW_TO_BUILD}`);
  }
  if (addon.batchFormat !== BATCH_FORMAT || addon.recordHeaderBytes !== RECORD_HEADER_BYTES) {
    throw new HopscopeError('live-unavailable', 'live capture is unavailable: the native addon is out of date: run npm run build:native');
  }
  return addon;
}

/** Whether live capture can be attempted here (the addon loads); says nothing about permissions. */
export function isLiveCaptureAvailable(path: string = defaultAddonPath): boolean {
  try {
    loadAddon(path);
    return true;
  } catch {
    return false;
  }
}
