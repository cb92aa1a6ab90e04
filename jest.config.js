/** Jest runs our TypeScript as native ES modules (NestJS 12 is ESM-only), compiled by SWC. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@ml/auth$': '<rootDir>/libs/auth/src/index.ts',
    '^@ml/config$': '<rootDir>/libs/config/src/index.ts',
    '^@ml/event-store$': '<rootDir>/libs/event-store/src/index.ts',
    '^@ml/masterplan$': '<rootDir>/libs/masterplan/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
  testTimeout: 30000,
};
