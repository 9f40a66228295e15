// Type-aware lint for the whole monorepo. Import boundaries keep the dependency arrows one way:
// web → ui, contracts; ui → nothing of ours; server → domain, vision, contracts; vision → domain; domain → nothing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dev-dist/**',
      'data/**',
      'coverage/**',
      'test-results/**',
      'artifacts/**',
      '**/*.config.js',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'smart'],
      // Fastify handlers and hooks are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['packages/domain/**/*.ts'],
    rules: restrict([
      { group: ['@hadir/*'], message: 'domain depends on nothing.' },
      {
        group: ['node:fs', 'node:net', 'node:http', 'fs', 'child_process', 'node:child_process'],
        message: 'domain is pure: no I/O.',
      },
    ]),
  },
  {
    files: ['packages/contracts/**/*.ts'],
    rules: restrict([{ group: ['@hadir/*'], message: 'contracts depend on zod only.' }]),
  },
  {
    files: ['packages/vision/**/*.ts'],
    rules: restrict([
      {
        group: ['@hadir/server', '@hadir/contracts', '@hadir/web', '@hadir/testing'],
        message: 'vision may import domain only.',
      },
      { group: ['@hadir/*/*'], message: 'import packages through their root entry.' },
    ]),
  },
  {
    // Tests of vision drive real cameras through the shared harness; only production code is held to the arrow.
    files: ['packages/vision/**/*.test.ts'],
    rules: restrict([{ group: ['@hadir/*/*'], message: 'import packages through their root entry.' }]),
  },
  {
    files: ['apps/server/**/*.ts'],
    rules: restrict([
      { group: ['@hadir/web'], message: 'the server never imports the web app.' },
      { group: ['@hadir/*/*'], message: 'import packages through their root entry.' },
    ]),
  },
  {
    files: ['apps/server/src/platform/**/*.ts'],
    rules: restrict([
      { group: ['**/modules/**'], message: 'platform/ never imports modules/.' },
      { group: ['@hadir/*/*'], message: 'import packages through their root entry.' },
    ]),
  },
  {
    files: ['packages/ui/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict([{ group: ['@hadir/*'], message: 'the design system depends on React only.' }]),
    },
  },
  {
    files: ['apps/mobile/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict([
        {
          group: ['@hadir/server', '@hadir/domain', '@hadir/vision', '@hadir/testing', '@hadir/web'],
          message: 'the mobile app depends on ui and contracts only.',
        },
        { group: ['@hadir/*/*'], message: 'import packages through their root entry.' },
      ]),
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict([
        {
          group: ['@hadir/server', '@hadir/domain', '@hadir/vision', '@hadir/testing'],
          message: 'web depends on contracts only.',
        },
        { group: ['@hadir/*/*'], message: 'import packages through their root entry.' },
      ]),
    },
  },
);
