import { REDACTED, isSensitiveKey, redact } from '../../internal/logging';

describe('redact', () => {
  it.each(['password', 'new_password', 'oldPassword', 'token', 'sessionToken', 'api_token', 'node_key', 'nodeKey', 'secret', 'enroll_secret', 'client_secret', 'authorization', 'Authorization', 'cookie', 'set-cookie'])(
    'treats %s as sensitive',
    (key) => expect(isSensitiveKey(key)).toBe(true),
  );

  it.each(['username', 'email', 'host_id', 'route', 'token_key_size', 'key_size', 'status'])('leaves %s alone', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });

  it('replaces sensitive values at any depth, in objects and arrays', () => {
    const input = {
      user: 'admin',
      password: 'hunter2',
      request: { headers: { Authorization: 'Bearer abc', accept: 'json' }, body: { node_key: 'nk', host: 'h1' } },
      hosts: [{ enroll_secret: 's', name: 'a' }],
    };
    expect(redact(input)).toEqual({
      user: 'admin',
      password: REDACTED,
      request: { headers: { Authorization: REDACTED, accept: 'json' }, body: { node_key: REDACTED, host: 'h1' } },
      hosts: [{ enroll_secret: REDACTED, name: 'a' }],
    });
    expect(input.password).toBe('hunter2'); // the caller's object is not changed
  });

  it('redacts a sensitive key whatever its value is', () => {
    expect(redact({ token: { value: 'x' }, secret: ['a'] })).toEqual({ token: REDACTED, secret: REDACTED });
  });

  it('turns Errors into plain objects, redacting their own fields', () => {
    const err = Object.assign(new Error('boom'), { code: 'E1', token: 't' });
    const out = redact({ err }) as { err: Record<string, unknown> };
    expect(out.err).toMatchObject({ name: 'Error', message: 'boom', code: 'E1', token: REDACTED });
    expect(String(out.err.stack)).toContain('boom');
  });

  it('survives cycles and keeps non-plain objects', () => {
    const date = new Date(0);
    const a: Record<string, unknown> = { date };
    a.self = a;
    expect(redact(a)).toEqual({ date, self: '[Circular]' });
  });
});
