import { actorById } from '../actors/actors.projection.js';
import { commitmentsOfMasterplan } from '../commitments/commitments.projection.js';
import { notFoundError } from '../graphql/context.js';
import { masterplanById } from '../masterplans/masterplans.projection.js';
import { measureById } from '../measures/measures.projection.js';
import type { ReadView } from '../read-store/read-view.js';
import { declarationById, signaturesOfDeclaration } from './declarations.projection.js';
import type { RoadmapStep } from './joint-declaration.js';

/** A signed checkpoint of the log that makes a document verifiable outside this server. */
export interface DocumentCheckpoint {
  /** The head of the log it signs. */
  position: string;
  /** The head's log link (embedded engine) or stream link. */
  chainHash: string;
  /** The compact JWS. */
  signature: string;
  keyId: string;
  signedAt: string;
}

/** The document with the latest signed checkpoint, if there is one. */
export function withCheckpoint(
  doc: DeclarationDocument,
  checkpoint:
    | {
        position: string;
        logHash: string | null;
        streamLink: string;
        jws: string;
        keyId: string;
        signedAt: string;
      }
    | undefined,
): DeclarationDocument {
  if (!checkpoint) return doc;
  return {
    ...doc,
    checkpoint: {
      position: checkpoint.position,
      chainHash: checkpoint.logHash ?? checkpoint.streamLink,
      signature: checkpoint.jws,
      keyId: checkpoint.keyId,
      signedAt: checkpoint.signedAt,
    },
  };
}

/** What the joint declaration of a masterplan says, as a document to hand over. */
export interface DeclarationDocument {
  declarationId: string;
  masterplan: { id: string; title: string; region: string };
  text: string;
  publishedOn: string | null;
  roadmap: RoadmapStep[];
  signatories: Array<{ name: string; kind: string; signedOn: string }>;
  commitments: Array<{
    actor: string;
    statement: string;
    measure: string | null;
    dueDate: string | null;
    status: string;
  }>;
  /** The log position the document shows. */
  position: string;
  checkpoint?: DocumentCheckpoint;
}

/** The joint declaration `declarationId` as `view` shows it, with the masterplan's commitments. */
export async function declarationDocument(
  view: ReadView,
  declarationId: string,
): Promise<DeclarationDocument> {
  const declaration = await view.loader(declarationById).load(declarationId);
  if (!declaration) throw notFoundError('joint declaration', declarationId, view.asOf);
  const masterplan = (await view.loader(masterplanById).load(declaration.masterplan_id))!;
  const nameOf = async (actorId: string) =>
    (await view.loader(actorById).load(actorId))?.name ?? actorId;
  const signatures = await view.loader(signaturesOfDeclaration).load(declarationId);
  const commitments = await view.loader(commitmentsOfMasterplan).load(masterplan.masterplan_id);
  return {
    declarationId,
    masterplan: {
      id: masterplan.masterplan_id,
      title: masterplan.title,
      region: masterplan.region,
    },
    text: declaration.text,
    publishedOn: declaration.published_on,
    roadmap: JSON.parse(declaration.roadmap) as RoadmapStep[],
    signatories: await Promise.all(
      signatures.map(async (s) => {
        const actor = await view.loader(actorById).load(s.actor_id);
        return { name: actor?.name ?? s.actor_id, kind: actor?.kind ?? '', signedOn: s.signed_on };
      }),
    ),
    commitments: await Promise.all(
      commitments.map(async (c) => ({
        actor: await nameOf(c.actor_id),
        statement: c.statement,
        measure: c.measure_id
          ? ((await view.loader(measureById).load(c.measure_id))?.title ?? c.measure_id)
          : null,
        dueDate: c.due_date,
        status: c.status,
      })),
    ),
    position: view.asOf ?? view.lastApplied,
  };
}

/** Text in a Markdown table cell: one line, its pipes escaped. */
const cell = (text: string | null) => (text ?? '–').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/** The document as Markdown. */
export function declarationMarkdown(doc: DeclarationDocument): string {
  const lines = [
    `# Joint declaration: ${doc.masterplan.title}`,
    '',
    `${doc.masterplan.region}. Masterplan \`${doc.masterplan.id}\`, declaration \`${doc.declarationId}\`, ${doc.publishedOn ? `published on ${doc.publishedOn}` : 'not published yet'}.`,
    '',
    doc.text,
    '',
    '## Roadmap',
    '',
    '| Step | Due |',
    '| --- | --- |',
    ...doc.roadmap.map((step) => `| ${cell(step.title)} | ${cell(step.dueDate)} |`),
    '',
    `## Signatories (${doc.signatories.length})`,
    '',
    '| Organisation | Kind | Signed on |',
    '| --- | --- | --- |',
    ...doc.signatories.map((s) => `| ${cell(s.name)} | ${cell(s.kind)} | ${cell(s.signedOn)} |`),
    '',
    `## Commitments (${doc.commitments.length})`,
    '',
    '| Organisation | Commitment | Measure | Due | Status |',
    '| --- | --- | --- | --- | --- |',
    ...doc.commitments.map(
      (c) =>
        `| ${cell(c.actor)} | ${cell(c.statement)} | ${cell(c.measure ?? 'the masterplan as a whole')} | ${cell(c.dueDate)} | ${cell(c.status)} |`,
    ),
    '',
    '## Verification',
    '',
    ...verificationLines(doc),
    '',
  ];
  return lines.join('\n');
}

/** What lets a reader check the document against the log, in words. */
export function verificationLines(doc: DeclarationDocument): string[] {
  const lines = [`This document shows the masterplan as of log position ${doc.position}.`];
  const checkpoint = doc.checkpoint;
  if (!checkpoint)
    return [
      ...lines,
      '',
      'No signed checkpoint of the log exists yet: an administrator signs one with signAuditCheckpoint (or npm run cli -- sign-checkpoint).',
    ];
  return [
    ...lines,
    '',
    `The server signed the head of its log on ${checkpoint.signedAt}: position ${checkpoint.position}, chain hash ${checkpoint.chainHash}, key ${checkpoint.keyId}. ${
      checkpoint.position >= doc.position
        ? 'Everything this document shows lies within that signed log.'
        : 'This document shows events after it; a newer checkpoint covers them once signed.'
    }`,
    '',
    'Check the signature with the server’s public key alone (GET /.well-known/jwks.json, then node docs/verify-checkpoint.mjs jwks.json <signature>; docs/integrity.md), and the chain up to it with npm run cli -- verify.',
    '',
    `Signature (compact JWS): ${checkpoint.signature}`,
  ];
}
