export * from './auth.module.js';
export * from './signing-key.js';
export * from './tokens.js';
export * from './checkpoints.js';
