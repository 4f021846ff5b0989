/** Where the CLI writes: results to stdout, progress and errors to stderr, so pipes stay clean. */
export interface Output {
  result(text: string): void;
  info(text: string): void;
  error(text: string): void;
}

export const processOutput: Output = {
  result: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  info: (text) => process.stderr.write(text + '\n'),
  error: (text) => process.stderr.write(`lienthong: ${text}\n`),
};
