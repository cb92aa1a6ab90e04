import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDomain, type DomainApp } from '../../../../libs/masterplan/test/domain-app.js';
import { seedAachenDemo } from './aachen-demo.js';

async function countByType(domain: DomainApp): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for await (const e of domain.store.readAll()) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

describe('the Aachen demo seed', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ml-seed-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tells the story through real commands, and a second run duplicates nothing', async () => {
    const first = await startDomain(dir);
    const report = await seedAachenDemo(first.commands, first.reactions);
    expect(report.repeated).toBe(0);
    const counts = await countByType(first);
    await first.app.close();

    expect(counts).toMatchObject({
      ActorRegistered: 16,
      ThemeFieldDefined: 4,
      MeasureDefined: 30,
      ProposalAccepted: 4,
      ProposalRejected: 2,
      CommitmentWithdrawn: 3,
    });
    expect(counts.JointDeclarationSigned).toBeGreaterThanOrEqual(10);
    expect(counts.CommitmentDeclared).toBeGreaterThanOrEqual(20);

    const second = await startDomain(dir);
    const again = await seedAachenDemo(second.commands, second.reactions);
    expect(again).toEqual({ commands: report.commands, repeated: report.commands });
    expect(await countByType(second)).toEqual(counts);
    await second.app.close();
  });
});
