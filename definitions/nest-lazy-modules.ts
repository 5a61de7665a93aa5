/**
 * Packages Nest's core requires lazily, only for what a gateway function never uses (HTTP
 * platforms, microservices): left out of every function bundle (the stack's and the local
 * runtime's), since bundlers otherwise fail on them when they are not installed.
 *
 * @example
 * build({ entryPoints: [entry], bundle: true, external: [...NEST_LAZY_MODULES] });
 */
export const NEST_LAZY_MODULES: readonly string[] = [
  '@nestjs/microservices',
  '@nestjs/microservices/microservices-module',
  '@nestjs/platform-express',
  '@nestjs/platform-socket.io',
];
