// ESLint for the web app: the repository's config (typed strictTypeChecked + Prettier), plus the
// React Hooks rules for components. ESLint 10 looks up the config nearest to each linted file, so
// this one applies to web/ whether ESLint runs from the root or from here.
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import root from '../eslint.config.js';

export default [
  ...root,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
];
