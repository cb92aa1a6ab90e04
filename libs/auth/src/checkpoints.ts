import { randomUUID } from 'node:crypto';
import { CompactSign, exportJWK, type JWK } from 'jose';
import {
  StreamNotFound,
  ensureChainGenesis,
  type EventStore,
  type RecordedEvent,
} from '@ml/event-store';
import { LOCAL_ISSUER, type SigningKey } from './signing-key.js';

/** The stream the signed checkpoints are appended to, and their event type. */
export const CHECKPOINT_STREAM = 'integrity-checkpoints';
export const CHECKPOINT_TYPE = 'AuditCheckpointSigned';

/**
 * What a checkpoint signs: the head of the log as it stood, named so that anyone holding
 * the events can recompute it (docs/integrity.md).
 */
export interface CheckpointPayload {
  /** `masterplan-ledger`: who signed. */
  iss: string;
  /** The last event of the log when it was signed. */
  position: string;
  eventId: string;
  /** That event's stream link. */
  streamLink: string;
  /** That event's log link: the head of the whole log's chain (embedded engine). */
  logHash: string | null;
  signedAt: string;
}

export interface SignedCheckpoint extends CheckpointPayload {
  /** The payload signed with the server's key: a compact JWS (ES256). */
  jws: string;
  keyId: string;
  /** The log position of the checkpoint's own event. */
  recordedAt: string;
}

/**
 * Signs the head of the log with the server's key and appends the checkpoint to the log.
 * Undefined when there is nothing to sign (an empty log, or nothing since the last one
 * unless `always`).
 */
export async function signCheckpoint(
  store: EventStore,
  key: SigningKey,
  options: { always: boolean },
): Promise<SignedCheckpoint | undefined> {
  // Events from before the chain are covered first (the server does so at start).
  await ensureChainGenesis(store);
  let head: RecordedEvent | undefined;
  for await (const event of store.readAll({ direction: 'backwards', maxCount: 1 })) head = event;
  if (!head) return undefined;
  if (!head.integrity)
    throw new Error(
      `The last event of the log (position ${head.position}) has no hash-chain link: it was written around the store, or by a server without the chain still running`,
    );
  if (!options.always && head.type === CHECKPOINT_TYPE) return undefined;
  const payload: CheckpointPayload = {
    iss: LOCAL_ISSUER,
    position: head.position,
    eventId: head.id,
    streamLink: head.integrity.stream,
    logHash: head.integrity.log ?? null,
    signedAt: new Date().toISOString(),
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .sign(key.privateKey);
  const data = { ...payload, jws, keyId: key.kid };
  const written = await store.appendToStream(CHECKPOINT_STREAM, [
    { id: randomUUID(), type: CHECKPOINT_TYPE, data, metadata: { occurredAt: payload.signedAt } },
  ]);
  return { ...data, recordedAt: written.position };
}

/** The latest signed checkpoints, newest first. */
export async function latestCheckpoints(
  store: EventStore,
  count: number,
): Promise<SignedCheckpoint[]> {
  const checkpoints: SignedCheckpoint[] = [];
  try {
    for await (const event of store.readStream(CHECKPOINT_STREAM, {
      direction: 'backwards',
      maxCount: count,
    }))
      checkpoints.push({
        ...(event.data as Omit<SignedCheckpoint, 'recordedAt'>),
        recordedAt: event.position,
      });
  } catch (error) {
    if (!(error instanceof StreamNotFound)) throw error;
  }
  return checkpoints;
}

/** The server's public key as a JWK Set, for checking checkpoints (and tokens) elsewhere. */
export async function publicJwks(key: SigningKey): Promise<{ keys: JWK[] }> {
  return {
    keys: [{ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: 'ES256', use: 'sig' }],
  };
}
