import type { ImplementedApiId } from '../routes.js';
import { ka10001 } from './ka10001.js';
import { ka10081 } from './ka10081.js';
import { ka10086 } from './ka10086.js';
import { ka10095 } from './ka10095.js';
import { ka10099 } from './ka10099.js';
import { ka20001 } from './ka20001.js';
import type { TrHandler } from './types.js';

/** The TR behind each implemented api-id. */
export const TR_HANDLERS: Readonly<Record<ImplementedApiId, TrHandler>> = { ka10001, ka10081, ka10086, ka10095, ka10099, ka20001 };
