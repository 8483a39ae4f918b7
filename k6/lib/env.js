/* global __ENV */
// Run-wide settings read from `-e NAME=value`: the target deployment, the profile, and numeric
// overrides of a profile's parameters. Shared by every scenario.

/**
 * The deployment's entry point: the standalone server (`npm start`, :8080, the default), compose
 * (:80), the local cluster's nginx (`make cluster-up` prints it) or a Kubernetes ingress.
 */
export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

export const PROFILES = ['smoke', 'load', 'stress', 'soak'];

/** `-e PROFILE=…` (default smoke); anything else stops the run before it starts. */
export const PROFILE = __ENV.PROFILE || 'smoke';
if (!PROFILES.includes(PROFILE)) {
  throw new Error(`PROFILE=${PROFILE} is not one of ${PROFILES.join(', ')}`);
}

/**
 * The selected profile's parameters, each overridable by an upper-case `-e NAME=number`
 * (`ROOMS`, `RATE`, `HOLD_S` …): tune one knob without editing the script.
 */
export function profileParams(table) {
  const params = { ...table[PROFILE] };
  for (const key of Object.keys(params)) {
    const raw = __ENV[key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`-e ${key}=${raw}: expected a non-negative number`);
    }
    params[key] = value;
  }
  return params;
}

/** The password of every user a scenario creates (they are throwaway accounts). */
export const PASSWORD = __ENV.K6_USER_PASSWORD || 'k6-load-test-password';

/**
 * A short id for this run, made once in setup() and handed to every VU: it keeps user and room
 * names unique across runs on the same deployment. 8 base-36 characters: the second (cycling
 * every ~2 years) and 3 random ones, so two runs started in the same second still differ.
 */
export function newRunId() {
  const second = Math.floor(Date.now() / 1000) % 36 ** 5;
  return second.toString(36).padStart(5, '0') + randomChars(3);
}

function randomChars(n) {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(Math.random() * 36).toString(36);
  return out;
}

/** Seconds as a k6 duration string. */
export const seconds = (s) => `${Math.ceil(s)}s`;

export const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
