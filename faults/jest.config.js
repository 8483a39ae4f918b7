// The fault runner's own unit tests (ledger and verification logic). The fault runs themselves are
// `make test-faults` / `make test-faults-short`, not Jest.
import { jestConfig } from '../jest.preset.js';

export default jestConfig();
