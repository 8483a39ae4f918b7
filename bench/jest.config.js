// The generator's own unit tests (framing, statistics, loss ledger, /proc parsing). The benchmark
// itself is `make bench` / `make bench-smoke`, not Jest.
import { jestConfig } from '../jest.preset.js';

export default jestConfig();
