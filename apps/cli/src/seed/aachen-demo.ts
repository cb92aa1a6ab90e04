import type { CommandBus } from '@nestjs/cqrs';
import {
  AcceptProposal,
  AppointRepresentative,
  AssignMeasure,
  CancelMeasure,
  CompleteMeasure,
  DeclareCommitment,
  DefineMeasure,
  DefineThemeField,
  DraftJointDeclaration,
  FormWorkingGroup,
  FulfilCommitment,
  HoldDialogue,
  InitiateMasterplan,
  JoinWorkingGroup,
  PresentMasterplan,
  PublishJointDeclaration,
  ReachMilestone,
  RecordDialogueMinutes,
  RegisterActor,
  RejectProposal,
  ReportMeasureProgress,
  ReviseProposal,
  ScheduleDialogue,
  ScheduleMilestone,
  SignJointDeclaration,
  SubmitProposal,
  WithdrawCommitment,
  WithdrawProposal,
  commandMetadata,
  isRejection,
  type CommandMetadata,
  type CommandOutcome,
  type DomainCommand,
  type ReactionRunner,
  type User,
} from '@ml/masterplan';
import {
  ACTORS,
  ADMIN,
  COMMITMENTS,
  MEASURES,
  PROPOSALS,
  SIGNATORIES,
  THEME_FIELDS,
  WORKING_GROUPS,
} from './aachen-demo.data.js';

export const MASTERPLAN_ID = 'aachen-2020';

export interface SeedReport {
  commands: number;
  repeated: number;
}

const repOf = (actorId: string): User => ({
  userId: ACTORS.find((a) => a.id === actorId)!.rep,
  isAdministrator: false,
});

/**
 * Builds the Aachen story through the real command path, dated as it happened in 2013, so
 * its audit trail is real. Every command carries an idempotency key derived from its step,
 * so running the seed again repeats nothing.
 */
export async function seedAachenDemo(
  commands: CommandBus,
  reactions: ReactionRunner,
): Promise<SeedReport> {
  const report: SeedReport = { commands: 0, repeated: 0 };
  let phase = 'setup';

  async function step<D>(
    key: string,
    user: User,
    date: string,
    make: (meta: CommandMetadata) => DomainCommand<D>,
  ): Promise<CommandOutcome> {
    const meta = commandMetadata(user, {
      idempotencyKey: `seed:aachen:${key}`,
      now: new Date(date),
      correlationId: `seed-aachen-${phase}`,
    });
    const result = await commands.execute(make(meta));
    if (isRejection(result)) throw new Error(`Seed step '${key}' was refused: ${result.message}`);
    report.commands++;
    if (result.repeated) report.repeated++;
    return result;
  }
  const mp = MASTERPLAN_ID;

  phase = 'actors';
  for (const actor of ACTORS) {
    await step(
      `actor:${actor.id}`,
      ADMIN,
      '2013-01-15T09:00:00Z',
      (m) => new RegisterActor({ actorId: actor.id, name: actor.name, kind: actor.kind }, m),
    );
    await step(
      `rep:${actor.id}`,
      ADMIN,
      '2013-01-15T09:30:00Z',
      (m) =>
        new AppointRepresentative({ actorId: actor.id, userId: actor.rep, name: actor.repName }, m),
    );
  }

  phase = 'resolution';
  await step(
    'initiate',
    ADMIN,
    '2013-03-12T16:00:00Z',
    (m) =>
      new InitiateMasterplan(
        {
          masterplanId: mp,
          title: 'Masterplan Industrieregion Aachen 2020',
          region: 'Region Aachen',
          motion: {
            reference: 'Ratsantrag SPD 2012-11-20',
            title: 'Handlungskonzept „Industrieregion Aachen“',
            filedBy: 'SPD-Fraktion im Rat der Stadt Aachen',
            filedOn: '2012-11-20',
          },
          resolution: {
            reference: 'Beschluss AWW 2013-03-12',
            body: 'Ausschuss für Arbeit, Wirtschaft und Wissenschaft',
            decidedOn: '2013-03-12',
          },
        },
        m,
      ),
  );
  for (const field of THEME_FIELDS) {
    await step(
      `theme:${field.id}`,
      ADMIN,
      '2013-03-12T16:30:00Z',
      (m) =>
        new DefineThemeField(
          {
            masterplanId: mp,
            themeFieldId: field.id,
            name: field.name,
            description: field.description,
          },
          m,
        ),
    );
  }
  const milestones = [
    { id: 'ms-1', title: '1. Industriedialog Aachen 2020 (Auftakt)', dueDate: '2013-05-28' },
    { id: 'ms-2', title: 'Handlungsvorschläge der Kleingruppen', dueDate: '2013-08-31' },
    { id: 'ms-3', title: '2. Industriedialog: Vorstellung des Masterplans', dueDate: '2013-10-30' },
  ];
  for (const ms of milestones) {
    await step(
      `milestone:${ms.id}`,
      ADMIN,
      '2013-03-20T10:00:00Z',
      (m) =>
        new ScheduleMilestone(
          { masterplanId: mp, milestoneId: ms.id, title: ms.title, dueDate: ms.dueDate },
          m,
        ),
    );
  }
  await step(
    'dialogue-1',
    ADMIN,
    '2013-03-20T11:00:00Z',
    (m) =>
      new ScheduleDialogue(
        {
          dialogueId: 'dialog-1',
          masterplanId: mp,
          title: '1. Industriedialog Aachen 2020',
          scheduledFor: '2013-05-28',
          venue: 'Aula Carolina, Aachen',
        },
        m,
      ),
  );

  phase = 'sketch';
  for (const measure of MEASURES) {
    await step(
      `measure:${measure.id}`,
      ADMIN,
      '2013-04-10T09:00:00Z',
      (m) =>
        new DefineMeasure(
          {
            measureId: measure.id,
            masterplanId: mp,
            themeFieldId: measure.themeField,
            title: measure.title,
            description: measure.description,
            kind: measure.kind,
          },
          m,
        ),
    );
  }

  phase = 'dialogue-1';
  await step(
    'dialogue-1-held',
    ADMIN,
    '2013-05-28T18:00:00Z',
    (m) =>
      new HoldDialogue(
        {
          dialogueId: 'dialog-1',
          heldOn: '2013-05-28',
          participantActorIds: ACTORS.map((a) => a.id),
        },
        m,
      ),
  );
  await step(
    'dialogue-1-minutes',
    ADMIN,
    '2013-05-29T12:00:00Z',
    (m) =>
      new RecordDialogueMinutes(
        {
          dialogueId: 'dialog-1',
          minutes:
            'Kick-off with 16 organisations. Four small working groups agreed, one per theme field. The joint declaration fixes the roadmap.',
        },
        m,
      ),
  );
  await step(
    'declaration-draft',
    ADMIN,
    '2013-05-28T17:00:00Z',
    (m) =>
      new DraftJointDeclaration(
        {
          declarationId: 'erklaerung-2013',
          masterplanId: mp,
          text: 'Gemeinsame Erklärung zum Industriedialog Aachen 2020: Wir wollen die Region Aachen als Industriestandort stärken und erarbeiten gemeinsam einen Masterplan.',
          roadmap: milestones.map((ms) => ({ title: ms.title, dueDate: ms.dueDate })),
        },
        m,
      ),
  );
  for (const actorId of SIGNATORIES) {
    await step(
      `sign:${actorId}`,
      repOf(actorId),
      '2013-05-28T17:30:00Z',
      (m) => new SignJointDeclaration({ declarationId: 'erklaerung-2013', actorId }, m),
    );
  }
  await step(
    'declaration-publish',
    ADMIN,
    '2013-05-29T09:00:00Z',
    (m) => new PublishJointDeclaration({ declarationId: 'erklaerung-2013' }, m),
  );
  await step(
    'milestone-1-reached',
    ADMIN,
    '2013-05-29T09:30:00Z',
    (m) => new ReachMilestone({ masterplanId: mp, milestoneId: 'ms-1' }, m),
  );

  phase = 'working-groups';
  for (const group of WORKING_GROUPS) {
    await step(
      `group:${group.id}`,
      ADMIN,
      '2013-06-03T09:00:00Z',
      (m) =>
        new FormWorkingGroup(
          {
            workingGroupId: group.id,
            masterplanId: mp,
            themeFieldId: group.themeField,
            name: group.name,
            facilitatorActorId: group.facilitator,
          },
          m,
        ),
    );
    for (const member of group.members) {
      await step(
        `join:${group.id}:${member}`,
        repOf(member),
        '2013-06-05T09:00:00Z',
        (m) => new JoinWorkingGroup({ workingGroupId: group.id, actorId: member }, m),
      );
    }
  }
  for (const p of PROPOSALS) {
    const group = WORKING_GROUPS.find((g) => g.id === p.group)!;
    await step(
      `proposal:${p.id}`,
      repOf(p.by),
      '2013-07-10T14:00:00Z',
      (m) =>
        new SubmitProposal(
          {
            proposalId: p.id,
            masterplanId: mp,
            themeFieldId: group.themeField,
            actorId: p.by,
            workingGroupId: group.id,
            title: p.title,
            description: p.description,
          },
          m,
        ),
    );
    if (p.revision) {
      await step(
        `revise:${p.id}`,
        repOf(p.by),
        '2013-07-24T10:00:00Z',
        (m) => new ReviseProposal({ proposalId: p.id, description: p.revision }, m),
      );
    }
  }
  for (const p of PROPOSALS) {
    const { outcome } = p;
    if ('accept' in outcome) {
      const accepted = await step(
        `accept:${p.id}`,
        ADMIN,
        '2013-08-28T10:00:00Z',
        (m) =>
          new AcceptProposal(
            {
              proposalId: p.id,
              measureId: outcome.accept.measureId,
              measureKind: outcome.accept.kind,
            },
            m,
          ),
      );
      // The measure itself is defined by the reaction to ProposalAccepted.
      await reactions.reached(accepted.position);
    } else if ('reject' in outcome) {
      await step(
        `reject:${p.id}`,
        ADMIN,
        '2013-08-28T10:30:00Z',
        (m) => new RejectProposal({ proposalId: p.id, reason: outcome.reject }, m),
      );
    } else {
      await step(
        `withdraw:${p.id}`,
        repOf(p.by),
        '2013-08-20T16:00:00Z',
        (m) => new WithdrawProposal({ proposalId: p.id, reason: outcome.withdraw }, m),
      );
    }
  }
  await step(
    'milestone-2-reached',
    ADMIN,
    '2013-08-31T12:00:00Z',
    (m) => new ReachMilestone({ masterplanId: mp, milestoneId: 'ms-2' }, m),
  );

  phase = 'assignments';
  const fromProposals = PROPOSALS.flatMap((p) =>
    'accept' in p.outcome
      ? [{ id: p.outcome.accept.measureId, assignments: p.outcome.accept.assignments }]
      : [],
  );
  for (const measure of [...MEASURES, ...fromProposals]) {
    for (const [actorId, role] of measure.assignments) {
      await step(
        `assign:${measure.id}:${actorId}`,
        ADMIN,
        '2013-09-10T09:00:00Z',
        (m) => new AssignMeasure({ measureId: measure.id, actorId, role }, m),
      );
    }
  }

  phase = 'commitments';
  for (const c of COMMITMENTS) {
    await step(
      `commit:${c.id}`,
      repOf(c.actor),
      '2013-09-20T11:00:00Z',
      (m) =>
        new DeclareCommitment(
          {
            commitmentId: c.id,
            actorId: c.actor,
            masterplanId: mp,
            ...(c.measure ? { measureId: c.measure } : {}),
            statement: c.statement,
            ...(c.resources ? { resources: c.resources } : {}),
            ...(c.dueDate ? { dueDate: c.dueDate } : {}),
          },
          m,
        ),
    );
  }
  const target = (c: (typeof COMMITMENTS)[number]) => ({
    commitmentId: c.id,
    masterplanId: mp,
    ...(c.measure ? { measureId: c.measure } : {}),
  });
  await step(
    'cancel:m-04',
    ADMIN,
    '2013-10-01T09:00:00Z',
    (m) =>
      new CancelMeasure(
        { measureId: 'm-04', reason: 'Covered by the joint campaign m-01; no separate film.' },
        m,
      ),
  );
  for (const c of COMMITMENTS) {
    if (c.then && 'withdraw' in c.then) {
      const reason = c.then.withdraw;
      await step(
        `withdraw:${c.id}`,
        repOf(c.actor),
        '2013-10-05T15:00:00Z',
        (m) => new WithdrawCommitment({ ...target(c), reason }, m),
      );
    }
  }
  await step(
    'progress:m-30',
    repOf('ihk'),
    '2013-09-30T10:00:00Z',
    (m) =>
      new ReportMeasureProgress(
        {
          measureId: 'm-30',
          percentComplete: 60,
          note: 'Contact point staffed; first two companies advised.',
          actorId: 'ihk',
        },
        m,
      ),
  );
  await step(
    'progress:m-08',
    repOf('ihk'),
    '2013-10-15T10:00:00Z',
    (m) =>
      new ReportMeasureProgress(
        {
          measureId: 'm-08',
          percentComplete: 25,
          note: 'Campaign launched at 40 schools.',
          actorId: 'ihk',
        },
        m,
      ),
  );

  phase = 'dialogue-2';
  await step(
    'dialogue-2',
    ADMIN,
    '2013-09-02T09:00:00Z',
    (m) =>
      new ScheduleDialogue(
        {
          dialogueId: 'dialog-2',
          masterplanId: mp,
          title: '2. Industriedialog Aachen 2020',
          scheduledFor: '2013-10-30',
          venue: 'Eurogress Aachen',
        },
        m,
      ),
  );
  await step(
    'dialogue-2-held',
    ADMIN,
    '2013-10-30T19:00:00Z',
    (m) =>
      new HoldDialogue(
        { dialogueId: 'dialog-2', heldOn: '2013-10-30', participantActorIds: SIGNATORIES },
        m,
      ),
  );
  await step(
    'present',
    ADMIN,
    '2013-10-30T19:30:00Z',
    (m) => new PresentMasterplan({ masterplanId: mp, dialogueId: 'dialog-2' }, m),
  );
  await step(
    'milestone-3-reached',
    ADMIN,
    '2013-10-30T20:00:00Z',
    (m) => new ReachMilestone({ masterplanId: mp, milestoneId: 'ms-3' }, m),
  );

  phase = 'delivery';
  for (const c of COMMITMENTS) {
    if (c.then && 'fulfil' in c.then) {
      const note = c.then.fulfil;
      await step(
        `fulfil:${c.id}`,
        repOf(c.actor),
        '2013-12-02T12:00:00Z',
        (m) => new FulfilCommitment({ ...target(c), note }, m),
      );
    }
  }
  await step(
    'complete:m-23',
    ADMIN,
    '2013-12-02T13:00:00Z',
    (m) =>
      new CompleteMeasure({ measureId: 'm-23', note: 'The Lotsenstelle is open and staffed.' }, m),
  );
  return report;
}
