import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { loadOrCreateSigningKey, type SigningKey } from '@ml/auth';
import { EVENT_STORE, type EventStore } from '@ml/event-store';
import { dataOf, startApp, type GraphQLResponse, type RunningApp } from './support/app.js';
import { follow } from './support/ws.js';

/**
 * Tokens signed with the server's own key but not as the server makes them, over real HTTP
 * and WebSocket: each is refused with 401 UNAUTHENTICATED (WWW-Authenticate: Bearer), a
 * mutation it carries appends nothing, and a WebSocket it opens is closed with 4401.
 */
describe('tokens the server did not make, though signed with its key', () => {
  const DAY = 24 * 60 * 60;
  const now = () => Math.floor(Date.now() / 1000);
  let dir: string;
  let running: RunningApp;
  let store: EventStore;
  let key: SigningKey;
  let actors = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ml-tokens-e2e-'));
    running = await startApp(dir);
    store = running.app.get(EVENT_STORE);
    key = await loadOrCreateSigningKey(dir);
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An administrator's token as issueToken makes them, but for what is changed. */
  const forged = (claims: JWTPayload = {}, header: Partial<JWTHeaderParameters> = {}) =>
    new SignJWT({
      roles: ['administrator'],
      sub: 'mallory',
      iss: 'masterplan-ledger',
      iat: now(),
      exp: now() + 300,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT', ...header })
      .sign(key.privateKey);
  /** A mutation that appends whenever an administrator sends it. */
  const registerActor = (token: string) =>
    fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation { registerActor(input: { actorId: "actor-${++actors}", name: "Actor", kind: CHAMBER }) { version } }`,
      }),
    });

  it('appends with a token made as the server makes them (so the refusals below are the token’s)', async () => {
    const head = await store.headPosition();
    const answer = await registerActor(await forged());
    expect(answer.status).toBe(200);
    dataOf((await answer.json()) as GraphQLResponse);
    expect(await store.headPosition()).not.toBe(head);
  });

  it.each([
    ['an unknown key id', {}, { kid: 'some-other-key' }, /key/],
    ['no key id', {}, { kid: undefined }, /key/],
    ['an audience (another service’s)', { aud: 'some-other-service' }, {}, /audience/],
    ['an issue time a year ahead', { iat: now() + 365 * DAY }, {}, /future/],
    ['an expiry of 1e20 (never)', { exp: 1e20 }, {}, /30 days/],
    ['a lifetime of 31 days', { exp: now() + 31 * DAY }, {}, /30 days/],
    ['a user id with NUL', { sub: 'mallory\u0000admin' }, {}, /user/],
    ['a user id with U+202E', { sub: 'mallory\u202Enimda' }, {}, /user/],
    ['a user id with a line break', { sub: 'mallory\nadmin' }, {}, /user/],
    ['a user id of 5,000 characters', { sub: 'm'.repeat(5000) }, {}, /user/],
  ] as Array<[string, JWTPayload, Partial<JWTHeaderParameters>, RegExp]>)(
    'refuses %s: 401 over HTTP with nothing appended, 4401 on a WebSocket',
    async (_name, claims, header, why) => {
      const token = await forged(claims, header);
      const head = await store.headPosition();
      const answer = await registerActor(token);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      const { errors } = (await answer.json()) as GraphQLResponse;
      expect(errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(why),
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ]);
      expect(await store.headPosition()).toBe(head);

      const socket = follow(running.wsUrl, 'subscription { auditEvents { position } }', token);
      try {
        await socket.until(() => socket.closed.length > 0);
        expect(socket.closed[0]).toMatchObject({ code: 4401, reason: expect.stringMatching(why) });
      } finally {
        await socket.dispose();
      }
    },
  );
});
