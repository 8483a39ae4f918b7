// `make test` runs every workspace's suite in one Jest invocation (one summary, parallel workers);
// each workspace keeps its own config for `npm test -w <name>`.
export default {
  projects: ['<rootDir>/services/*'],
};
