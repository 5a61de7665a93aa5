/**
 * Whether a command line asks for its help: `--help` or `-h` anywhere before a lone `--`.
 *
 * @example
 * asksForHelp(['--port', '4000', '--help']); // true
 * asksForHelp(['--name', 'Ann']); // false
 */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
