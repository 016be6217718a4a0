/**
 * The ceiling: the bare uWS app (child of run.ts, pinned to the server CPU) publishing on the
 * open-loop schedule from its own event loop, with one `app.publish` per message.
 */
import { serveCommands } from '../ipc.js';
import { BENCH_TOPIC, priceFrame } from '../payload.js';
import { runSchedule } from '../schedule.js';
import { startBareApp } from './bare-uws.js';

const { publish, stats } = startBareApp();

serveCommands({
  publish: (spec) => runSchedule(spec, (seq, sentMs) => publish(priceFrame(BENCH_TOPIC, seq, sentMs))),
  stats,
});
