// Typed lint rules for every workspace. Backs the code-style guide: no `export *`, no console,
// process.exit and process.env only in composition roots, promises always handled.
import js from '@eslint/js';
import nodePlugin from 'eslint-plugin-n';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { project: ['./tsconfig.check.json', './tsconfig.check-browser.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { n: nodePlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Export names explicitly; `export *` hides the public surface.' },
      ],
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'n/no-process-exit': 'error',
      // Interface methods that return promises may complete synchronously (memory doubles).
      '@typescript-eslint/require-await': 'off',
      'n/prefer-node-protocol': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in a service main.ts and pass config down.' },
      ],
    },
  },
  {
    // Composition roots, scripts, benchmarks and tests may read the environment and exit.
    files: [
      'services/*/src/main.ts',
      'services/*/src/*-main.ts',
      'scripts/**',
      'bench/**',
      '**/test/**',
      'test/**',
      '**/*.test.ts',
      'vitest.config.ts',
      'libs/config/src/schema.ts',
    ],
    rules: { 'no-restricted-properties': 'off', 'n/no-process-exit': 'off' },
  },
  {
    // The dashboard runs in browsers.
    files: ['services/dashboard/src/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests assert on loosely typed JSON frames; the strict unsafe-* rules add noise there.
    files: ['**/test/**', 'test/**', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
