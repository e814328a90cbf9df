import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dockerEndpoint, endpointText } from '../../src/containers/docker-endpoint.js';
import { ADDRESS_EVENT_FILTERS, LineSplitter, parseEventLine } from '../../src/containers/docker-events.js';

// Shapes as dockerd 20.10 writes them on GET /events (one JSON object per line).
const start =
  '{"status":"start","id":"4fa4f23609ae","from":"hopscope-testbed:1","Type":"container","Action":"start","Actor":{"ID":"4fa4f23609ae","Attributes":{"image":"hopscope-testbed:1","name":"demo-client"}},"scope":"local","time":1795721683,"timeNano":1795721683820798589}';
const connect =
  '{"Type":"network","Action":"connect","Actor":{"ID":"a1e5bca16ffb","Attributes":{"container":"4fa4f23609ae","name":"demo-net","type":"bridge"}},"scope":"local","time":1795721683,"timeNano":1795721683700000001}';

describe('Docker events', () => {
  it('reads container and network events with their exact nanosecond time', () => {
    assert.deepEqual(parseEventLine(start), { what: 'container-start', container: '4fa4f23609ae', time: { sec: 1795721683, nsec: 820798589 } });
    assert.deepEqual(parseEventLine(connect), {
      what: 'network-connect',
      container: '4fa4f23609ae',
      network: 'demo-net',
      time: { sec: 1795721683, nsec: 700000001 },
    });
    const die = start.replace(/"start"/g, '"die"');
    assert.equal(parseEventLine(die)?.what, 'container-end');
    assert.equal(parseEventLine(connect.replace('"connect"', '"disconnect"'))?.what, 'network-disconnect');
  });

  it('falls back to seconds without timeNano, and ignores other events and junk', () => {
    const noNano = start.replace(/,"timeNano":\d+/, '');
    assert.deepEqual(parseEventLine(noNano)?.time, { sec: 1795721683, nsec: 0 });
    assert.equal(parseEventLine(start.replace(/"start"/g, '"exec_start: sh"')), undefined);
    assert.equal(parseEventLine(start.replace(/"container"/, '"image"')), undefined);
    assert.equal(parseEventLine('{"Type":"network","Action":"connect","Actor":{"ID":"x","Attributes":{}},"time":1}'), undefined);
    for (const junk of ['', 'null', '[]', '{', '"text"', '{"Type":"container"}']) assert.equal(parseEventLine(junk), undefined, junk);
  });

  it('splits a stream into lines whatever the chunking', () => {
    const text = `${start}\n${connect}\n`;
    for (const size of [1, 7, 100, text.length]) {
      const splitter = new LineSplitter();
      const lines: string[] = [];
      for (let i = 0; i < text.length; i += size) lines.push(...splitter.push(text.slice(i, i + size)));
      assert.deepEqual(lines, [start, connect], `chunks of ${size}`);
    }
    const bounded = new LineSplitter(10);
    assert.deepEqual(bounded.push('x'.repeat(50)), []);
    assert.deepEqual(bounded.push('\n{"a":1}\n'), ['{"a":1}'], 'an overlong partial line is dropped, not kept');
  });
});

// Shapes as Podman 4.3.1's Docker-compatible API writes them (GET /events): a network event's actor is the
// container, Attributes.name its name, and the network is not said (4.4+ adds Attributes.network).
const podmanId = '1578a292cf62faff68e61b51d079a655b02cc5d1ce0e69273ddcdba0842026c6';
const podmanConnect = `{"status":"connect","id":"${podmanId}","Type":"network","Action":"connect","Actor":{"ID":"${podmanId}","Attributes":{"containerExitCode":"0","image":"","name":"hsp-client","podId":""}},"scope":"local","time":1795727223,"timeNano":1795727223560823872}`;
const podmanDie = `{"status":"die","id":"${podmanId}","from":"localhost/hopscope-podman-probe:1","Type":"container","Action":"die","Actor":{"ID":"${podmanId}","Attributes":{"containerExitCode":"137","exitCode":"137","image":"localhost/hopscope-podman-probe:1","name":"hsp-client2","podId":""}},"scope":"local","time":1795727228,"timeNano":1795727228854921079}`;

describe('Podman events', () => {
  it('reads a network connect/disconnect whose actor is the container, with or without the network name', () => {
    const time = { sec: 1795727223, nsec: 560823872 };
    assert.deepEqual(parseEventLine(podmanConnect), { what: 'network-connect', container: podmanId, network: undefined, time });
    assert.deepEqual(parseEventLine(podmanConnect.replace(/"connect"/g, '"disconnect"')), { what: 'network-disconnect', container: podmanId, network: undefined, time });
    const named = podmanConnect.replace('"podId":""', '"podId":"","network":"hsprobe2"');
    assert.deepEqual(parseEventLine(named), { what: 'network-connect', container: podmanId, network: 'hsprobe2', time });
  });

  it('ends a container on die and on remove (Docker: destroy), and asks for the names Podman filters by', () => {
    assert.deepEqual(parseEventLine(podmanDie), { what: 'container-end', container: podmanId, time: { sec: 1795727228, nsec: 854921079 } });
    assert.equal(parseEventLine(podmanDie.replace(/"die"/g, '"remove"'))?.what, 'container-end');
    assert.equal(parseEventLine(podmanDie.replace(/"die"/g, '"cleanup"')), undefined);
    // Podman matches the filter against its own names before translating "died" to "die".
    for (const name of ['died', 'remove', 'die', 'destroy']) assert.ok(ADDRESS_EVENT_FILTERS.event.includes(name), name);
  });
});

describe('Docker endpoints', () => {
  it('reads DOCKER_HOST forms: default socket, unix://, a path, tcp:// with and without TLS', () => {
    assert.deepEqual(dockerEndpoint(undefined, {}), { kind: 'unix', path: '/var/run/docker.sock' });
    assert.deepEqual(dockerEndpoint(undefined, { DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' }), {
      kind: 'unix',
      path: '/run/user/1000/podman/podman.sock',
    });
    assert.deepEqual(dockerEndpoint('/tmp/d.sock', {}), { kind: 'unix', path: '/tmp/d.sock' });
    assert.deepEqual(dockerEndpoint(undefined, { DOCKER_HOST: 'tcp://10.0.0.5:2375' }), { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false });
    assert.deepEqual(dockerEndpoint('tcp://dock:2376', { DOCKER_CERT_PATH: '/certs' }), { kind: 'tcp', host: 'dock', port: 2376, tls: true, certPath: '/certs' });
    assert.equal(endpointText(dockerEndpoint('tcp://[::1]:2375', {})!), 'tcp://[::1]:2375');
    assert.equal(dockerEndpoint('ssh://me@host', {}), undefined);
  });
});
