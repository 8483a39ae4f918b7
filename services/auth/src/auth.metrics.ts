// Business metrics next to the HTTP ones: login outcomes and refresh outcomes are what an SRE
// watches for credential stuffing (failures, throttling) and token theft (reuse).
import { Counter, type Registry } from 'prom-client';
import type { RefreshOutcome } from './sessions/session.service.js';
import type { LoginOutcome } from './users/account.service.js';

export interface AuthMetrics {
  login: (outcome: LoginOutcome) => void;
  refresh: (outcome: RefreshOutcome) => void;
}

export function createAuthMetrics(registry: Registry): AuthMetrics {
  const logins = new Counter({
    name: 'auth_logins_total',
    help: 'Login attempts by outcome (success, failure, throttled)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'auth_refreshes_total',
    help: 'Refresh-token exchanges by outcome (rotated, race, reuse, invalid)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    login: (outcome) => {
      logins.inc({ outcome });
    },
    refresh: (outcome) => {
      refreshes.inc({ outcome });
    },
  };
}
