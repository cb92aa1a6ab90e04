import { Module } from '@nestjs/common';
import { ActorsResolver } from '../actors/actors.resolver.js';
import { AuditFeed } from '../audit/audit-feed.js';
import { AuditResolver } from '../audit/audit.resolver.js';
import { CommitmentsResolver } from '../commitments/commitments.resolver.js';
import {
  JointDeclarationsResolver,
  SignaturesResolver,
} from '../declarations/declarations.resolver.js';
import { DialoguesResolver } from '../dialogues/dialogues.resolver.js';
import { DiffsResolver, EntityChangesResolver } from '../diffs/diff.resolver.js';
import { MasterplanChangesResolver } from '../masterplans/masterplan-changes.resolver.js';
import { MasterplansResolver, ThemeFieldsResolver } from '../masterplans/masterplans.resolver.js';
import { MasterplanModule } from '../masterplan.module.js';
import { AssignmentsResolver, MeasuresResolver } from '../measures/measures.resolver.js';
import { ProjectionsResolver } from '../projections/projections.resolver.js';
import { ProposalsResolver } from '../proposals/proposals.resolver.js';
import { TimeTravel } from '../read-store/time-travel.js';
import { WorkingGroupsResolver } from '../working-groups/working-groups.resolver.js';
import { MutationRunner } from './mutation-runner.js';

/** The GraphQL resolvers of the masterplan domain, and what they share. */
@Module({
  imports: [MasterplanModule],
  providers: [
    MutationRunner,
    TimeTravel,
    AuditFeed,
    AuditResolver,
    MasterplansResolver,
    ThemeFieldsResolver,
    MasterplanChangesResolver,
    ActorsResolver,
    MeasuresResolver,
    AssignmentsResolver,
    CommitmentsResolver,
    ProposalsResolver,
    WorkingGroupsResolver,
    DialoguesResolver,
    JointDeclarationsResolver,
    SignaturesResolver,
    ProjectionsResolver,
    DiffsResolver,
    EntityChangesResolver,
  ],
})
export class MasterplanGraphqlModule {}
