import nx from '@nx/eslint-plugin';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '.nx', 'reports', '.data'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // Apps compose libraries; they never import each other, nor Redis' client directly.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:lib', 'type:test-util'],
              bannedExternalImports: ['ioredis'],
            },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:test-util'] },
            { sourceTag: 'type:test-util', onlyDependOnLibsWithTags: [], bannedExternalImports: ['ioredis'] },
            // The core library stands alone: other Node services import it.
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core', 'type:test-util'] },
            { sourceTag: 'scope:config', onlyDependOnLibsWithTags: [], bannedExternalImports: ['ioredis'] },
            // Tools (start script, checks, benchmarks) use test helpers, and the core library where
            // they seed or measure through it (the benches); the measuring tools share the bench's
            // library; nothing else of the workspace.
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:test-util', 'scope:core', 'scope:config', 'scope:bench', 'scope:client'] },
            { sourceTag: 'scope:nest', onlyDependOnLibsWithTags: ['scope:core', 'scope:config'], bannedExternalImports: ['ioredis'] },
            // The HTTP client reaches the store over HTTP only; its code generator reads the
            // registry with the core (see the rule below), its specs use the test helpers.
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:core', 'type:test-util'], bannedExternalImports: ['ioredis'] },
            // The web console runs in a browser: no library of the workspace (they are Node code)
            // but the test helpers its browser test starts Redis with.
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['type:test-util'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // The client package has no runtime dependency: only its code generator may import the core
    // (an optional peer of the package).
    files: ['libs/feature-store-client/src/index.ts', 'libs/feature-store-client/src/lib/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.type-test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@feature-store/core', message: 'The client runtime stands alone; only src/codegen reads the registry with the core.' }] }] },
  },
  // The web console (React): the rules of hooks, and accessibility checks of its markup.
  {
    files: ['apps/console/src/**/*.tsx', 'apps/console/src/**/*.ts'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['apps/console/src/**/*.tsx'],
    ...jsxA11y.flatConfigs.strict,
  },
];
