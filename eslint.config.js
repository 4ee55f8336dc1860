// ESLint flat config: typescript-eslint's recommended rules over src/, test/ and scripts/, and the import
// boundaries between the folders of src/ (test/architecture.test.ts checks the same boundaries).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The folders the core (rules/, encounter/) may not import: everything that reads, writes, runs or reports. */
const CORE_BANS = [
  { folder: 'x12', why: 'the core knows claims, not file formats' },
  { folder: 'csv', why: 'the core knows claims, not file formats' },
  { folder: 'formats', why: 'the core knows claims, not file formats' },
  { folder: 'pipeline', why: 'the pipeline runs the core, not the other way round' },
  { folder: 'report', why: 'reports are made from findings after the rules ran' },
  { folder: 'cli', why: 'the command line is the outermost layer' },
];

/** The folders the format adapters (x12/, csv/) may not import: they see claims and the formats contract only. */
const ADAPTER_BANS = [
  { folder: 'pipeline', why: 'the reader/writer contract is in formats/' },
  { folder: 'rules', why: 'an adapter reads and writes claims; it does not check them' },
  { folder: 'policy', why: 'an adapter takes its options (a CSV map) from its caller' },
  { folder: 'history', why: 'an adapter reads and writes claims; the history is the pipeline\'s' },
  { folder: 'report', why: 'an adapter reports problems as FileProblems' },
  { folder: 'cli', why: 'the command line is the outermost layer' },
];

/** Who may not import whom. `except`: files of a banned folder that are its published contract. */
const BOUNDARIES = {
  rules: CORE_BANS,
  encounter: CORE_BANS,
  formats: [
    ...['x12', 'csv'].map((folder) => ({ folder, why: 'formats/ is the contract the adapters implement' })),
    ...['pipeline', 'rules', 'policy', 'history', 'report', 'cli'].map((folder) => ({ folder, why: 'formats/ depends on encounter/ only' })),
  ],
  x12: [...ADAPTER_BANS, { folder: 'csv', why: 'each adapter stands alone' }],
  csv: [...ADAPTER_BANS, { folder: 'x12', why: 'each adapter stands alone' }],
  report: [
    { folder: 'rules', except: ['types.js', 'ids.js'], why: 'report/ reads findings (rules/types.ts) and rule ids (rules/ids.ts), not the engine' },
    ...['pipeline', 'x12', 'csv', 'formats', 'history', 'cli'].map((folder) => ({ folder, why: 'report/ renders what the pipeline hands it' })),
  ],
};

/**
 * `no-restricted-imports` blocks for the boundaries. Specifiers are relative, so the '../' that reach src/ depend on
 * how deep a file sits: one block per depth (src/rules/engine.ts: '../history/…'; src/rules/esi/unguided.ts:
 * '../../history/…', while '../history/…' there is src/rules/history/). A later block replaces a rule's options
 * for the files it shares with an earlier one, so each call names a folder's complete list.
 */
function importBoundaries(boundaries) {
  const blocks = [];
  for (const [folder, bans] of Object.entries(boundaries)) {
    for (let depth = 1; depth <= 3; depth++) {
      const up = `(?:\\.\\./){${depth}}`;
      const patterns = bans.map((ban) => ({
        regex: `^${up}${ban.folder}/${ban.except ? `(?!(?:${ban.except.map((file) => file.replace('.', '\\.')).join('|')})$)` : ''}`,
        message: `${folder}/ may not import ${ban.folder}/${ban.except ? ` (only ${ban.except.join(', ')})` : ''}: ${ban.why}.`,
      }));
      blocks.push({ files: [`src/${folder}/${'*/'.repeat(depth - 1)}*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } });
    }
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.bench/**', 'coverage/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    rules: {
      // X12 and CSV text is matched byte by byte: control characters (NUL, separators, padding) are the subject.
      'no-control-regex': 'off',
      // A leading underscore marks a value left out on purpose (`for (const _ of …)`, `{ key: _key, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Rules are pure and run claim after claim: state lives per run (prepareRules) or per claim (context.memo).
    files: ['src/rules/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Program > VariableDeclaration[kind!="const"], Program > ExportNamedDeclaration > VariableDeclaration[kind!="const"]',
          message: 'No module-level let or var in src/rules: keep state per run (prepareRules) or per claim (context.memo).',
        },
      ],
    },
  },
  ...importBoundaries(BOUNDARIES),
  // The core may not import history/ either: uncomment once the history view contract lives in encounter/.
  // ...importBoundaries({
  //   rules: [...CORE_BANS, { folder: 'history', why: 'the core reads the history through its view contract in encounter/' }],
  //   encounter: [...CORE_BANS, { folder: 'history', why: 'the core reads the history through its view contract in encounter/' }],
  // }),
);
