// Lint rules, including the import direction of ../shared/conventions.md:
// domain ← db ← sync ← features ← app, features never import each other, ui only uses domain.
import fs from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import prettierConfig from 'eslint-config-prettier';

const features = fs
  .readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// src/sync/protocol.ts is a leaf of types and constants: the wire contract every layer and
// the server speak, so it may be imported from anywhere (see docs/decisions/002).
const PROTOCOL = ['./protocol.ts'];
const layerZones = [
  {
    target: './src/domain',
    from: [
      './src/db',
      './src/sync',
      './src/services',
      './src/features',
      './src/app',
      './src/pwa',
      './src/ui',
      './server',
    ],
    message: 'domain is pure: it imports no other layer.',
  },
  {
    target: './src/db',
    from: ['./src/services', './src/features', './src/app', './src/pwa', './src/ui', './server'],
    message: 'db imports only domain and the protocol.',
  },
  {
    target: './src/db',
    from: './src/sync',
    except: PROTOCOL,
    message: 'db imports only domain and the protocol.',
  },
  {
    target: './src/sync',
    from: ['./src/services', './src/features', './src/app', './src/pwa', './src/ui', './server'],
    message: 'sync imports only domain and db.',
  },
  {
    target: './src/services',
    from: ['./src/features', './src/app', './src/pwa', './src/ui', './server'],
    message: 'services compose db and sync for features.',
  },
  {
    target: './src/ui',
    from: ['./src/db', './src/services', './src/features', './src/app', './src/pwa', './server'],
    message: 'ui is presentational: domain and the protocol only.',
  },
  {
    target: './src/ui',
    from: './src/sync',
    except: PROTOCOL,
    message: 'ui is presentational: domain and the protocol only.',
  },
  {
    target: './src/features',
    from: ['./src/app', './src/pwa', './server'],
    message: 'features do not reach into app composition.',
  },
  {
    target: './src/pwa',
    from: ['./src/db', './src/sync', './src/services', './src/features', './src/app', './server'],
    message: 'pwa is service-worker plumbing only.',
  },
  {
    target: './server',
    from: ['./src/db', './src/services', './src/features', './src/app', './src/pwa', './src/ui'],
    message: 'server shares only domain and the protocol.',
  },
  {
    target: './server',
    from: './src/sync',
    except: PROTOCOL,
    message: 'server shares only domain and the protocol.',
  },
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'features do not import each other; share through db, sync or ui.',
  })),
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-next',
      'dist-bench',
      'node_modules',
      'var',
      'test-results',
      'playwright-report',
      'bench/results',
      'dev-dist',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: { ...globals.node } } },
  // Playwright reads a fixture's dependencies from its first parameter, which may be `{}`.
  { files: ['tests/e2e/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
  // Benchmark runners ship functions into the page with page.evaluate.
  {
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Card data is untrusted: render it as text.',
        },
      ],
    },
  },
  // Formatting is Prettier's (run by `npm run lint`); no ESLint rule argues with it.
  prettierConfig,
);
