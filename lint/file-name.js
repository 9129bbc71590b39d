// ESLint rule `tahvil/file-name`: the file-naming convention of ../shared/conventions.md.
// A React component's file is named after its component in PascalCase (`SearchScreen.tsx`);
// every other file is kebab-case (`use-card-search.ts`, `manifest-import.worker.ts`). A test
// takes the name of the module it tests (`SearchScreen.test.tsx` beside `SearchScreen.tsx`).
import fs from 'node:fs';
import path from 'node:path';

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const PASCAL_CASE = /^[A-Z][a-zA-Z0-9]*$/;
const TEST_SUFFIX = /\.(test|spec)$/;

/** `manifest-import.worker.ts` → `manifest-import`; `Foo.test.tsx` → `Foo`. */
function stemOf(fileName) {
  return path.basename(fileName).split('.')[0];
}

/** Names of the values a module exports (types do not count: they are not components). */
function exportedValueNames(program) {
  const names = [];
  for (const node of program.body) {
    if (node.type === 'ExportDefaultDeclaration') {
      names.push(node.declaration.id?.name ?? 'default');
    } else if (node.type === 'ExportNamedDeclaration' && node.exportKind !== 'type') {
      const declaration = node.declaration;
      if (declaration?.type === 'VariableDeclaration') {
        for (const declarator of declaration.declarations) {
          if (declarator.id.type === 'Identifier') names.push(declarator.id.name);
        }
      } else if (
        declaration?.type === 'FunctionDeclaration' ||
        declaration?.type === 'ClassDeclaration'
      ) {
        if (declaration.id) names.push(declaration.id.name);
      }
      for (const specifier of node.specifiers) {
        if (specifier.exportKind !== 'type') names.push(specifier.exported.name);
      }
    }
  }
  return names;
}

export const fileNameRule = {
  meta: {
    type: 'suggestion',
    docs: { description: 'Component files in PascalCase after their component, others kebab-case' },
    schema: [],
    messages: {
      notKebab: "'{{file}}' is not a component's file, so its name is kebab-case ({{suggestion}}).",
      notNamedAfterComponent:
        "'{{file}}' exports only the component {{component}}: name the file '{{component}}{{rest}}'.",
      pascalWithoutComponent:
        "'{{file}}' is named like a component but exports no {{stem}}; name it after its component or in kebab-case.",
      testWithoutModule:
        "'{{file}}' is named after no module beside it; a test takes its module's name.",
    },
  },
  create(context) {
    const filename = context.filename;
    const base = path.basename(filename);
    const stem = stemOf(filename);
    const rest = base.slice(stem.length);
    const isTest = TEST_SUFFIX.test(base.replace(/\.[cm]?[jt]sx?$/, ''));
    const isTsx = base.endsWith('.tsx');
    return {
      Program(program) {
        const report = (messageId, data = {}) =>
          context.report({
            node: program,
            loc: { line: 1, column: 0 },
            messageId,
            data: { file: base, stem, rest, ...data },
          });
        if (PASCAL_CASE.test(stem) && isTsx) {
          if (isTest) {
            const dir = path.dirname(filename);
            const hasModule = fs.readdirSync(dir).some((other) => other === `${stem}.tsx`);
            if (!hasModule) report('testWithoutModule');
          } else if (!exportedValueNames(program).includes(stem)) {
            report('pascalWithoutComponent');
          }
          return;
        }
        if (!KEBAB_CASE.test(stem)) {
          const suggestion = stem
            .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
            .replace(/[_\s]+/g, '-')
            .toLowerCase();
          report('notKebab', { suggestion: `${suggestion}${rest}` });
          return;
        }
        if (isTsx && !isTest) {
          const values = exportedValueNames(program);
          const [only] = values;
          if (values.length === 1 && only && PASCAL_CASE.test(only)) {
            report('notNamedAfterComponent', { component: only });
          }
        }
      },
    };
  },
};

export default { rules: { 'file-name': fileNameRule } };
