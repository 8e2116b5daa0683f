// The repo's shared rules, plus n8n's community-node rules (what `n8n-node lint` and n8n's package scanner
// run) on the shipped sources — credentials/ and nodes/ — and on package.json.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';
import shared from '../../eslint.config.js';

const community = n8nCommunityNodesPlugin.configs.recommended;

export default [
  ...shared,
  { files: ['credentials/**/*.ts', 'nodes/**/*.ts'], ...community },
  {
    files: ['package.json'],
    ...community,
    languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
    // The file is one object literal, not code.
    rules: { ...community.rules, '@typescript-eslint/no-unused-expressions': 'off' },
  },
];
