import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import { fileNameRule } from './file-name.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = path.resolve(import.meta.dirname, '..');
const at = (file: string) => path.join(ROOT, file);

const ruleTester = new RuleTester({
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { ecmaFeatures: { jsx: true } },
  },
});

ruleTester.run('tahvil/file-name', fileNameRule, {
  valid: [
    {
      name: 'a component file named after its component',
      filename: at('src/features/search/SearchScreen.tsx'),
      code: 'export function SearchScreen() { return <main />; }',
    },
    {
      name: 'a component file that also exports its props type',
      filename: at('src/ui/ErrorNotice.tsx'),
      code: 'export interface Props { m: string }\nexport function ErrorNotice() { return null; }',
    },
    {
      name: 'a kebab-case module',
      filename: at('src/features/search/use-card-search.ts'),
      code: 'export function useCardSearch() {}',
    },
    {
      name: 'a worker keeps its kebab-case stem before .worker',
      filename: at('src/features/import/manifest-import.worker.ts'),
      code: 'self.onmessage = () => {};',
    },
    {
      name: 'a kebab-case .tsx that exports several components and hooks',
      filename: at('src/ui/status.tsx'),
      code: 'export function CardStatusBadge() { return null; }\nexport function SyncStateBadge() { return null; }',
    },
    {
      name: 'a kebab-case .tsx whose one export is a hook',
      filename: at('src/services/services.tsx'),
      code: 'export function useServices() {}',
    },
    {
      name: "a component's test beside its component",
      filename: at('src/ui/JalaliDatePicker.test.tsx'),
      code: "it('works', () => {});",
    },
    {
      name: 'a kebab-case test',
      filename: at('src/domain/national-code.test.ts'),
      code: "it('works', () => {});",
    },
  ],
  invalid: [
    {
      name: 'camelCase module',
      filename: at('src/db/nameSearch.ts'),
      code: 'export const x = 1;',
      errors: [{ messageId: 'notKebab' }],
    },
    {
      name: 'snake_case module',
      filename: at('server/registry_state.ts'),
      code: 'export const x = 1;',
      errors: [{ messageId: 'notKebab' }],
    },
    {
      name: 'PascalCase .ts file (not a component)',
      filename: at('src/sync/SyncEngine.ts'),
      code: 'export class SyncEngine {}',
      errors: [{ messageId: 'notKebab' }],
    },
    {
      name: 'a kebab-case file holding one component',
      filename: at('src/ui/error-notice.tsx'),
      code: 'export function ErrorNotice() { return null; }',
      errors: [
        {
          message:
            "'error-notice.tsx' exports only the component ErrorNotice: name the file 'ErrorNotice.tsx'.",
        },
      ],
    },
    {
      name: 'a kebab-case file holding one component as a const',
      filename: at('src/ui/figure-tiles.tsx'),
      code: 'export const FigureTiles = () => null;',
      errors: [{ messageId: 'notNamedAfterComponent' }],
    },
    {
      name: 'a PascalCase file not named after what it exports',
      filename: at('src/pwa/DevicePanels.tsx'),
      code: 'export function StoragePanel() { return null; }\nexport function InstallPanel() { return null; }',
      errors: [{ messageId: 'pascalWithoutComponent' }],
    },
    {
      name: 'a PascalCase test with no component beside it',
      filename: at('src/ui/NoSuchThing.test.tsx'),
      code: "it('works', () => {});",
      errors: [{ messageId: 'testWithoutModule' }],
    },
  ],
});
