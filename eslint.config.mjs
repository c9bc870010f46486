// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Every side effect sits behind an adapter: only the owning lib may import its driver.
const drivers = {
  'libs/db': ['typeorm', 'typeorm-pglite', 'pg', '@electric-sql/pglite', '@electric-sql/pglite/*'],
  'libs/bus': ['kafkajs'],
  'libs/storage': ['@aws-sdk/*'],
  'libs/inference': ['onnxruntime-node'],
  'libs/video': ['@ffmpeg-installer/*', '@ffprobe-installer/*'],
};
const restrictDriversExcept = (owner) => [
  'error',
  {
    patterns: Object.entries(drivers)
      .filter(([lib]) => lib !== owner)
      .map(([lib, group]) => ({ group, message: `Only ${lib} may import this driver; use its adapter.` })),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'apps/trainer/**', '.services/**', '**/*.mjs', '**/*.js', 'vitest.config.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': restrictDriversExcept(null),
    },
  },
  ...Object.keys(drivers).map((lib) => ({
    files: [`${lib}/**/*.ts`],
    rules: { 'no-restricted-imports': restrictDriversExcept(lib) },
  })),
  {
    // Tests may prove an adapter against its real server with the raw driver.
    files: ['**/__tests__/**/*.ts', '**/*.spec.ts', 'libs/testing/**/*.ts'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
);
