// Browser tests: one server and one Chromium per file, run in band; slow steps (first start of the
// embedded database, browser launch) get a long timeout, every wait inside a test is bounded.
import { jestConfig } from '../jest.preset.js';

export default jestConfig({ roots: ['<rootDir>/src'], testTimeout: 180_000 });
