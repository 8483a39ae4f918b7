// `make test` runs the services' and the web app's suites in one Jest invocation (one summary,
// parallel workers); each workspace keeps its own config for `npm test -w <name>`. The browser
// end-to-end tests (e2e/) run after it, on their own (`make e2e`).
export default {
  projects: [
    '<rootDir>/services/*',
    '<rootDir>/web',
    '<rootDir>/deploy',
    '<rootDir>/faults',
    '<rootDir>/bench',
  ],
};
