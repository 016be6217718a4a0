// The simulator's composition root: the only file that reads the environment, writes the port
// file and handles signals. `npm run kiwoom-sim` runs it; createKiwoomSim builds everything else.
import { writeFileSync } from 'node:fs';
import { parseEnvOrExit } from '@repo/config';
import { createLifecycle, createLogger } from '@repo/observability';
import { kstIso } from './api/format.js';
import { createKiwoomSim } from './app.js';
import { parseKiwoomSimConfig } from './config.js';

const VERSION = '0.1.0';

const config = parseEnvOrExit(parseKiwoomSimConfig);
const logger = createLogger({ name: 'kiwoom-sim', level: config.logLevel, pretty: process.stdout.isTTY });
const lifecycle = createLifecycle({ logger, deadlineMs: config.shutdownDeadlineMs });

const sim = createKiwoomSim({ config, logger });
lifecycle.add('kiwoom-sim', () => sim.stop());
await sim.start();
if (config.portFile !== '') writeFileSync(config.portFile, String(sim.port));
lifecycle.onSignals(['SIGTERM', 'SIGINT']);

// The key pair is printed on purpose: it is the simulator's own test credential, which a client
// needs to connect, not a Kiwoom secret.
logger.info(
  {
    version: VERSION,
    node: process.version,
    pid: process.pid,
    url: sim.url,
    mode: config.mode,
    seed: config.seed,
    simulatedNow: kstIso(sim.clock.now()),
    speed: sim.clock.state().speed,
    pageSize: config.pageSize,
    totalRateLimit: config.totalRateLimit,
    rateLimitStatus: config.rateLimitStatus,
  },
  `kiwoom-sim ready: ${sim.url} (${config.mode}) · app key ${config.appKey} · secret key ${config.secretKey} · admin ${sim.url}/admin/health`,
);
