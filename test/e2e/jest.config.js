/**
 * The browser tests (`npm run test:e2e`): the chat page in Debian's Chromium against the local
 * runtime. Kept out of `npm test`, which needs no browser.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  displayName: 'e2e',
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }],
    // oidc-provider (the local issuer) and its jose are ES modules only: compiled to CommonJS.
    '^.+/node_modules/oidc-provider/.+\\.js$': [
      'ts-jest',
      {
        tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs' },
        diagnostics: false,
      },
    ],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/oidc-provider/).*/node_modules/'],
  // Builds the client and the page once for every test file.
  globalSetup: '<rootDir>/test/e2e/global-setup.ts',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60_000,
};
