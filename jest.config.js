/** @type {import('jest').Config} */
const transform = {
  // Decorator metadata for Nest's dependency injection (test/fixtures/nest-seeds).
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: {
        isolatedModules: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
      },
      diagnostics: false,
    },
  ],
  // oidc-provider (the local issuer) and its jose are ES modules only: compiled to CommonJS.
  '^.+/node_modules/oidc-provider/.+\\.js$': [
    'ts-jest',
    { tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs' }, diagnostics: false },
  ],
};
/** Every package as it is, except oidc-provider and what it nests. */
const transformIgnorePatterns = ['^(?!.*/node_modules/oidc-provider/).*/node_modules/'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      transform,
      transformIgnorePatterns,
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/test/integration/', '/test/e2e/'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      transform,
      transformIgnorePatterns,
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
    },
  ],
};
