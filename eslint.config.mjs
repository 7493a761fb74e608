import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Each folder's import boundary: a pattern per folder it must not reach, with the reason. */
const forbid = (folders, why) => folders.map((f) => ({ group: [`**/${f}`, `**/${f}/**`], message: why }));
const vscode = { name: 'vscode', message: 'Only src/extension may import vscode: the rest runs in plain Node.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware rules that matter for async code and closed unions: a dropped promise is a
    // write or an announcement that silently never happened.
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // The launcher requires built bundles by path, and built-ins only where it needs them: a
    // static import of node:crypto would load it on every call.
    files: ['src/cli/bin.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Build glue in CommonJS (scripts/build/*.cjs): what esbuild bundles in a package's place.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The board decides every rule once; adapters ask it, never the other way round.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [vscode],
          patterns: forbid(['announce', 'claude', 'git', 'cli', 'extension', 'mcp', 'store-pg'], 'src/core imports none of the adapters.'),
        },
      ],
    },
  },
  {
    // Mattermost, Claude Code and git each adapt the core, and nothing but the core.
    files: ['src/announce/**', 'src/claude/**', 'src/git/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [vscode],
          patterns: forbid(['announce', 'claude', 'git', 'cli', 'extension', 'mcp', 'store-pg'], 'src/announce, src/claude and src/git import src/core only.'),
        },
      ],
    },
  },
  {
    // The shared store is the core's rules over PostgreSQL: it imports the core and nothing else.
    files: ['src/store-pg/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [vscode],
          patterns: forbid(['announce', 'claude', 'git', 'cli', 'extension', 'mcp'], 'src/store-pg imports src/core only; adapters reach it through their store factory.'),
        },
      ],
    },
  },
  {
    // The MCP server asks the core and posts questions through the announcements: nothing else.
    files: ['src/mcp/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [vscode],
          patterns: forbid(['claude', 'git', 'cli', 'extension', 'store-pg'], 'src/mcp imports src/core and src/announce only; the CLI starts it (and gives it the store), never the other way round.'),
        },
      ],
    },
  },
  {
    files: ['src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [vscode], patterns: forbid(['extension'], 'The CLI and the extension never import each other.') }],
    },
  },
  {
    files: ['src/extension/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbid(['cli', 'mcp'], 'The extension imports neither the CLI nor the MCP server.') }],
    },
  },
);
