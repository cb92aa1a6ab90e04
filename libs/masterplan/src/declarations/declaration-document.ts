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
  position: string;
  chainHash: string;
  signature: string;
  keyId: string;
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
  if (doc.checkpoint)
    lines.push(
      '',
      `Signed checkpoint: position ${doc.checkpoint.position}, chain hash ${doc.checkpoint.chainHash}, key ${doc.checkpoint.keyId}.`,
      '',
      `Signature: ${doc.checkpoint.signature}`,
      '',
      'Check it with the server’s public key alone (docs/verifying.md).',
    );
  return lines;
}
