/**
 * The machine's own costs, measured by probe.c before the first server starts and after the last
 * stops: one loopback send per socket (what a fan-out pass is made of), the same with frames
 * corked into one send (what uWS does within a loop turn), and the idle round trip through a
 * second process (the floor of the bus hop and of every wake-up of an idle reader). Every
 * saturation summary carries them, because they move between machines of the same kind, and
 * even within one session, more than any server's figures do: a peer that sends every frame on
 * its own (`ws`, Socket.IO) scales with the send cost, and every latency at a low rate with the
 * wake-up.
 *
 * Also runnable on its own: `npm run bench:machine` writes bench/results/machine-<stamp>.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../fanout/children.js';
import { compileC } from './loadgen.js';
import { BENCH_TOPIC, priceFrame } from './payload.js';

export interface MachineProbe {
  readonly sockets: number;
  /** Bytes on the wire per frame: the bench's price frame plus its 4-byte WebSocket header. */
  readonly frameBytes: number;
  readonly rounds: number;
  /** Frames corked into one send in the corked pass. */
  readonly batch: number;
  /** Median µs per send, one frame per send, over `sockets` sockets. */
  readonly sendUs: number;
  /** Median µs per send of `batch` frames. */
  readonly corkedSendUs: number;
  readonly corkedPerFrameUs: number;
  readonly hops: number;
  readonly gapMs: number;
  /** An 8-byte message to a second process (on the other CPU) and back, both idle in read(2). */
  readonly relayP50Us: number;
  readonly relayP99Us: number;
  readonly twoCpus: boolean;
  /** /sys/devices/system/cpu/vulnerabilities/meltdown: "Mitigation: PTI" makes every syscall dearer. */
  readonly meltdown: string;
}

const SOCKETS = 1_000;
const ROUNDS = 50;
const BATCH = 16;
const HOPS = 300;
const GAP_MS = 20;
/** A WebSocket server frame of 126 to 65,535 bytes has a 4-byte header. */
const WS_HEADER_BYTES = 4;

/** Compiles probe.c into `dir` and runs it (about 10 s); the result is one JSON line. */
export function runMachineProbe(dir: string): MachineProbe {
  const binary = compileC(dir, 'probe');
  const frameBytes = Buffer.byteLength(priceFrame(BENCH_TOPIC, 1, Date.now())) + WS_HEADER_BYTES;
  const args = [SOCKETS, frameBytes, ROUNDS, BATCH, HOPS, GAP_MS].map(String);
  const out = execFileSync(binary, args, { encoding: 'utf8', timeout: 60_000 });
  const measured = JSON.parse(out) as Omit<MachineProbe, 'meltdown'>;
  return { ...measured, meltdown: meltdownMitigation() };
}

function meltdownMitigation(): string {
  try {
    return readFileSync('/sys/devices/system/cpu/vulnerabilities/meltdown', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** One line for a summary; `when` says when it ran ("before the servers"). */
export function probeLine(when: string, p: MachineProbe): string {
  return (
    `Machine probe ${when} (bench/saturation/probe.c): one loopback send of a ${p.frameBytes}-byte frame to a reader asleep in epoll ` +
    `**${p.sendUs.toFixed(1)} µs** (median of ${p.rounds} passes over ${p.sockets.toLocaleString('en-US')} sockets); ` +
    `${p.batch} frames corked in one send ${p.corkedSendUs.toFixed(1)} µs (${p.corkedPerFrameUs.toFixed(2)} µs per frame); ` +
    `a message to a second process and back, both idle, **p50 ${p.relayP50Us.toFixed(0)} µs, p99 ${p.relayP99Us.toFixed(0)} µs**` +
    `${p.twoCpus ? ' (one process per CPU)' : ''}; meltdown: ${p.meltdown}.`
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const stamp = `${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-machine-'));
  try {
    const probe = runMachineProbe(dir);
    const outDir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `machine-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify({ command: 'npm run bench:machine', probe }, null, 2)}\n`);
    console.log(probeLine('on its own', probe));
    console.error(`wrote ${relative(REPO_ROOT, file)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
