// Builds the live capture addon (npm run build:native). Offline analysis never needs it, so a
// machine without libpcap-dev, a C++ compiler or Node's headers gets one line and exit code 0;
// HOPSCOPE_NATIVE_REQUIRED=1 turns that into a failure (for CI jobs that test live capture).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const NOT_BUILT =
  'hopscope: live capture addon not built (install libpcap-dev and a C++ compiler, then npm run build:native); offline analysis works without it';
const required = process.env.HOPSCOPE_NATIVE_REQUIRED === '1';

function giveUp(detail) {
  if (detail) process.stderr.write(detail.trimEnd() + '\n');
  console.error(NOT_BUILT);
  process.exit(required ? 1 : 0);
}

// One compile-and-link of a program calling libpcap checks the compiler, pcap.h and libpcap.so.
function libpcapUsable() {
  const cxx = process.env.CXX || 'c++';
  const probe = '#include <pcap/pcap.h>\nint main() { return pcap_lib_version() == 0; }\n';
  const result = spawnSync(cxx, ['-x', 'c++', '-', '-o', '/dev/null', '-lpcap'], {
    input: probe,
    encoding: 'utf8',
  });
  return result.status === 0;
}

// npm hands its bundled node-gyp to scripts; outside npm, find it beside npm or on PATH.
function nodeGypCommand() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const npmCli = process.env.npm_execpath;
  if (npmCli) {
    const bundled = join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return [process.execPath, bundled];
  }
  const global = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(global)) return [process.execPath, global];
  return ['node-gyp'];
}

// Node's own headers where they are installed beside node (Debian/NodeSource layouts): no download.
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

if (!libpcapUsable()) giveUp();
const [command, ...prefixArgs] = nodeGypCommand();
const result = spawnSync(command, [...prefixArgs, 'rebuild', '-j', 'max', ...nodeDirArgs()], {
  cwd: here,
  encoding: 'utf8',
});
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  const tail = output.split('\n').filter((line) => !line.startsWith('gyp info')).slice(-25).join('\n');
  giveUp(tail);
}
console.error('hopscope: live capture addon built (native/build/Release/hopscope_pcap.node)');
