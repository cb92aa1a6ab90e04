#!/usr/bin/env node
// Checks a Masterplan Ledger checkpoint with the server's public key alone, using nothing
// but Node's own crypto (no packages, no server):
//
//   node verify-checkpoint.mjs jwks.json '<jws>'
//
// jwks.json: what GET /.well-known/jwks.json answered; <jws>: a checkpoint's `jws`.
// Prints the signed payload (the head of the log: position, event id, links, time) and
// exits 0 when the signature holds; says why and exits 1 when it does not.
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [jwksFile, jws] = process.argv.slice(2);
if (!jwksFile || !jws) {
  console.error("Usage: node verify-checkpoint.mjs jwks.json '<jws>'");
  process.exit(2);
}
/** Ends with one line saying what is wrong, and exit code 1. */
function refuse(message) {
  console.error(message);
  process.exit(1);
}
const [header64, payload64, signature64, ...rest] = jws.split('.');
if (!signature64 || rest.length > 0) {
  console.error('Not a compact JWS (three parts separated by dots)');
  process.exit(1);
}
let header;
try {
  header = JSON.parse(Buffer.from(header64, 'base64url').toString('utf8'));
} catch {
  refuse('Not a compact JWS: its header is not base64url-encoded JSON');
}
if (header.alg !== 'ES256') {
  console.error(`Unexpected algorithm ${header.alg}; checkpoints are signed with ES256`);
  process.exit(1);
}
let keys;
try {
  ({ keys } = JSON.parse(readFileSync(jwksFile, 'utf8')));
} catch (error) {
  refuse(`Cannot read the key set ${jwksFile}: ${error.message}`);
}
if (!Array.isArray(keys)) refuse(`${jwksFile} is not a JWK Set ({"keys": [...]})`);
const jwk = keys.find((k) => k.kid === header.kid);
if (!jwk) {
  console.error(`No key ${header.kid} in ${jwksFile}: signed with another key`);
  process.exit(1);
}
// A JWS ES256 signature is r || s (IEEE P1363), not DER.
let valid = false;
try {
  valid = verify(
    'sha256',
    Buffer.from(`${header64}.${payload64}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature64, 'base64url'),
  );
} catch (error) {
  refuse(`The key ${header.kid} cannot check the signature: ${error.message}`);
}
if (!valid) {
  console.error('The signature does not hold: the checkpoint was changed, or signed with another key');
  process.exit(1);
}
console.log(Buffer.from(payload64, 'base64url').toString('utf8'));
