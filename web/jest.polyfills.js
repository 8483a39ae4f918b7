// Node APIs that browsers have and jsdom does not, installed before any module loads.
import { TextDecoder, TextEncoder } from 'node:util';

Object.assign(globalThis, { TextEncoder, TextDecoder });
