import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HopscopeError } from '../../src/model/errors.js';
import { createEntryConverter } from '../../src/sinks/entry-converter.js';
import { isDefaultSensitiveName, parseRedactPattern, redactJsonText, REDACTED } from '../../src/sinks/redaction.js';
import { buildExchange, makeBody, type ExchangeSpec } from './support/exchange-builder.js';
import { assertValid, harValidators } from './support/har-schema.js';

const validators = harValidators();

const credentialed: ExchangeSpec = {
  method: 'POST',
  target: '/login?user=ann&access_token=abc123&page=2#id_token=xyz&state=s1',
  requestHeaders: [
    ['Host', 'auth.svc'],
    ['Authorization', 'Bearer eyJhbGciOi.secret.sig'],
    ['Proxy-Authorization', 'Basic dXNlcjpwYXNz'],
    ['Cookie', 'sid=s3cr3t; theme=dark'],
    ['X-Api-Key', 'k-123'],
    ['Referer', 'http://web/cb?code=1&password=hunter2'],
    ['Content-Type', 'application/x-www-form-urlencoded'],
  ],
  requestBody: makeBody('username=ann&password=hunter2&remember=1'),
  responseHeaders: [
    ['Content-Type', 'application/json'],
    ['Set-Cookie', 'sid=n3w; Path=/; HttpOnly'],
    ['Location', '/home?session=zz&x=1'],
  ],
  responseBody: makeBody('{"token_type":"bearer","access_token":"AT-1","nested":{"refresh_token":{"a":[1,"}"]},"keep":"me"},"expires_in":3600}'),
};

describe('redaction', () => {
  it('redacts credentials everywhere in the entry by default, and keeps the rest', () => {
    const exchange = buildExchange(credentialed);
    const entry = createEntryConverter({ maxBody: 1 << 20 })(exchange);
    assertValid(validators.entry, entry);
    const { request, response } = entry;
    assert.equal(request.url, 'http://auth.svc/login?user=ann&access_token=%5Bredacted%5D&page=2#id_token=%5Bredacted%5D&state=s1');
    assert.deepEqual(request.queryString, [
      { name: 'user', value: 'ann' },
      { name: 'access_token', value: REDACTED },
      { name: 'page', value: '2' },
    ]);
    const headers = Object.fromEntries(request.headers.map((h) => [h.name, h.value]));
    assert.equal(headers.Authorization, 'Bearer [redacted]');
    assert.equal(headers['Proxy-Authorization'], 'Basic [redacted]');
    assert.equal(headers.Cookie, 'sid=[redacted]; theme=[redacted]');
    assert.equal(headers['X-Api-Key'], REDACTED);
    assert.equal(headers.Referer, 'http://web/cb?code=1&password=%5Bredacted%5D');
    assert.equal(headers.Host, 'auth.svc');
    assert.deepEqual(request.cookies, [
      { name: 'sid', value: REDACTED },
      { name: 'theme', value: REDACTED },
    ]);
    assert.equal(request.postData?.text, 'username=ann&password=%5Bredacted%5D&remember=1');
    assert.deepEqual(request.postData?.params, [
      { name: 'username', value: 'ann' },
      { name: 'password', value: REDACTED },
      { name: 'remember', value: '1' },
    ]);
    const responseHeaders = Object.fromEntries(response.headers.map((h) => [h.name, h.value]));
    assert.equal(responseHeaders['Set-Cookie'], 'sid=[redacted]; Path=/; HttpOnly');
    assert.equal(responseHeaders.Location, '/home?session=%5Bredacted%5D&x=1');
    assert.equal(response.redirectURL, '/home?session=%5Bredacted%5D&x=1');
    assert.deepEqual(response.cookies, [{ name: 'sid', value: REDACTED, path: '/', httpOnly: true }]);
    assert.equal(
      response.content.text,
      '{"token_type":"bearer","access_token":"[redacted]","nested":{"refresh_token":"[redacted]","keep":"me"},"expires_in":3600}',
    );
    assert.deepEqual(JSON.parse(response.content.text ?? ''), {
      token_type: 'bearer',
      access_token: REDACTED,
      nested: { refresh_token: REDACTED, keep: 'me' },
      expires_in: 3600,
    });
    // The exchange itself is untouched.
    assert.equal(exchange.request.head.headers[1].value, 'Bearer eyJhbGciOi.secret.sig');
    assert.equal(exchange.request.head.target, credentialed.target);
  });

  it('exports everything as captured when switched off', () => {
    const entry = createEntryConverter({ maxBody: 1 << 20, redaction: { enabled: false } })(buildExchange(credentialed));
    assert.equal(entry.request.url, `http://auth.svc${credentialed.target}`);
    assert.equal(entry.request.headers[1].value, 'Bearer eyJhbGciOi.secret.sig');
    assert.equal(entry.request.cookies[0].value, 's3cr3t');
    assert.match(entry.response.content.text ?? '', /AT-1/);
  });

  it('adds custom names and /regex/ patterns to the defaults', () => {
    const convert = createEntryConverter({ maxBody: 1 << 20, redaction: { patterns: ['X-Tenant', '/^x-internal-/i', 'email'] } });
    const entry = convert(
      buildExchange({
        target: '/u?email=a%40b.c&name=ann&token=t',
        requestHeaders: [['Host', 'h'], ['x-tenant', 'acme'], ['X-Internal-Trace', '42'], ['X-Other', 'kept']],
        responseHeaders: [['Content-Type', 'application/problem+json']],
        responseBody: makeBody('{"email" : "a@b.c", "name": "ann"}'),
      }),
    );
    assert.equal(entry.request.url, 'http://h/u?email=%5Bredacted%5D&name=ann&token=%5Bredacted%5D');
    assert.deepEqual(
      entry.request.headers.map((h) => h.value),
      ['h', REDACTED, REDACTED, 'kept'],
    );
    assert.equal(entry.response.content.text, '{"email" : "[redacted]", "name": "ann"}');
  });

  it('rejects an invalid regex and an empty name as usage errors', () => {
    assert.throws(() => parseRedactPattern('/([/'), (error) => error instanceof HopscopeError && error.code === 'usage');
    assert.throws(() => parseRedactPattern('--'), (error) => error instanceof HopscopeError && error.code === 'usage');
    assert.equal(parseRedactPattern('/tok/').call(undefined, 'mytoken'), true);
  });

  it('has a default list that is specific enough', () => {
    for (const name of ['token', 'access_token', 'refresh_token', 'password', 'passwd', 'secret', 'client_secret', 'api_key', 'apikey', 'key', 'session', 'auth', 'X-Auth-Token', 'x-api-key', 'sessionId', 'X-Amz-Security-Token', 'password_confirmation', 'JSESSIONID']) {
      assert.equal(isDefaultSensitiveName(name), true, name);
    }
    for (const name of ['monkey', 'keyboard', 'sort_key', 'token_type', 'author', 'expires_in', 'user', 'page', 'id', 'Content-Type', 'Host', 'keys']) {
      assert.equal(isDefaultSensitiveName(name), false, name);
    }
  });

  it('redacts JSON cut by the cap and keys written with escapes', () => {
    const sensitive = (name: string): boolean => name === 'password';
    assert.equal(redactJsonText('{"user":"a","password":"hun', sensitive), '{"user":"a","password":"[redacted]"');
    assert.equal(redactJsonText('{"pass\\u0077ord": 12, "x": "\\"password\\": 1"}', sensitive), '{"pass\\u0077ord": "[redacted]", "x": "\\"password\\": 1"}');
    assert.equal(redactJsonText('[{"password":null},{"password":[1,{"b":"]"}]}]', sensitive), '[{"password":"[redacted]"},{"password":"[redacted]"}]');
    const untouched = '{"a": 1}';
    assert.equal(redactJsonText(untouched, sensitive), untouched);
  });

  it('leaves a base64 body alone', () => {
    const entry = createEntryConverter({ maxBody: 1 << 20 })(
      buildExchange({ responseHeaders: [['Content-Type', 'application/json']], responseBody: makeBody(new Uint8Array([0xff, 0xfe, 0x22])) }),
    );
    assert.equal(entry.response.content.encoding, 'base64');
    assert.equal(entry.response.content.text, '//4i');
  });
});
