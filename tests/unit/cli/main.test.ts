import { main } from '../../../src/cli/main';
import { testIo } from '../../support/cli-io';

describe('Function: main', () => {
  it('prints usage and exits 2 without a command', async () => {
    // Prepare
    const io = testIo();

    // Act
    const code = await main(['node', 'patchbay'], io);

    // Assess
    expect(code).toBe(2);
    expect(io.out()).toMatch(/Usage: patchbay/);
  });

  it.each(['test', 'test-event-pattern', 'route'])('lists the %s command in the help', async (name) => {
    // Prepare
    const io = testIo();

    // Act
    const code = await main(['node', 'patchbay', '--help'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('exits 2 for an unknown command', async () => {
    // Prepare
    const io = testIo();

    // Act
    const code = await main(['node', 'patchbay', 'frobnicate'], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(/unknown command 'frobnicate'/);
  });

  it('exits 2 for an unknown option of a command', async () => {
    // Prepare
    const io = testIo();

    // Act
    const code = await main(['node', 'patchbay', 'test-event-pattern', '--bogus'], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(/unknown option '--bogus'/);
  });
});
