import { runDump } from './dump.ts';

const USAGE = `aoo-node — AOO 2.0 audio streaming for Max and Pure Data

usage:
  aoo-node dump --file CAPTURE          decode a capture file (the format of shared/aoo/vectors)
  aoo-node dump --port P [--host H] [--count N] [--seconds S]
                                        listen on UDP port P (IPv4 and IPv6) and decode what arrives
  aoo-node help                         this text
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  dump: runDump,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`aoo-node: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}

// `aoo-node dump … | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`aoo-node: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
