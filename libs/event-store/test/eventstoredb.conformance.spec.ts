import { EventStoreDbEventStore } from '../src/index.js';
import { describeEventStoreContract } from './event-store.conformance.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(
    `EventStoreDB at ${connectionString}`,
    async () => new EventStoreDbEventStore(connectionString),
  );
} else {
  // No EventStoreDB server can run on our machines; set the variable to run the contract against one.
  describe.skip('event store contract: EventStoreDB — skipped: EVENTSTORE_CONNECTION_STRING is not set', () => {
    it('runs the whole contract against a real EventStoreDB or KurrentDB', () => undefined);
  });
}
