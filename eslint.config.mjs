// ESLint flat config: typescript-eslint's type-aware recommended rules over every TypeScript file
// of the project (tsconfig.json), with the type information of the compiler.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.bench/', 'bin/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a value left unused on purpose (a destructured field dropped, an ignored argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests, the demo and the bench read what connectors print and what the sandbox answers as
    // untyped JSON (`any`): the protocol schema and the assertions vouch for its shape, not the compiler.
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Chai's property assertions (`expect(x).to.be.empty`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Fakes of async interfaces (a stubbed fetch, an async generator feeding stdin) are async
      // without awaiting anything.
      '@typescript-eslint/require-await': 'off',
      // chai's AssertionError is what mocha reports as a failed expectation.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'package', package: 'chai', name: 'AssertionError' }] }],
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
