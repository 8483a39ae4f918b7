// Rendering the chart with two Helm versions for every scenario and validating each object takes a
// while on two cores; every external command inside a test is bounded.
import { jestConfig } from '../jest.preset.js';

export default jestConfig({ testTimeout: 240_000 });
