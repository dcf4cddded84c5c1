/**
 * Startup benchmark: the wall time of one `lambench invoke` (process start to exit) against one
 * `aws lambda invoke` (the AWS CLI, the peer) on the same function of the in-process local stack.
 * For a single invoke the network round trip is a few ms, so this measures mostly what a CLI costs
 * before and after it: interpreter start, module loading, config and credential resolution.
 *
 * Runs are alternated (ABBA: lambench-aws, then aws-lambench, ...) so that drift in the machine
 * (CPU frequency, page cache, other load) falls on both tools alike instead of on whichever ran
 * later. Each run is checked (exit code 0 and the square 9 in the output); a failed run aborts.
 *
 * Usage: npm run bench:startup [-- ROUNDS]   (or BENCH_ROUNDS=N; default 15, plus 2 warm-ups each)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLocalStack, type LocalStack } from '../src/local/index.js';
import { median } from './support.js';

const ROUNDS = Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? 15);
const WARMUPS = 2;
const DEADLINE = performance.now() + 5 * 60_000; // the whole run, warm-ups included
const PAYLOAD = '{"number": 3}';
// Built to dist/bench/startup.js: the repo root is two levels up.
const LAMBENCH = fileURLToPath(new URL('../../bin/lambench.js', import.meta.url));

type Tool = 'lambench' | 'aws';
interface Run { stdout: string; stderr: string }

class BenchError extends Error {}

/** Spawns one process and returns its output and wall time; throws unless it exits 0 in time. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run & { ms: number }> {
  const timeout = Math.max(0, Math.min(30_000, DEADLINE - performance.now()));
  if (timeout === 0) return Promise.reject(new BenchError('time limit (5 minutes) reached'));
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { env, timeout, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      if (code === 0) return resolve({ stdout, stderr, ms });
      const why = signal ? `was killed (${signal}${signal === 'SIGTERM' ? ', time limit?' : ''})` : `exited ${code}`;
      reject(new BenchError(`${command} ${why}: ${(stderr || stdout).trim().slice(0, 500)}`));
    });
  });
}

function expectSquare(tool: Tool, ok: boolean, output: string): void {
  if (!ok) throw new BenchError(`${tool} did not return {"square": 9}: ${output.trim().slice(0, 500)}`);
}

/** Sorted sample → [median, p90 (nearest rank), min, max]. */
function stats(sorted: number[]): number[] {
  const at = (i: number) => sorted[Math.min(sorted.length - 1, Math.max(0, i))]!;
  return [median(sorted), at(Math.ceil(0.9 * sorted.length) - 1), at(0), at(sorted.length - 1)];
}

async function main(): Promise<void> {
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new BenchError(`rounds must be a positive integer, not '${process.argv[2] ?? process.env.BENCH_ROUNDS}'`);
  let awsVersion: string;
  try {
    const { stdout, stderr } = await promisify(execFile)('aws', ['--version']);
    awsVersion = (stdout || stderr).trim();
  } catch (error) {
    process.stderr.write(`peer missing: the AWS CLI ('aws') is not on PATH or does not run; install it with \`pip install awscli\` (${(error as Error).message.split('\n')[0]})\n`);
    process.exitCode = 2;
    return;
  }
  // The stack runs in this process; keep the SDK's Node 20 notice out of the output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dir = await mkdtemp(join(tmpdir(), 'lambench-startup-'));
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({});
    // AWS CLI v1 reads the region only from AWS_DEFAULT_REGION; v2 has no pager here.
    const env = { ...process.env, ...stack.env, AWS_DEFAULT_REGION: stack.region, AWS_PAGER: '' };
    const outFile = join(dir, 'out.json');
    // v1 sends blobs as raw text and does not know --cli-binary-format; v2 needs it for raw JSON.
    const binaryFormat = awsVersion.startsWith('aws-cli/1.') ? [] : ['--cli-binary-format', 'raw-in-base64-out'];
    const awsArgs = ['lambda', 'invoke', '--function-name', 'square', '--endpoint-url', stack.lambdaUrl,
      ...binaryFormat, '--payload', PAYLOAD, outFile];

    const run: Record<Tool, () => Promise<number>> = {
      async lambench() {
        const { stdout, ms } = await timed(process.execPath, [LAMBENCH, 'invoke', 'square', '--payload', PAYLOAD, '--json'], env);
        let result: { statusCode?: number; payload?: { square?: number } } = {};
        try { result = JSON.parse(stdout); } catch { /* reported below */ }
        expectSquare('lambench', result.statusCode === 200 && result.payload?.square === 9, stdout);
        return ms;
      },
      async aws() {
        await rm(outFile, { force: true }); // so a stale file cannot pass the check
        const { stdout, ms } = await timed('aws', awsArgs, env);
        const body = await readFile(outFile, 'utf8').catch(() => '');
        expectSquare('aws', /"StatusCode":\s*200/.test(stdout) && !/FunctionError/.test(stdout) && /"square":\s*9\b/.test(body), stdout + body);
        return ms;
      },
    };

    const times: Record<Tool, number[]> = { lambench: [], aws: [] };
    for (let round = 0; round < WARMUPS + ROUNDS; round++) {
      const order: Tool[] = round % 2 === 0 ? ['lambench', 'aws'] : ['aws', 'lambench'];
      for (const tool of order) {
        const ms = await run[tool]();
        if (round >= WARMUPS) times[tool].push(ms);
      }
    }

    console.log(`${ROUNDS} rounds (+${WARMUPS} warm-up), alternating; peer: ${awsVersion.split(' ')[0]}`);
    console.log(['tool', 'median', 'p90', 'min', 'max'].map((h, i) => (i ? h.padStart(8) : h.padEnd(10))).join(''));
    const medians = {} as Record<Tool, number>;
    for (const tool of ['lambench', 'aws'] as const) {
      const row = stats(times[tool].sort((a, b) => a - b));
      medians[tool] = row[0]!;
      console.log(tool.padEnd(10) + row.map((ms) => ms.toFixed(1).padStart(8)).join('') + '  ms');
    }
    const ratio = medians.lambench / medians.aws;
    console.log(`ratio: ${ratio.toFixed(2)} (lambench / peer, median wall time of one invoke, process start to exit; target <= 0.30)`);
  } finally {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bench:startup aborted: ${message}\n`);
  if (!(error instanceof BenchError) && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
