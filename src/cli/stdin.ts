/** How cli.ts passes a bare `-` (standard input) through yargs, which would drop it from positionals. */
export const STDIN_TOKEN = '\u0000stdin';

/** The command's inputs with the token turned back into `-`. */
export function withStdin(inputs: readonly string[]): string[] {
  return inputs.map((input) => (input === STDIN_TOKEN ? '-' : input));
}
