import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-check/', '.tools/', '.wanflow/', 'scripts/', '**/*.mjs', '*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflows run in Temporal's deterministic sandbox: no Node built-ins, no activity code.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'structuredClone', message: "Not in Temporal's workflow sandbox: copy by hand." },
        { name: 'setTimeout', message: 'Workflows wait with sleep() or condition(): durable timers.' },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'crypto', 'child_process'],
              message: 'Workflows are deterministic: no Node built-ins.',
            },
            {
              group: ['../activities/*', '../activities'],
              allowTypeImports: true,
              message: 'Import activity types only.',
            },
            {
              group: ['../providers/*', '../storage/*', '../media/*', 'undici', 'minio'],
              allowTypeImports: true,
              message: 'Workflows do no I/O.',
            },
          ],
        },
      ],
    },
  },
);
