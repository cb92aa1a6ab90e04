import { fold, type Decider, type DomainEvent } from '../src/shared/decider.js';
import type { RejectionCode } from '../src/shared/rejection.js';

/**
 * given(events).when(command, context).then(events) | .thenRejects(code, reason), on a
 * decider: the shape every business rule is tested in.
 */
export function deciderSpec<State, E extends DomainEvent, C, Ctx>(
  decider: Decider<State, E, C, Ctx>,
) {
  return {
    given(events: E[]) {
      const state = fold(decider, events);
      return {
        when(command: C, ctx: Ctx) {
          const decision = decider.decide(command, state, ctx);
          return {
            then(expected: E[]) {
              expect(decision).toEqual(expected);
            },
            thenRejects(code: RejectionCode, reason: string) {
              expect(decision).toMatchObject({ rejected: true, code, reason });
              expect((decision as { message: string }).message.length).toBeGreaterThan(10);
            },
          };
        },
      };
    },
  };
}
