// Thousands of mutated agent bodies: never a 5xx, never a crash, and the server still
// answers a valid request afterwards. Replay a failure with FUZZ_SEED=<seed>.
import { runAgentFuzz } from './fuzz-runner';
import { startAgentApp, type AgentTestApp } from './support';

const SEED = Number(process.env.FUZZ_SEED ?? 20210301);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 3000);

describe('agent route fuzzing', () => {
  let t: AgentTestApp;
  afterAll(async () => t?.close());

  it(`survives ${ITERATIONS} mutated bodies (seed ${SEED})`, async () => {
    t = await startAgentApp({ agentLimits: { small: 256 * 1024, write: 1024 * 1024, log: 1024 * 1024 } });
    const { nodeKey } = await t.enroll('darwin');
    await runAgentFuzz(t, nodeKey, SEED, ITERATIONS);
  }, 120_000);
});
