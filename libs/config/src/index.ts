export * from './configuration.js';
export * from './configuration.module.js';
export type { TrustedProxies } from './kinds.js';
