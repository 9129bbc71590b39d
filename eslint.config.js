// Lint rules, including the import direction of ../shared/conventions.md:
// protocol ← domain ← db ← sync ← services ← features ← app; features never import each other,
// ui only uses domain and the protocol.
import fs from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import prettierConfig from 'eslint-config-prettier';
import tahvil from './lint/file-name.js';

const features = fs
  .readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

// What each layer may import (folders under src/, and server/). src/protocol is the wire
// contract (types, value lists, paths): the lowest layer, importing nothing, so every layer may
// import it and no zone needs an exception (decision 010).
const MAY_IMPORT = {
  protocol: [],
  domain: ['protocol'],
  db: ['protocol', 'domain'],
  sync: ['protocol', 'domain', 'db'],
  services: ['protocol', 'domain', 'db', 'sync'],
  ui: ['protocol', 'domain'],
  pwa: ['protocol', 'domain', 'ui'],
  features: ['protocol', 'domain', 'db', 'sync', 'services', 'ui'],
  app: ['protocol', 'domain', 'db', 'sync', 'services', 'ui', 'features', 'pwa'],
  server: ['protocol', 'domain'],
};
const layerPath = (layer) => (layer === 'server' ? './server' : `./src/${layer}`);
const layerZones = [
  ...Object.entries(MAY_IMPORT).map(([layer, allowed]) => ({
    target: layerPath(layer),
    from: Object.keys(MAY_IMPORT)
      .filter((other) => other !== layer && !allowed.includes(other))
      .map(layerPath),
    message: `${layer} may import only: ${allowed.join(', ') || 'nothing'} (docs/architecture.md).`,
  })),
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'features do not import each other; share through db, sync or ui.',
  })),
];

const NO_INNER_HTML = {
  selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
  message: 'Card data is untrusted: render it as text.',
};

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
  // Component files in PascalCase after their component, every other file kebab-case.
  {
    files: ['**/*.{js,mjs,ts,tsx}'],
    plugins: { tahvil },
    rules: { 'tahvil/file-name': 'error' },
  },
  // Playwright reads a fixture's dependencies from its first parameter, which may be `{}`.
  { files: ['tests/e2e/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      // Type information for the rules that need it (no-floating-promises).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    settings: {
      // no-cycle reads every imported module: with TypeScript's parser, through the explicit
      // `.ts` paths the code imports.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [importX.createNodeResolver()],
      // Packages are not the project's modules: no cycle runs through them, and reading PGlite's
      // bundled WebAssembly glue overflows the parser's stack.
      'import-x/ignore': ['node_modules'],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': 'error',
      // A promise nobody awaits loses its error, and a handover's save may fail unseen; write
      // `void` where letting it run is the intent.
      '@typescript-eslint/no-floating-promises': 'error',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', NO_INNER_HTML],
    },
  },
  // Screens read through db's named queries and write through its named commands, never a table
  // (conventions: "Components never call db.table.put themselves").
  {
    files: ['src/{app,features,pwa,services,ui}/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        NO_INNER_HTML,
        {
          selector:
            'MemberExpression[property.name=/^(cards|events|counters|settings)$/][object.name=/^(db|database)$/]',
          message: 'Use a named query or command from src/db, not a table.',
        },
      ],
    },
  },
  // Formatting is Prettier's (run by `npm run lint`); no ESLint rule argues with it.
  prettierConfig,
);
