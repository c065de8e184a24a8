export { createPlatform, type Platform, type PlatformOptions } from './platform.ts';
