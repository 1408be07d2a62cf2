import { runDemo } from './demo.ts';
import { runDump } from './dump.ts';
import { runEngine } from './engine.ts';
import { runReceive } from './receive.ts';
import { runRehearsal } from './rehearsal.ts';
import { runSend } from './send.ts';
import { runServer } from './server.ts';

const USAGE = `aoo-node — AOO 2.0 audio streaming for Max and Pure Data

usage:
  aoo-node demo [--seconds S=10] [--codec pcm|opus]
                                        a source and a sink in this process stream a 440/660 Hz stereo
                                        tone over 127.0.0.1 with a live status; then a summary with the
                                        frequencies the sink played (exit 1 if the stream failed)
  aoo-node dump --file CAPTURE          decode a capture file (the format of shared/aoo/vectors)
  aoo-node dump --port P [--host H] [--count N] [--seconds S]
                                        listen on UDP port P (IPv4 and IPv6) and decode what arrives
  aoo-node engine [--control-port P=7079] [--idle-exit S=10]
                                        the engine of the Pd objects (aoo.send~, aoo.receive~, aoo.client,
                                        aoo.server): listens on 127.0.0.1:P for them (one engine per
                                        machine; a second one exits);
                                        logs to stderr; stops S s after the last object leaves (0 = never)
  aoo-node receive (--port P | ROOM) [--host H] [--id N=1] --out FILE.wav [--seconds S] [--latency MS=50]
                  [--channels N=2] [--samplerate SR=48000] [--blocksize N=64] [--dynamic-resampling on|off]
                                        run sink N on UDP port P; write what it plays to FILE.wav
                                        (float32) and print its events as JSON lines; Ctrl-C stops;
                                        on a terminal, a live status line per source on stderr;
                                        it follows the source's clock unless --dynamic-resampling off;
                                        in a ROOM (then --port is optional) also the room's events
                                        (peer_join, peer_leave, …), and each source's group and user
  aoo-node rehearsal [--seconds S=20] [--peers pd|node]
                                        a rehearsal room on this machine: a connection server, the engine
                                        and two musicians (headless Pd running the example patch, or Node
                                        peers without Pd) who join group "band" and stream a tone to each
                                        other by user name; a live status, then whether each heard the
                                        other (exit 1 if not); Ctrl-C ends it early
  aoo-node send (--to HOST:PORT:ID [ROOM] | --to-peer USER[:ID=1] ROOM) [--port P=0] [--id N=1]
                [--tone HZ[,HZ…]=440 | --file IN.wav] [--seconds S] [--codec pcm|opus]
                [--bits 8|16|24|32|64=32] [--channels N] [--samplerate SR=48000] [--blocksize N=64]
                [--message-every S]
                                        stream tones (channel i plays tone i, amplitude 0.5) or a WAV
                                        file from source N to a sink, e.g. --to [::1]:9100:1;
                                        --message-every adds a text stream message "hello N";
                                        without --seconds until Ctrl-C; on a terminal, a live status line;
                                        --to-peer waits for USER to be in the room, then streams to its
                                        sink ID (relayed if need be), stops when USER leaves and resumes
                                        when USER comes back; the room's events go to stderr
      ROOM = --server HOST:PORT --group G --user U [--group-password PW] [--user-password PW] [--password PW]
                                        log in to an AOO server (aoo-node server; --password is the
                                        server's) on the command's UDP port and join group G as user U
  aoo-node server [--port P=7078] [--host H] [--relay] [--password PW]
                                        run an AOO connection server on TCP and UDP port P (IPv4 and
                                        IPv6): login, groups, peer discovery; --relay forwards packets
                                        between clients of a group; JSON log lines on stderr; Ctrl-C stops
  aoo-node help                         this text
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  demo: runDemo,
  dump: runDump,
  engine: runEngine,
  receive: runReceive,
  rehearsal: runRehearsal,
  send: runSend,
  server: runServer,
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
